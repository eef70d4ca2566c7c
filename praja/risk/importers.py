"""Importing the TPS vulnerability mapping (CSV, XLSX): one row per TPS, one column per indicator.

The file is read with the TPS importer's machinery (`praja.territory.table_files`: CSV dialects, XLSX;
`import_report.Problem`; `cells`: number parsing) and checked the same way: every row and field is
checked, and when any is bad the whole file is rejected with a report naming each of them; nothing is
written. A clean file is loaded in one transaction with one audit summary, and the scores of its TPS are
recomputed.

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
from praja.territory.cells import display_value, is_blank, normalise_desa_code, normalise_header, parse_float
from praja.territory.import_report import Problem, Progress
from praja.territory.table_files import MAX_ROWS, Unreadable, csv_rows, read_source, xlsx_rows

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


@dataclass
class _Row:
    """One data row being checked: its cells, and the problems found in it (named by file, row and column)."""

    file_name: str
    header: Header
    number: int
    cells: list[object]
    problems: list[Problem] = field(default_factory=list)

    def cell(self, index: int | None) -> object:
        if index is None or index >= len(self.cells) or is_blank(self.cells[index]):
            return None
        return self.cells[index]

    def bad(self, index: int | None, column: str, value: object, message: str) -> None:
        label = self.header.labels.get(index, column) if index is not None else column
        self.problems.append(Problem(self.file_name, self.number, label, display_value(value), message))


def _row_tps(row: _Row, known_tps: Collection[str], regency: str | None, scope: Scope | None,
             tps_seen: dict[str, int]) -> str | None:
    """The row's TPS code, when it is one this import may write (known, in the regency and the person's area,
    not already in an earlier row); None after saying why not."""
    index = row.header.tps
    raw = row.cell(index)
    if raw is None:
        row.bad(index, "kode_tps", raw, "wajib diisi / required")
        return None
    code = normalise_tps_code(raw)
    if code is None:
        row.bad(index, "kode_tps", raw, f"{display_value(raw)} bukan kode TPS (contoh 35.07.01.2001/003) "
                                        f"/ not a TPS code (e.g. 35.07.01.2001/003)")
        return None
    if code not in known_tps:
        why = f"TPS {code} tidak dikenal / unknown TPS {code}"
    elif regency and not code.startswith(regency + "."):
        why = f"TPS {code} di luar kabupaten/kota {regency} / TPS {code} is outside regency {regency}"
    elif scope is not None and not scope.covers(code):
        why = f"TPS {code} di luar wilayah tugas Anda / TPS {code} is outside your area"
    elif code in tps_seen:  # a known TPS: its values are still checked (and the row refused)
        row.bad(index, "kode_tps", raw, f"TPS {code} ganda: sudah ada di baris {tps_seen[code]} / "
                                        f"duplicate TPS {code}: already in row {tps_seen[code]}")
        return code
    else:
        tps_seen[code] = row.number
        return code
    row.bad(index, "kode_tps", raw, why)
    return None


def _row_agency(row: _Row, default: str) -> str:
    index = row.header.meta.get("sumber")
    raw = row.cell(index)
    if raw is None:
        return default
    agency = str(raw).strip()
    if len(agency) > MAX_AGENCY:
        row.bad(index, "sumber", raw, f"terlalu panjang (paling banyak {MAX_AGENCY} "
                                      f"karakter) / too long (at most {MAX_AGENCY} characters)")
    return agency


def _row_date(row: _Row, default: date, today: date) -> date:
    index = row.header.meta.get("tanggal")
    raw = row.cell(index)
    if raw is None:
        return default
    parsed = parse_date(raw)
    if parsed is None:
        why = (f"{display_value(raw)} bukan tanggal (contoh "
               f"2024-11-15 atau 15/11/2024) / not a date (e.g. 2024-11-15 or 15/11/2024)")
    elif parsed > today:
        why = f"tanggal {parsed.isoformat()} belum terjadi / date {parsed.isoformat()} is in the future"
    elif parsed < EARLIEST:
        why = f"tanggal {parsed.isoformat()} sebelum {EARLIEST.year} / date before {EARLIEST.year}"
    else:
        return parsed
    row.bad(index, "tanggal", raw, why)
    return default


def _row_note(row: _Row) -> str:
    index = row.header.meta.get("catatan")
    raw = row.cell(index)
    if raw is None:
        return ""
    note = str(raw).strip()
    if len(note) > MAX_NOTE:
        row.bad(index, "catatan", raw, f"terlalu panjang ({len(note)} karakter; paling "
                                       f"banyak {MAX_NOTE}) / too long ({len(note)} characters; at most {MAX_NOTE})")
    return note


def _row_values(row: _Row, specs: Mapping[str, Collection[IndicatorSpec]], code: str | None, agency: str,
                on: date, row_note: str) -> list[ValueRecord]:
    """The indicator values of the row (blank cells skipped): each parsed by its indicator's kind, with its
    own note column or the row's note."""
    values: list[ValueRecord] = []
    tps_regency = code[:5] if code else None
    for key, index in row.header.indicators.items():
        raw = row.cell(index)
        if raw is None:
            continue
        options = specs[key]
        spec = next((s for s in options if s.regency is None or s.regency == tps_regency), None)
        if spec is None:
            if code is not None:
                owners = ", ".join(sorted(s.regency or "" for s in options))
                row.bad(index, key, raw, f"indikator {key} milik kabupaten/kota {owners}, bukan kabupaten/kota "
                                         f"TPS ini / indicator {key} belongs to regency {owners}, not this TPS's")
            continue
        value, message = parse_value(spec, raw)
        if value is None:
            row.bad(index, key, raw, message)
            continue
        note = row_note
        note_raw = row.cell(row.header.notes.get(key))
        if note_raw is not None:
            note = str(note_raw).strip()
            if len(note) > MAX_NOTE:
                row.bad(row.header.notes[key], f"catatan_{key}", note_raw,
                        f"terlalu panjang (paling banyak {MAX_NOTE} karakter) / too long (at most {MAX_NOTE} "
                        f"characters)")
        if code is not None:
            values.append(ValueRecord(row.number, code, key, value, agency, on, note[:MAX_NOTE]))
    return values


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
    """Check every data row (those after the header); touches no database. A row with any problem writes
    nothing; the whole file is refused when any row has one."""
    problems = list(header_problems)
    records: list[ValueRecord] = []
    tps_seen: dict[str, int] = {}
    total = len(rows)
    for done, (number, cells) in enumerate(rows, start=1):
        row = _Row(file_name, header, number, cells)
        code = _row_tps(row, known_tps, regency, scope, tps_seen)
        agency = _row_agency(row, source_agency)
        on = _row_date(row, observed_on, today)
        values = _row_values(row, specs, code, agency, on, _row_note(row))
        if row.problems:
            problems.extend(row.problems)
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


def _read_mapping(file_name: str, data: bytes, result: MappingImportResult) -> tuple[
        Header, list[Problem], list[tuple[int, list[object]]], Mapping[str, Collection[IndicatorSpec]]] | None:
    """The header and the non-blank data rows of a mapping file; None after putting the file's problems on
    `result` (unreadable, empty, no TPS column, too many rows)."""
    rows, problems = read_rows(file_name, data)
    if problems:
        result.problems = problems
        return None
    first = next((i for i, (_, cells) in enumerate(rows) if not all(is_blank(c) for c in cells)), None)
    if first is None:
        result.problems = [Problem(file_name, None, "", "", "berkas kosong / the file is empty")]
        return None
    specs = indicator_specs()
    header, header_problems = map_header(file_name, rows[first][1], specs)
    data_rows = [(n, cells) for n, cells in rows[first + 1 :] if not all(is_blank(c) for c in cells)]
    result.rows = len(data_rows)
    if header.tps is None:
        result.problems = header_problems
        return None
    if len(data_rows) > MAX_ROWS:
        too_many = f"terlalu banyak baris ({len(data_rows)}; paling banyak {MAX_ROWS}) / too many rows"
        result.problems = [Problem(file_name, None, "", "", too_many)]
        return None
    return header, header_problems, data_rows, specs


def _store_values(checked: MappingValidation, file_name: str, user: Any,
                  progress: Progress | None) -> tuple[int, int]:
    """Write the checked values (inside the caller's transaction), replacing the same agency's earlier values
    and generated ones for the same TPS and indicator; (values written, values replaced)."""
    from django.utils import timezone

    from praja.risk import services
    from praja.risk.models import Indicator, IndicatorValue

    ids = {(i.key, i.region_id): i.pk for i in Indicator.objects.all()}
    user_id = getattr(user, "pk", None)
    source = f"impor {file_name}"[:200]
    new_pairs: dict[tuple[str, int], set[str]] = {}
    now = timezone.now()
    objs: list[tuple[Any, ...]] = []
    for rec in checked.records:
        ind_id = ids.get((rec.key, rec.tps[:5])) or ids[(rec.key, None)]
        new_pairs.setdefault((rec.tps, ind_id), set()).add(rec.source_agency)
        objs.append((rec.tps, ind_id, rec.value, rec.source_agency, rec.observed_on, rec.evidence,
                     IndicatorValue.Kind.IMPORT.value, source, user_id, now))
    stale: list[int] = []
    for batch in services._chunks(checked.tps):
        existing = (IndicatorValue.objects.select_for_update().filter(tps__code__in=batch)
                    .values_list("pk", "tps_id", "indicator_id", "source_agency", "kind"))
        for pk, tps_id, ind_id, agency, kind in existing:
            agencies = new_pairs.get((tps_id, ind_id))
            if agencies and (agency in agencies or kind == IndicatorValue.Kind.GENERATED):
                stale.append(pk)
    for i in range(0, len(stale), 900):
        services.bulk_delete(IndicatorValue.objects.filter(pk__in=stale[i : i + 900]))
    services.insert_rows(IndicatorValue, services.VALUE_FIELDS, objs)
    if progress is not None:
        progress("simpan", len(objs), len(objs))
    return len(objs), len(stale)


def _recompute_imported(tps: list[str], file_name: str, progress: Progress | None) -> RecomputeResult | None:
    """Recompute the scores of the imported TPS, regency by regency."""
    from praja.risk import services

    scores: RecomputeResult | None = None
    by_regency: dict[str, list[str]] = {}
    for code in tps:
        by_regency.setdefault(services.regency_of(code), []).append(code)
    for reg, codes in sorted(by_regency.items()):
        r = services.recompute(reg, tps_codes=codes, reason=f"impor {file_name}", progress=progress)
        if scores is None:
            scores = r
        else:
            scores.merge(r)
    return scores


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

    file_name, data = read_source(file, data)
    result = MappingImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    read = _read_mapping(file_name, data, result)
    if read is None:
        return result
    header, header_problems, data_rows, specs = read
    assert header.tps is not None  # _read_mapping refuses a file without a TPS column
    candidates = {
        c
        for _, cells in data_rows
        if header.tps < len(cells) and (c := normalise_tps_code(cells[header.tps])) is not None
    }
    today = timezone.localdate()
    checked = validate_mapping(
        file_name, data_rows, header_problems, header, specs, _known_tps(candidates), scope=scope,
        regency=regency, source_agency=source_agency[:MAX_AGENCY], observed_on=observed_on or today, today=today,
        progress=progress,
    )
    if checked.problems:
        result.problems = checked.problems
        return result
    if audit.current_actor() is None:
        raise RuntimeError("import_mapping needs an audit actor: wrap it in acting_as(...)")
    with transaction.atomic():
        written, replaced = _store_values(checked, file_name, user, progress)
        region = services.regency_of(checked.tps[0]) if len({t[:5] for t in checked.tps}) == 1 else ""
        audit.record(
            "import",
            "risk.indicatorvalue",
            file_name[:64],
            region,
            {"file": file_name, "sha256": result.sha256, "rows": result.rows, "tps": len(checked.tps),
             "values": written, "replaced": replaced, "indicators": sorted(header.indicators)},
        )
        scores = _recompute_imported(checked.tps, file_name, progress)
    result.tps, result.values, result.replaced, result.scores = len(checked.tps), written, replaced, scores
    return result
