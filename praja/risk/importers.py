"""Importing the TPS vulnerability mapping (CSV, XLSX): one row per TPS, one column per indicator.

The file is read with the TPS importer's machinery (`praja.territory.importers`: CSV dialects, XLSX,
`Problem`, number parsing) and checked the same way: every row and field is checked, and when any is
bad the whole file is rejected with a report naming each of them; nothing is written. A clean file is
loaded in one transaction with one audit summary, and the scores of its TPS are recomputed.

Columns (header row first; names are case-insensitive, spaces and dashes read as "_"):

- `kode_tps` (required): "35.07.01.2001/003" (also "35.07.01.2001/3" or "3507012001/3");
- one column per indicator, named by its key (`riwayat_kekerasan`, `dptb`, a district's own key ...):
  yes/no indicators take 1/0, ya/tidak, ada/tidak ada, true/false ("-" is tidak); counts a whole
  number >= 0; shares 0..1 or a percentage ("45%"). An empty cell means "not assessed" and leaves
  what is stored as it is;
- optional `sumber` (source agency; default: the import's), `tanggal` (date of the observation:
  2024-11-15 or 15/11/2024; default: the import's), `catatan` (evidence note for the row) and
  `catatan_<key>` (a note for one indicator);
- descriptive columns (`no`, `desa`, `kecamatan`, `alamat`, ...) are ignored; any other column is
  an error, so a misspelt indicator is never silently dropped.

A value replaces the stored values of the same TPS and indicator from the same source agency, and the
generated (demo) ones; values from other agencies stay as further evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from typing import TYPE_CHECKING, Any

from praja.base.regions import tps_code
from praja.risk import catalogue as cat
from praja.territory.importers import (
    MAX_ROWS,
    Problem,
    Progress,
    Unreadable,
    csv_rows,
    display_value,
    is_blank,
    normalise_desa_code,
    normalise_header,
    parse_float,
    read_source,
    xlsx_rows,
)

if TYPE_CHECKING:
    from praja.base.scope import Scope
    from praja.risk.services import RecomputeResult

MAX_COUNT = 100_000
MAX_NOTE = 500
MAX_AGENCY = 80
EARLIEST = date(2000, 1, 1)

TPS_ALIASES = ("kode_tps", "kodetps", "tps_code", "kode")
META_ALIASES: dict[str, tuple[str, ...]] = {
    "sumber": ("sumber", "sumber_data", "instansi", "instansi_sumber", "source", "source_agency", "agency"),
    "tanggal": ("tanggal", "tgl", "tanggal_pengamatan", "date", "observed_on"),
    "catatan": ("catatan", "keterangan", "bukti", "catatan_bukti", "note", "evidence"),
}
IGNORED_COLUMNS = frozenset(
    {
        "no",
        "nomor",
        "no_urut",
        "nama_tps",
        "desa",
        "nama_desa",
        "kelurahan",
        "desa_kelurahan",
        "kecamatan",
        "nama_kecamatan",
        "kabupaten",
        "alamat",
        "alamat_tps",
        "dpt",
        "jumlah_dpt",
    }
)
_ALIAS_TO_META = {a: m for m, aliases in META_ALIASES.items() for a in aliases}
_NOTE_PREFIXES = ("catatan_", "bukti_", "note_")

_TRUE = frozenset({"1", "ya", "y", "yes", "true", "benar", "ada", "v", "x", "✓", "√"})
_FALSE = frozenset({"0", "tidak", "tdk", "tidak_ada", "no", "false", "salah", "-", "none"})
_TPS_TEXT = re.compile(r"^(?P<desa>[\d.]+)\s*/\s*(?:tps\s*)?(?P<n>\d{1,3})$", re.IGNORECASE)
_TPS_PLAIN = re.compile(r"^(?P<desa>\d{10})(?P<n>\d{3})$")


@dataclass(frozen=True)
class IndicatorSpec:
    """What the importer needs to know of an indicator (built from Indicator rows)."""

    key: str
    value_type: cat.ValueType
    regency: str | None = None  # None: national; else only TPS of that regency take it
    history: bool = False  # fed by Praja's incident reports: never imported


@dataclass
class Header:
    tps: int | None = None
    meta: dict[str, int] = field(default_factory=dict)
    indicators: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)  # indicator key -> column of its own note
    labels: dict[int, str] = field(default_factory=dict)  # column index -> header as written


@dataclass(frozen=True)
class ValueRecord:
    row: int
    tps: str
    key: str
    value: float
    source_agency: str
    observed_on: date
    evidence: str


@dataclass
class MappingValidation:
    records: list[ValueRecord]
    tps: list[str]
    problems: list[Problem]


# --- reading -------------------------------------------------------------------------------------


def read_rows(file_name: str, data: bytes) -> tuple[list[tuple[int, list[object]]], list[Problem]]:
    """Every row of the first sheet (XLSX) or of the CSV, with its spreadsheet row number."""
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if suffix == "xls":
        return [], [
            Problem(
                file_name,
                None,
                "",
                "",
                "format .xls lama tidak didukung; simpan sebagai .xlsx atau "
                ".csv / old .xls format is not supported; save as .xlsx or .csv",
            )
        ]
    try:
        if suffix in ("xlsx", "xlsm") or (suffix not in ("csv", "txt") and data[:2] == b"PK"):
            rows = list(xlsx_rows(data))
        else:
            rows = list(csv_rows(data))
    except Unreadable as exc:
        return [], [Problem(file_name, None, "", "", str(exc))]
    return rows, []


def map_header(
    file_name: str, cells: list[object], specs: Mapping[str, Collection[IndicatorSpec]]
) -> tuple[Header, list[Problem]]:
    header = Header()
    problems: list[Problem] = []

    def file_problem(cell: object, message: str) -> None:
        problems.append(Problem(file_name, None, display_value(cell), "", message))

    seen: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        name = normalise_header(cell)
        header.labels[index] = display_value(cell)
        if name in seen:
            file_problem(
                cell,
                f"kolom {name} muncul dua kali ({seen[name]}, {display_value(cell)}) / "
                f"column {name} appears twice",
            )
            continue
        seen[name] = display_value(cell)
        if name in TPS_ALIASES:
            header.tps = index
        elif name in specs:
            if any(s.history for s in specs[name]):
                file_problem(
                    cell,
                    f"{name} dihitung Praja dari laporan kejadian dan tidak diimpor / "
                    f"{name} is computed by Praja from incident reports, not imported",
                )
            else:
                header.indicators[name] = index
        elif name in _ALIAS_TO_META:
            header.meta[_ALIAS_TO_META[name]] = index
        elif name.startswith(_NOTE_PREFIXES) and name.split("_", 1)[1] in specs:
            header.notes[name.split("_", 1)[1]] = index
        elif name in IGNORED_COLUMNS:
            continue
        else:
            file_problem(
                cell,
                f"kolom {display_value(cell)} bukan indikator yang dikenal (lihat daftar indikator) / "
                f"column {display_value(cell)} is not a known indicator (see the list of indicators)",
            )
    if header.tps is None:
        problems.append(
            Problem(
                file_name,
                None,
                "kode_tps",
                "",
                "kolom wajib kode_tps tidak ada di baris judul / "
                "required column kode_tps is missing from the header row",
            )
        )
    for key, index in header.notes.items():
        if key not in header.indicators:
            file_problem(
                cells[index],
                f"kolom {header.labels[index]} tanpa kolom indikator {key} / "
                f"column {header.labels[index]} without indicator column {key}",
            )
    if not header.indicators and not any(s.history for name in seen for s in specs.get(name, ())):
        problems.append(
            Problem(
                file_name,
                None,
                "",
                "",
                "tidak ada kolom indikator; nama kolom = kunci indikator "
                "(contoh riwayat_kekerasan) / no indicator column; name columns by indicator key",
            )
        )
    return header, problems


# --- values --------------------------------------------------------------------------------------


def normalise_tps_code(value: object) -> str | None:
    """'35.07.01.2001/003', '35.07.01.2001/3', '3507012001/3', '3507012001003' -> '35.07.01.2001/003'."""
    text = re.sub(r"\s+", "", display_value(value))
    m = _TPS_TEXT.match(text) or _TPS_PLAIN.match(text)
    if m is None:
        return None
    desa = normalise_desa_code(m.group("desa"))
    number = int(m.group("n"))
    if desa is None or not 1 <= number <= 999:
        return None
    return tps_code(desa, number)


def parse_value(spec: IndicatorSpec, raw: object) -> tuple[float | None, str]:
    """(value, "") or (None, message) for one indicator cell."""
    shown = display_value(raw)
    t = spec.value_type
    if t is cat.ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return (1.0 if raw else 0.0), ""
        number = parse_float(raw)
        if number in (0.0, 1.0):
            return float(number), ""
        word = re.sub(r"\s+", "_", shown.lower())
        if word in _TRUE:
            return 1.0, ""
        if word in _FALSE:
            return 0.0, ""
        return None, f"{shown} bukan ya/tidak (1/0) / not yes/no (1/0)"
    if shown == "-":
        return 0.0, ""
    if t is cat.ValueType.SHARE and shown.endswith("%"):
        number = parse_float(shown[:-1])
        if number is None:
            return None, f"{shown} bukan persentase / not a percentage"
        number /= 100
    else:
        number = None if isinstance(raw, bool) else parse_float(raw)
        if number is None:
            want = (
                "bilangan bulat / a whole number"
                if t is cat.ValueType.COUNT
                else "angka 0..1 / a number 0..1"
            )
            return None, f"{shown} bukan {want}"
    if t is cat.ValueType.COUNT:
        if not float(number).is_integer():
            return None, f"{shown} bukan bilangan bulat / not a whole number"
        if not 0 <= number <= MAX_COUNT:
            return None, f"{shown} di luar batas 0..{MAX_COUNT} / outside 0..{MAX_COUNT}"
        return float(number), ""
    if not 0 <= number <= 1:
        return None, f"{shown} di luar batas 0..1 (tulis 0,45 atau 45%) / outside 0..1 (write 0.45 or 45%)"
    return float(number), ""


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = display_value(raw)
    if " " in text:  # "2024-11-15 00:00:00" from a spreadsheet
        text = text.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --- checking rows -------------------------------------------------------------------------------


def validate_mapping(
    file_name: str,
    rows: list[tuple[int, list[object]]],
    header_problems: list[Problem],
    header: Header,
    specs: Mapping[str, Collection[IndicatorSpec]],
    known_tps: Collection[str],
    *,
    scope: Scope | None = None,
    regency: str | None = None,
    source_agency: str = "Bawaslu",
    observed_on: date,
    today: date,
    progress: Progress | None = None,
) -> MappingValidation:
    """Check every data row (those after the header); touches no database."""
    problems = list(header_problems)
    records: list[ValueRecord] = []
    tps_seen: dict[str, int] = {}
    total = len(rows)

    def cell(cells: list[object], index: int | None) -> object:
        if index is None or index >= len(cells) or is_blank(cells[index]):
            return None
        return cells[index]

    for done, (number, cells) in enumerate(rows, start=1):
        mine: list[Problem] = []

        def bad(
            index: int | None,
            column: str,
            value: object,
            message: str,
            _n: int = number,
            _out: list[Problem] = mine,
        ) -> None:
            label = header.labels.get(index, column) if index is not None else column
            _out.append(Problem(file_name, _n, label, display_value(value), message))

        raw_code = cell(cells, header.tps)
        code: str | None = None
        if raw_code is None:
            bad(header.tps, "kode_tps", raw_code, "wajib diisi / required")
        else:
            code = normalise_tps_code(raw_code)
            if code is None:
                bad(
                    header.tps,
                    "kode_tps",
                    raw_code,
                    f"{display_value(raw_code)} bukan kode TPS (contoh 35.07.01.2001/003) "
                    f"/ not a TPS code (e.g. 35.07.01.2001/003)",
                )
            elif code not in known_tps:
                bad(header.tps, "kode_tps", raw_code, f"TPS {code} tidak dikenal / unknown TPS {code}")
                code = None
            elif regency and not code.startswith(regency + "."):
                bad(
                    header.tps,
                    "kode_tps",
                    raw_code,
                    f"TPS {code} di luar kabupaten/kota {regency} / TPS {code} is outside regency {regency}",
                )
                code = None
            elif scope is not None and not scope.covers(code):
                bad(
                    header.tps,
                    "kode_tps",
                    raw_code,
                    f"TPS {code} di luar wilayah tugas Anda / TPS {code} is outside your area",
                )
                code = None
            elif code in tps_seen:
                bad(
                    header.tps,
                    "kode_tps",
                    raw_code,
                    f"TPS {code} ganda: sudah ada di baris {tps_seen[code]} / "
                    f"duplicate TPS {code}: already in row {tps_seen[code]}",
                )
            else:
                tps_seen[code] = number
        agency = source_agency
        raw_agency = cell(cells, header.meta.get("sumber"))
        if raw_agency is not None:
            agency = str(raw_agency).strip()
            if len(agency) > MAX_AGENCY:
                bad(
                    header.meta["sumber"],
                    "sumber",
                    raw_agency,
                    f"terlalu panjang (paling banyak {MAX_AGENCY} "
                    f"karakter) / too long (at most {MAX_AGENCY} characters)",
                )
        on = observed_on
        raw_date = cell(cells, header.meta.get("tanggal"))
        if raw_date is not None:
            parsed = parse_date(raw_date)
            if parsed is None:
                bad(
                    header.meta["tanggal"],
                    "tanggal",
                    raw_date,
                    f"{display_value(raw_date)} bukan tanggal (contoh "
                    f"2024-11-15 atau 15/11/2024) / not a date (e.g. 2024-11-15 or 15/11/2024)",
                )
            elif parsed > today:
                bad(
                    header.meta["tanggal"],
                    "tanggal",
                    raw_date,
                    f"tanggal {parsed.isoformat()} belum terjadi / "
                    f"date {parsed.isoformat()} is in the future",
                )
            elif parsed < EARLIEST:
                bad(
                    header.meta["tanggal"],
                    "tanggal",
                    raw_date,
                    f"tanggal {parsed.isoformat()} sebelum {EARLIEST.year} / date before {EARLIEST.year}",
                )
            else:
                on = parsed
        row_note = ""
        raw_note = cell(cells, header.meta.get("catatan"))
        if raw_note is not None:
            row_note = str(raw_note).strip()
            if len(row_note) > MAX_NOTE:
                bad(
                    header.meta["catatan"],
                    "catatan",
                    raw_note,
                    f"terlalu panjang ({len(row_note)} karakter; paling "
                    f"banyak {MAX_NOTE}) / too long ({len(row_note)} characters; at most {MAX_NOTE})",
                )
        values: list[ValueRecord] = []
        tps_regency = code[:5] if code else None
        for key, index in header.indicators.items():
            raw = cell(cells, index)
            if raw is None:
                continue
            options = specs[key]
            spec = next((s for s in options if s.regency is None or s.regency == tps_regency), None)
            if spec is None:
                if code is not None:
                    owners = ", ".join(sorted(s.regency or "" for s in options))
                    bad(
                        index,
                        key,
                        raw,
                        f"indikator {key} milik kabupaten/kota {owners}, bukan kabupaten/kota "
                        f"TPS ini / indicator {key} belongs to regency {owners}, not this TPS's",
                    )
                continue
            value, message = parse_value(spec, raw)
            if value is None:
                bad(index, key, raw, message)
                continue
            note = row_note
            note_raw = cell(cells, header.notes.get(key))
            if note_raw is not None:
                note = str(note_raw).strip()
                if len(note) > MAX_NOTE:
                    bad(
                        header.notes[key],
                        f"catatan_{key}",
                        note_raw,
                        f"terlalu panjang (paling banyak {MAX_NOTE} "
                        f"karakter) / too long (at most {MAX_NOTE} characters)",
                    )
            if code is not None:
                values.append(ValueRecord(number, code, key, value, agency, on, note[:MAX_NOTE]))
        if mine:
            problems.extend(mine)
        else:
            records.extend(values)
        if progress is not None and (done % 500 == 0 or done == total):
            progress("periksa", done, total)
    if not rows and not problems:
        problems.append(
            Problem(file_name, None, "", "", "berkas tidak berisi baris data / the file has no data rows")
        )
    if problems:
        return MappingValidation([], [], problems)
    return MappingValidation(records, list(tps_seen), [])


# --- the database part ---------------------------------------------------------------------------


@dataclass
class MappingImportResult:
    file: str
    sha256: str
    rows: int = 0
    tps: int = 0
    values: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    scores: RecomputeResult | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def indicator_specs() -> dict[str, list[IndicatorSpec]]:
    from praja.risk.models import Indicator
    from praja.risk.services import ensure_catalogue

    ensure_catalogue()
    out: dict[str, list[IndicatorSpec]] = {}
    for ind in Indicator.objects.all():
        out.setdefault(ind.key, []).append(
            IndicatorSpec(
                ind.key, cat.ValueType(ind.value_type), ind.region_id, ind.origin == Indicator.Origin.PRAJA
            )
        )
    return out


def _known_tps(codes: Iterable[str]) -> set[str]:
    from praja.risk.services import _chunks
    from praja.territory.models import TPS

    known: set[str] = set()
    for batch in _chunks(codes):
        known.update(TPS.objects.filter(code__in=batch).values_list("code", flat=True))
    return known


def import_mapping(
    file: str | PathLike[str],
    data: bytes | None = None,
    *,
    scope: Scope | None = None,
    regency: str | None = None,
    source_agency: str = "Bawaslu",
    observed_on: date | None = None,
    user: Any = None,
    progress: Progress | None = None,
) -> MappingImportResult:
    """Check a mapping file and, when every row is clean, load it whole and recompute its TPS.

    `scope`: every TPS must lie in it (the web page passes the person's); `regency`: every TPS must lie
    in that regency (the command line). Needs an audit actor (the web middleware or `acting_as`).
    """
    from django.db import transaction
    from django.utils import timezone

    from praja.base import audit
    from praja.risk import services
    from praja.risk.models import Indicator, IndicatorValue

    file_name, data = read_source(file, data)
    result = MappingImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    rows, problems = read_rows(file_name, data)
    if problems:
        result.problems = problems
        return result
    first = next((i for i, (_, cells) in enumerate(rows) if not all(is_blank(c) for c in cells)), None)
    if first is None:
        result.problems = [Problem(file_name, None, "", "", "berkas kosong / the file is empty")]
        return result
    specs = indicator_specs()
    header, header_problems = map_header(file_name, rows[first][1], specs)
    data_rows = [(n, cells) for n, cells in rows[first + 1 :] if not all(is_blank(c) for c in cells)]
    result.rows = len(data_rows)
    if header.tps is None:
        result.problems = header_problems
        return result
    if len(data_rows) > MAX_ROWS:
        result.problems = [
            Problem(
                file_name,
                None,
                "",
                "",
                f"terlalu banyak baris ({len(data_rows)}; paling banyak {MAX_ROWS}) / too many rows",
            )
        ]
        return result
    candidates = {
        c
        for _, cells in data_rows
        if header.tps < len(cells) and (c := normalise_tps_code(cells[header.tps])) is not None
    }
    today = timezone.localdate()
    checked = validate_mapping(
        file_name,
        data_rows,
        header_problems,
        header,
        specs,
        _known_tps(candidates),
        scope=scope,
        regency=regency,
        source_agency=source_agency[:MAX_AGENCY],
        observed_on=observed_on or today,
        today=today,
        progress=progress,
    )
    if checked.problems:
        result.problems = checked.problems
        return result
    if audit.current_actor() is None:
        raise RuntimeError("import_mapping needs an audit actor: wrap it in acting_as(...)")
    ids = {(i.key, i.region_id): i.pk for i in Indicator.objects.all()}
    user_id = getattr(user, "pk", None)
    source = f"impor {file_name}"[:200]
    with transaction.atomic():
        new_pairs: dict[tuple[str, int], set[str]] = {}
        now = timezone.now()
        kind = IndicatorValue.Kind.IMPORT.value
        objs: list[tuple[Any, ...]] = []
        for rec in checked.records:
            ind_id = ids.get((rec.key, rec.tps[:5])) or ids[(rec.key, None)]
            new_pairs.setdefault((rec.tps, ind_id), set()).add(rec.source_agency)
            objs.append(
                (
                    rec.tps,
                    ind_id,
                    rec.value,
                    rec.source_agency,
                    rec.observed_on,
                    rec.evidence,
                    kind,
                    source,
                    user_id,
                    now,
                )
            )
        stale: list[int] = []
        for batch in services._chunks(checked.tps):
            existing = (
                IndicatorValue.objects.select_for_update()
                .filter(tps__code__in=batch)
                .values_list("pk", "tps_id", "indicator_id", "source_agency", "kind")
            )
            for pk, tps_id, ind_id, agency, kind in existing:
                agencies = new_pairs.get((tps_id, ind_id))
                if agencies and (agency in agencies or kind == IndicatorValue.Kind.GENERATED):
                    stale.append(pk)
        for i in range(0, len(stale), 900):
            services.bulk_delete(IndicatorValue.objects.filter(pk__in=stale[i : i + 900]))
        services.insert_rows(IndicatorValue, services.VALUE_FIELDS, objs)
        if progress is not None:
            progress("simpan", len(objs), len(objs))
        region = services.regency_of(checked.tps[0]) if len({t[:5] for t in checked.tps}) == 1 else ""
        audit.record(
            "import",
            "risk.indicatorvalue",
            file_name[:64],
            region,
            {
                "file": file_name,
                "sha256": result.sha256,
                "rows": result.rows,
                "tps": len(checked.tps),
                "values": len(objs),
                "replaced": len(stale),
                "indicators": sorted(header.indicators),
            },
        )
        scores: RecomputeResult | None = None
        by_regency: dict[str, list[str]] = {}
        for code in checked.tps:
            by_regency.setdefault(services.regency_of(code), []).append(code)
        for reg, codes in sorted(by_regency.items()):
            r = services.recompute(reg, tps_codes=codes, reason=f"impor {file_name}", progress=progress)
            if scores is None:
                scores = r
            else:
                scores.merge(r)
    result.tps, result.values, result.replaced, result.scores = (
        len(checked.tps),
        len(objs),
        len(stale),
        scores,
    )
    return result
