"""Demo reports for the demo district: made up (``Report.generated``), spread over its kecamatan and every
step of handling, so the board, the overdue list, the neutrality routing and the identity requests can be
shown. Called from praja/demo/district.py (ensure_demo_extras) only when the district has no reports."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from praja.accounts.models import Agency
from praja.base import audit
from praja.reports import duplicates, handling, identity, intake, routing
from praja.reports.models import Report
from praja.territory.models import TPS, Region

ACTOR = audit.Actor(None, "system:demo-reports", "", "cli")

# (category, severity, title, description, subject kind)
STORIES: list[tuple[str, int, str, str, str]] = [
    ("politik_uang", 3, "Pembagian amplop menjelang pencoblosan",
     "Warga melihat pembagian amplop berisi uang di dekat balai desa oleh orang yang mengaku tim sukses.", ""),
    ("keamanan", 3, "Massa berkumpul di sekitar TPS",
     "Sekelompok orang berkumpul dan berteriak di dekat TPS saat penghitungan suara.", ""),
    ("kekerasan", 4, "Perkelahian antarpendukung",
     "Terjadi perkelahian antara dua kelompok pendukung, satu orang luka ringan.", ""),
    ("logistik", 2, "Surat suara kurang",
     "KPPS melaporkan jumlah surat suara kurang 20 lembar dari DPT.", ""),
    ("listrik_internet", 1, "Listrik padam di TPS",
     "Listrik padam sejak pukul 14.00, penghitungan memakai lampu darurat.", ""),
    ("sara", 3, "Spanduk bernada SARA",
     "Spanduk berisi ajakan tidak memilih calon karena agamanya dipasang di pertigaan.", ""),
    ("hak_pilih", 2, "Pemilih tidak terdaftar ditolak",
     "Beberapa warga dengan KTP setempat ditolak mencoblos karena tidak ada di DPT dan DPTb.", ""),
    ("lokasi_tps", 1, "TPS sulit dijangkau",
     "Jalan menuju TPS tergenang banjir, lansia kesulitan datang.", ""),
    ("hoaks", 2, "Pesan berantai TPS dipindah",
     "Beredar pesan WhatsApp bahwa TPS dipindah ke desa sebelah, ternyata tidak benar.", ""),
    ("netralitas", 3, "Kepala desa mengarahkan warga",
     "Kepala desa mengumpulkan perangkat desa dan meminta mendukung salah satu pasangan calon.", "kades"),
    ("netralitas", 2, "ASN memakai atribut kampanye",
     "Seorang guru ASN mengunggah foto dengan atribut kampanye di media sosial.", "asn"),
]


DETAILS = [
    "Kejadian dilihat beberapa warga dan sudah difoto.",
    "Petugas linmas setempat sudah diberi tahu tetapi belum ada tindakan.",
    "Menurut saksi, hal serupa terjadi kemarin sore di dusun sebelah.",
    "Pelapor bersedia memberi keterangan tambahan bila dihubungi.",
    "Situasi saat ini sudah lebih tenang, namun warga masih resah.",
    "Ketua KPPS mencatat kejadian ini di formulir kejadian khusus.",
]


def _people() -> dict[str, Any]:
    User = get_user_model()
    out = {}
    for username in ("bawaslu", "panwascam.donomulyo", "gakkumdu", "propam", "ops.polres", "polsek.donomulyo"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            out[username] = user
    return out


def _ensure_recipients(regency: Region) -> None:
    """The legal paths' national recipients the demo lacks (DKPP, KASN/BKN, POM TNI)."""
    province = regency.parent or regency
    for slug, kind, name in [("dkpp-ri", "dkpp", "DKPP RI"), ("kasn-bkn", "kasn", "KASN/BKN"),
                             ("pomdam-v-brawijaya", "pom_tni", "Pomdam V/Brawijaya")]:
        Agency.objects.get_or_create(slug=slug, defaults={"kind": kind, "name": name, "region": province})


def build_demo_reports(regency: str, *, count: int = 48, seed: int = 2024) -> int:
    """File `count` made-up reports in the regency through the one intake path, then take them along the
    handling steps. Returns how many were made (0 when the regency already has reports)."""
    region = Region.objects.filter(code=regency).first()
    if region is None or Report.objects.filter(region__code__startswith=regency + ".").exists():
        return 0
    rng = random.Random(seed)
    tps = list(TPS.objects.filter(code__startswith=regency + ".").order_by("code").values_list("code", flat=True))
    if not tps:
        return 0
    people = _people()
    now = timezone.now()
    made: list[Report] = []
    with transaction.atomic(), audit.acting_as(ACTOR):
        _ensure_recipients(region)
        # A neutrality report about the Donomulyo Polsek: invisible to that Polsek.
        polsek = (Agency.objects.filter(kind="polsek", region__code__startswith=regency + ".")
                  .order_by("region_id").first())
        home_tps = [c for c in tps if polsek is not None and c.startswith(polsek.region_id + ".")]
        for i in range(count):
            category, severity, title, description, subject = STORIES[i % len(STORIES)]
            place = rng.choice(tps)
            if i % 6 == 2 and home_tps:  # some in the first kecamatan, where the demo Polsek account works
                place = rng.choice(home_tps)
            raw: dict[str, Any] = {
                "category": category, "severity": severity, "title": title,
                "description": f"{description} {rng.choice(DETAILS)} (Laporan demo, dibangkitkan.)",
                "tps": place, "subject_kind": subject,
                "occurred_at": (now - datetime.timedelta(hours=rng.randint(2, 9 * 24))).isoformat(),
            }
            if i % 5 == 0:
                raw.update({"anonymous": False, "reporter_name": f"Pelapor Demo {i}",
                            "phone": f"08123{i:07d}"})
            if i == 1 and polsek is not None:
                raw.update({"subject_kind": "polri", "subject_unit": polsek.pk, "category": "netralitas",
                            "title": "Anggota Polsek mengarahkan pemilih",
                            "description": "Seorang anggota Polsek terlihat mengarahkan warga memilih pasangan "
                                           "calon tertentu di depan TPS.",
                            "tps": TPS.objects.filter(desa__parent_id=polsek.region_id).values_list(
                                "code", flat=True).first() or place})
            answer = intake.submit(intake.validate(raw), channel=rng.choice(
                ["web_publik", "web_petugas", "sms", "whatsapp", "api"]), actor_label="demo")
            report = answer.report
            Report.objects.filter(pk=report.pk).update(generated=True)
            handling.on_intake(report.pk)  # routing and duplicate links now, so they are dated with the report
            duplicates.find_and_link(report)
            made.append(report)
        _walk(made, people, rng, now)
    return len(made)


def _walk(reports: list[Report], people: dict[str, Any], rng: random.Random, now: datetime.datetime) -> None:
    """Take the demo reports along the handling steps (about a third stay new), then date the made-up
    history: each report was received some hours after it happened and handled in the hours after that."""
    bawaslu = people.get("bawaslu")
    for i, report in enumerate(reports):
        report.refresh_from_db()
        occurred = report.occurred_at or now
        received = min(occurred + datetime.timedelta(minutes=rng.randint(10, 240)), now)
        step = i % 9 if bawaslu is not None else 0
        handled = min(received + datetime.timedelta(minutes=rng.randint(30, 180)), now)
        Report.objects.filter(pk=report.pk).update(received_at=received)
        report.refresh_from_db()
        if step not in (0, 3, 6):
            _handle(report, step, i, people, handled)
        _date(report, received, handled, now, rng)
    # the verified reports' desa are scored now, not when a job worker first runs (`praja demo --no-serve` starts
    # none): the demo's risk map shows its incidents as soon as it is built
    from praja.risk.services import score_pending

    score_pending()


def _handle(report: Report, step: int, i: int, people: dict[str, Any], at: datetime.datetime) -> None:
    by = handling.by(people["bawaslu"], "cli")
    if step == 8:
        handling.reject(report, by, "Bukan pelanggaran pemilihan (demo)")
        return
    handling.verify(report, by, note="Dicek ke lokasi (demo)", risk_now=True)  # scored at the end, once
    if step == 1:
        return
    polsek = Agency.objects.filter(kind="polsek", region_id=report.region_code[:8]).first()
    if step == 2 and polsek is not None and not routing.agency_refused(report, polsek):
        handling.assign(report, by, polsek, note="Mohon ditindaklanjuti (demo)")
        return
    path = routing.route(report).path or ("pidana" if report.category in (
        "politik_uang", "kekerasan", "sara") else "administrasi")
    try:
        handling.refer(report, by, path, note="Diteruskan (demo)", acknowledge_late=True, now=at)
    except handling.HandlingError:
        return
    if step == 5:
        handling.record_outcome(report, by, respondents="Dua orang (demo)", arrests=0,
                                steps_taken="Klarifikasi dan pemeriksaan saksi (demo)",
                                case_number=f"LP/DEMO/{i}/XI/2024", outcome="Dihentikan: bukti kurang (demo)")
    if step == 7 and report.reporter_sealed and "gakkumdu" in people and "propam" in people:
        # Propam asks; two custodians of two agencies (Bawaslu, Sentra Gakkumdu) approve (identity.decide).
        req = identity.request_identity(report, handling.by(people["propam"], "cli"),
                                        "Pelapor adalah saksi kunci dan perlu dimintai keterangan (demo)")
        identity.decide(req, by, True, "Alasan cukup (demo)")
        identity.decide(req, handling.by(people["gakkumdu"], "cli"), True, "Setuju (demo)")


def _date(report: Report, received: datetime.datetime, handled: datetime.datetime, now: datetime.datetime,
          rng: random.Random) -> None:
    """The demo's clock: the generated report and its entries are dated along its made-up history (done
    once, while the demo is built, before anyone has seen it)."""
    from praja.reports.models import IdentityRequest, TimelineEntry

    Report.objects.filter(pk=report.pk).update(received_at=received)
    entries = list(TimelineEntry.objects.filter(report=report).order_by("pk").values_list("pk", "kind"))
    t = received
    for n, (pk, kind) in enumerate(entries):
        if n == 1:
            t = max(t, handled - datetime.timedelta(minutes=20))
        elif n > 1:
            step = datetime.timedelta(minutes=rng.randint(5, 40))
            if kind == TimelineEntry.Kind.OUTCOME:
                step = datetime.timedelta(hours=rng.randint(6, 30))
            t = min(t + step, now)
        TimelineEntry.objects.filter(pk=pk).date_generated(t)
        if kind == TimelineEntry.Kind.STATUS and n == 1:
            Report.objects.filter(pk=report.pk, verified_at__isnull=False).update(verified_at=t)
    for req in IdentityRequest.objects.filter(report=report):
        IdentityRequest.objects.filter(pk=req.pk).update(requested_at=t, decided_at=t)
