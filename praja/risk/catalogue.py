"""The TPS vulnerability catalogue: Bawaslu's TPS mapping for Pilkada 2024 as data (no Django import).

What is here, and where it comes from
-------------------------------------
- The 8 variables and their indicators of Bawaslu's TPS-level mapping for Pilkada 2024 (collected
  10-15 November 2024), as listed in shared/mission/DOMAIN.md section 2 and in Bawaslu's press
  releases (Pemilu 2024 mapping: 7 variables, 22 indicators; Pilkada 2024: 8 variables, 22 indicators
  in Kabupaten Malang). The catalogue holds the union of the indicators named there (28); a district
  that did not collect one sets its weight to 0, which switches it off (it is then neither scored nor
  listed as "not assessed").
- The police's additional indicators named in issue 3 (conflict history, SARA issues, balance of
  support between the candidate pairs), which Polres intelligence (Intelkam) and the village police
  officers (Bhabinkamtibmas) usually supply.
- Two history indicators that Praja's own incident reports feed (see `praja.risk.index.history_values`).

Weights, caps and thresholds are DEFAULTS
-----------------------------------------
Bawaslu publishes its TPS mapping as counts of TPS per indicator; it publishes no weights and no TPS
classes. Every weight, every saturation cap and every class threshold below is therefore OUR
JUDGEMENT, written down in each indicator's `basis`, and every one of them is a setting a district
may change (the Django layer stores the overrides; `praja.risk.index.Config.with_overrides`).
The judgement follows one rule: the index serves the police deployment plan, so indicators that
predict physical disorder at the TPS (violence, intimidation, refusal, conflict) weigh most; money
politics, SARA and neutrality, which Bawaslu's August 2024 map named as Kabupaten Malang's strategic
issues, weigh in the middle; administrative indicators (voter lists, logistics, network), which
matter for KPU and Bawaslu but seldom call for more officers, weigh least.

Weight scale: 0 (off) to 10 (the heaviest single indicator). The sum of the default weights is 142;
one indicator's share of the score is 100 * weight / 142 points when fully present
(history of violence: 7.0 points; conflict area or refusal to vote: 6.3; disabled voters: 0.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ValueType(StrEnum):
    """How an indicator's value is read and normalised to 0..1 (see `praja.risk.index.normalise`)."""

    BOOLEAN = "boolean"  # present or not: 0 or 1
    COUNT = "count"  # how many (people, incidents): min(1, count / cap), saturating
    SHARE = "share"  # a fraction 0..1, used as it is


class Origin(StrEnum):
    BAWASLU = "bawaslu"  # Bawaslu's TPS mapping, Pilkada 2024
    POLRI = "polri"  # the police's additional indicators (issue 3)
    PRAJA = "praja"  # computed by Praja from its own incident reports
    DISTRICT = "district"  # added by a district without a code change (Django layer)


@dataclass(frozen=True)
class Indicator:
    """One indicator. `weight`, `cap` and `khusus` are defaults a district may override."""

    key: str
    variable: str  # key of its Variable
    label_id: str
    label_en: str
    value_type: ValueType
    agency: str  # the agency that usually sources the value
    weight: float  # default weight, 0..10 (0 switches it off)
    basis: str  # why this default weight (our judgement unless a source is named)
    cap: float = 1.0  # COUNT only: the count at which the normalised value reaches 1
    khusus: bool = False  # a TPS where this indicator is present is class "khusus" whatever its score
    origin: Origin = Origin.BAWASLU


@dataclass(frozen=True)
class Variable:
    key: str
    label_id: str
    label_en: str
    indicators: tuple[Indicator, ...]
    origin: Origin = Origin.BAWASLU


def _v(key: str, label_id: str, label_en: str, *indicators: Indicator, origin: Origin = Origin.BAWASLU) -> Variable:
    for i in indicators:
        if i.variable != key:
            raise ValueError(f"indicator {i.key} names variable {i.variable}, is listed under {key}")
    return Variable(key, label_id, label_en, tuple(indicators), origin)


_B, _C, _S = ValueType.BOOLEAN, ValueType.COUNT, ValueType.SHARE

# Judgement classes used in the `basis` texts.
_ADMIN = "our judgement: administrative, matters to KPU/Bawaslu, seldom calls for more officers"
_SECURITY = "our judgement: predicts physical disorder at the TPS, what the police plan for"
_STRATEGIC = ("our judgement: Bawaslu's August 2024 map names it a strategic issue of Kab. Malang "
              "(neutrality, money politics, polarisation, intimidation); middle weight")

VARIABLES: tuple[Variable, ...] = (
    _v(
        "hak_pilih", "Penggunaan hak pilih", "Use of the right to vote",
        Indicator("dpt_tms", "hak_pilih",
                  "Pemilih DPT yang sudah tidak memenuhi syarat (meninggal, pindah, alih status TNI/Polri)",
                  "DPT voters no longer eligible (deceased, moved, became TNI/Polri)",
                  _C, "KPU", 2, _ADMIN + "; ballots that others could use", cap=10),
        Indicator("dptb", "hak_pilih", "Pemilih pindahan (DPTb)", "Transfer voters (DPTb)",
                  _C, "KPU", 2, _ADMIN + "; ballot shortages and disputes at the TPS", cap=20),
        Indicator("potensi_dpk", "hak_pilih", "Potensi pemilih tidak terdaftar (DPK)",
                  "Potential unlisted voters (DPK)",
                  _C, "Bawaslu", 2, _ADMIN + "; disputes over who may vote", cap=20),
        Indicator("kpps_luar_domisili", "hak_pilih",
                  "KPPS yang bukan pemilih di TPS tempat bertugas (luar domisili)",
                  "KPPS staff not registered at the TPS they serve (outside their domicile)",
                  _C, "KPU", 1, _ADMIN, cap=3),
        Indicator("pemilih_disabilitas", "hak_pilih", "Pemilih disabilitas terdaftar di DPT",
                  "Disabled voters on the DPT",
                  _C, "KPU", 1, _ADMIN + "; access and assisted voting, a service need more than a threat",
                  cap=10),
        Indicator("riwayat_psu", "hak_pilih",
                  "Riwayat pemungutan/penghitungan suara ulang (PSU/PSSU)",
                  "History of a re-vote or recount (PSU/PSSU)",
                  _B, "Bawaslu", 5, "our judgement: a past re-vote or recount shows a contested TPS"),
    ),
    _v(
        "keamanan", "Keamanan", "Security",
        Indicator("riwayat_kekerasan", "keamanan", "Riwayat kekerasan di TPS", "History of violence at the TPS",
                  _B, "Bawaslu", 10, _SECURITY + "; the heaviest single indicator"),
        Indicator("intimidasi", "keamanan", "Intimidasi terhadap pemilih atau penyelenggara",
                  "Intimidation of voters or election staff",
                  _B, "Bawaslu", 8, _SECURITY),
        Indicator("penolakan_pemungutan", "keamanan", "Penolakan penyelenggaraan pemungutan suara",
                  "Refusal to hold the vote", _B, "Bawaslu", 9, _SECURITY),
    ),
    _v(
        "politik_uang", "Politik uang", "Money politics",
        Indicator("politik_uang", "politik_uang", "Pemberian uang atau barang di sekitar TPS",
                  "Money or gifts near the TPS", _B, "Bawaslu", 6, _STRATEGIC),
    ),
    _v(
        "politisasi_sara", "Politisasi SARA", "SARA politicisation",
        Indicator("ujaran_sara", "politisasi_sara",
                  "Penghinaan/penghasutan berbasis SARA di sekitar TPS",
                  "Identity-based (SARA) insult or incitement near the TPS", _B, "Bawaslu", 6, _STRATEGIC),
    ),
    _v(
        "netralitas", "Netralitas", "Neutrality",
        Indicator("netralitas_penyelenggara", "netralitas", "Penyelenggara (PPK/PPS/KPPS) tidak netral",
                  "Election bodies (PPK/PPS/KPPS) not neutral", _B, "Bawaslu", 4, _STRATEGIC),
        Indicator("netralitas_asn", "netralitas", "ASN tidak netral", "Civil servants (ASN) not neutral",
                  _B, "Bawaslu", 3, _STRATEGIC + "; less present at the TPS itself"),
        Indicator("netralitas_tni_polri", "netralitas", "Anggota TNI/Polri tidak netral",
                  "TNI/Polri members not neutral", _B, "Bawaslu", 4, _STRATEGIC),
        Indicator("netralitas_kades", "netralitas", "Kepala desa atau perangkat desa tidak netral",
                  "Village head or village staff not neutral", _B, "Bawaslu", 4,
                  _STRATEGIC + "; 6 of the 11 reports in Kab. Malang 2024 were about village heads"),
        Indicator("kpps_kampanye", "netralitas", "KPPS berkampanye untuk pasangan calon",
                  "KPPS members campaigning for a candidate pair", _B, "Bawaslu", 4, _STRATEGIC),
    ),
    _v(
        "logistik", "Logistik", "Logistics",
        Indicator("logistik_rusak", "logistik", "Riwayat kerusakan logistik", "History of damaged logistics",
                  _B, "KPU", 2, _ADMIN),
        Indicator("logistik_kurang_lebih", "logistik", "Kekurangan, kelebihan atau tertukarnya logistik",
                  "Logistics short, in surplus or mixed up", _B, "KPU", 2, _ADMIN),
        Indicator("logistik_terlambat", "logistik", "Keterlambatan distribusi logistik (batas H-1)",
                  "Late logistics delivery (deadline: the day before voting)", _B, "KPU", 3,
                  _ADMIN + "; a late start crowds the TPS"),
    ),
    _v(
        "lokasi_tps", "Lokasi TPS", "TPS location",
        Indicator("sulit_dijangkau", "lokasi_tps", "TPS sulit dijangkau (medan, cuaca)",
                  "Hard to reach (terrain, weather)", _B, "Bawaslu", 5,
                  "our judgement: slow reinforcement; the 7 TPS Polres Malang named vulnerable in 2024 were "
                  "all geographic or weather risks"),
        Indicator("wilayah_konflik", "lokasi_tps", "TPS di wilayah konflik", "In a conflict area",
                  _B, "Polri", 9, _SECURITY),
        Indicator("rawan_bencana", "lokasi_tps", "TPS di wilayah rawan bencana", "In a disaster-prone area",
                  _B, "BPBD", 5, "our judgement: as hard to reach; same Polres Malang 2024 evidence"),
        Indicator("dekat_lembaga_pendidikan", "lokasi_tps",
                  "Dekat lembaga pendidikan yang siswanya berpotensi memilih",
                  "Near a school or campus whose students may vote there", _B, "Bawaslu", 1,
                  _ADMIN + "; a surge of DPTb voters"),
        Indicator("dekat_pabrik_tambang", "lokasi_tps",
                  "Dekat pabrik, perusahaan atau tambang yang pekerjanya berpotensi memilih",
                  "Near a factory, company or mine whose workers may vote there", _B, "Bawaslu", 1,
                  _ADMIN + "; a surge of DPTb voters"),
        Indicator("dekat_posko_paslon", "lokasi_tps", "Dekat rumah atau posko tim kampanye pasangan calon",
                  "Near a candidate's house or campaign post", _B, "Bawaslu", 5,
                  "our judgement: supporters gather, pressure on voters; between strategic and security"),
        Indicator("lokasi_khusus", "lokasi_tps",
                  "Lokasi khusus (lapas/rutan, rumah sakit, panti, asrama, perkebunan, pertambangan)",
                  "Special location (prison, hospital, care home, dormitory, plantation, mine)",
                  _B, "KPU", 3,
                  "our judgement: restricted access; the class 'khusus' (own pattern, e.g. Polres Malang 2024: "
                  "2 police for a special TPS) matters more than the points", khusus=True),
    ),
    _v(
        "listrik_internet", "Jaringan listrik dan internet", "Power and internet",
        Indicator("kendala_listrik", "listrik_internet", "Gangguan atau ketiadaan aliran listrik",
                  "Power outages or no power", _B, "PLN", 3,
                  _ADMIN + "; counting after dark without light invites disorder"),
        Indicator("kendala_internet", "listrik_internet", "Gangguan atau ketiadaan jaringan internet",
                  "Poor or no internet network", _B, "Bawaslu", 2, _ADMIN + "; delays the Sirekap upload"),
    ),
    _v(
        "polri", "Indikator tambahan Polri", "Police additional indicators",
        Indicator("riwayat_konflik", "polri", "Riwayat konflik (antarpendukung, antarwarga, antardesa)",
                  "History of conflict (between supporters, residents, villages)", _B, "Polri", 8, _SECURITY,
                  origin=Origin.POLRI),
        Indicator("isu_sara", "polri", "Isu SARA yang berkembang di sekitar TPS",
                  "SARA issues circulating around the TPS", _B, "Polri", 6, _STRATEGIC, origin=Origin.POLRI),
        Indicator("keseimbangan_dukungan", "polri",
                  "Keseimbangan dukungan antarpasangan calon (1 = berimbang)",
                  "Balance of support between the candidate pairs (1 = even split)", _S, "Polri", 4,
                  "our judgement: a close race raises the stakes at each TPS; "
                  "see praja.risk.index.support_balance", origin=Origin.POLRI),
        origin=Origin.POLRI,
    ),
    _v(
        "riwayat_insiden", "Riwayat insiden (laporan Praja)", "Incident history (Praja reports)",
        Indicator("insiden_tps", "riwayat_insiden",
                  "Insiden di TPS (jendela hari terakhir, berbobot keparahan, meluruh)",
                  "Incidents at the TPS (recent window, severity-weighted, decayed)", _C, "Praja", 8,
                  _SECURITY + "; saturates at 3 severity units (e.g. one severe incident this week)", cap=3,
                  origin=Origin.PRAJA),
        Indicator("insiden_desa", "riwayat_insiden",
                  "Insiden lain di desa/kelurahan TPS (jendela hari terakhir, meluruh)",
                  "Other incidents in the TPS's desa (recent window, decayed)", _C, "Praja", 4,
                  "our judgement: half the TPS weight, tension nearby; saturates at 5 severity units", cap=5,
                  origin=Origin.PRAJA),
        origin=Origin.PRAJA,
    ),
)

INDICATORS: tuple[Indicator, ...] = tuple(i for v in VARIABLES for i in v.indicators)
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
VARIABLE_BY_KEY: dict[str, Variable] = {v.key: v for v in VARIABLES}
BAWASLU_VARIABLES: tuple[str, ...] = tuple(v.key for v in VARIABLES if v.origin is Origin.BAWASLU)

# Class thresholds (lower bounds, score points 0..100): aman < KURANG_RAWAN <= kurang rawan < RAWAN <=
# rawan < SANGAT_RAWAN <= sangat rawan. OUR JUDGEMENT, set against the default weights (sum 142):
# - aman: nothing material, or administrative indicators alone (network 1.4, a full DPTb list 1.4);
# - kurang rawan from 2.5: one moderate indicator (a neutrality finding 2.8, hard to reach or near a
#   campaign post 3.5) or several administrative ones;
# - rawan from 5.5: one physical-security indicator (violence 7.0, conflict area or refusal 6.3,
#   intimidation or conflict history 5.6) or two moderate ones;
# - sangat rawan from 11: two security indicators (violence + intimidation 12.7; conflict area +
#   conflict history 12.0) or security + a strategic one (violence + money politics 11.3).
# For scale: East Java 2024 had 733 rawan and 87 sangat rawan among 60,751 TPS (1.3 % together).
# Adding indicators dilutes every score by 142 / (142 + added weight): revisit the thresholds then.
DEFAULT_THRESHOLDS: tuple[float, float, float] = (2.5, 5.5, 11.0)

# History indicators (our judgement): incidents of the last 30 days count, each by its severity,
# halved every 14 days of age, so a report moves the index at once and fades over a month.
DEFAULT_HISTORY_WINDOW_DAYS = 30
DEFAULT_HISTORY_HALF_LIFE_DAYS = 14.0

# Kabupaten Malang, Pilkada 2024 TPS mapping (javasatu.com, ketik; DOMAIN.md section 2): number of TPS
# where each indicator was found, out of MALANG_TPS (KPU: 4,041-4,042).
MALANG_TPS = 4042
MALANG_FIGURES: dict[str, int] = {
    "pemilih_disabilitas": 1192,
    "dptb": 513,
    "kpps_luar_domisili": 460,
    "kendala_internet": 122,
    "dekat_posko_paslon": 22,
    "wilayah_konflik": 4,
    "kendala_listrik": 4,
    "riwayat_kekerasan": 2,
}
# The 7 TPS Polres Malang named vulnerable in 2024, all geographic or weather risks, by kecamatan
# (DOMAIN.md section 5); how the 7 split over the 5 kecamatan was not reported: this split is generated.
MALANG_POLICE_NAMED: dict[str, int] = {
    "35.07.06": 2,  # Ampelgading
    "35.07.29": 2,  # Gedangan
    "35.07.24": 1,  # Singosari
    "35.07.03": 1,  # Bantur
    "35.07.02": 1,  # Pagak
}


def indicator(key: str) -> Indicator:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown indicator {key!r}") from None
