"""Bulk import of reports from CSV or XLSX (a partner's spreadsheet, reports collected on paper).

Read with the TPS importer's machinery (praja.territory.table_files: CSV dialects, XLSX; ``Problem``) and
checked like every other import: every row goes through the one intake validation
(``praja.reports.intake.validate``), and when any row is bad the whole file is rejected with each bad
row and field named; nothing is written. A clean file is stored in one transaction through
``intake.submit_many`` (channel ``impor``; the reports and their first timeline entries 200 to a statement,
one audit entry for the file), with a client key made of the file's hash and the row number, so
importing the same file again stores nothing twice.

Columns (header row first; case-insensitive, spaces and dashes read as "_"):
``kategori`` (required), ``uraian`` (required), ``judul``, ``tingkat`` (1-4 or rendah/sedang/tinggi/kritis),
``waktu`` (2024-11-27 09:30 or 2024-11-27), ``kode_tps``, ``kode_wilayah`` (desa or kecamatan),
``lintang``, ``bujur``, ``tempat``, ``terlapor`` (jenis: polri, tni, asn, kades, ...), ``keterangan_terlapor``,
``nama_pelapor``, ``kontak_pelapor``, ``telepon`` (the identity is sealed; no name/contact means anonymous).
Other columns (``no``, ``desa``, ...) are ignored.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import PurePath
from typing import Any

from django.db import transaction

from praja.base import audit
from praja.reports import intake, known
from praja.reports.models import Channel
from praja.territory.cells import display_value, is_blank, normalise_header
from praja.territory.import_report import Problem
from praja.territory.table_files import MAX_ROWS, Unreadable, csv_rows, read_source, xlsx_rows

# canonical column -> accepted headers; the intake field it feeds
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kategori": ("category", ("kategori", "jenis", "jenis_kejadian", "category")),
    "uraian": ("description", ("uraian", "uraian_kejadian", "deskripsi", "keterangan", "description")),
    "judul": ("title", ("judul", "title")),
    "tingkat": ("severity", ("tingkat", "tingkat_kegawatan", "severity")),
    "waktu": ("occurred_at", ("waktu", "waktu_kejadian", "tanggal", "tanggal_kejadian", "occurred_at")),
    "kode_tps": ("tps", ("kode_tps", "tps", "tps_code")),
    "kode_wilayah": ("region", ("kode_wilayah", "kode_desa", "kode_kecamatan", "region", "region_code")),
    "lintang": ("latitude", ("lintang", "lat", "latitude")),
    "bujur": ("longitude", ("bujur", "lng", "lon", "longitude")),
    "tempat": ("place_text", ("tempat", "keterangan_tempat", "lokasi", "place")),
    "terlapor": ("subject_kind", ("terlapor", "jenis_terlapor", "subject_kind")),
    "keterangan_terlapor": ("subject_text", ("keterangan_terlapor", "subject_text")),
    "nama_pelapor": ("reporter_name", ("nama_pelapor", "pelapor", "reporter_name")),
    "kontak_pelapor": ("reporter_contact", ("kontak_pelapor", "kontak", "reporter_contact")),
    "telepon": ("phone", ("telepon", "hp", "no_hp", "nomor_hp", "phone")),
}
REQUIRED = ("kategori", "uraian")
_ALIAS = {alias: col for col, (_f, aliases) in COLUMNS.items() for alias in aliases}
# intake field -> the column name to show in a problem
_FIELD_COLUMN = {f: col for col, (f, _a) in COLUMNS.items()}
_FIELD_COLUMN["reporter_name"] = "nama_pelapor"

Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    file: str
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    repeated: int = 0  # rows stored by an earlier import of the same file
    receipts: list[tuple[int, str, str]] = field(default_factory=list)  # row, receipt, PIN ('' if earlier)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def _cell(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def read(file_name: str, data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Rows as {intake field: value} with their spreadsheet row numbers, or the problems of the file."""
    suffix = PurePath(file_name).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and data[:2] == b"PK"):
            raw = list(xlsx_rows(data))
        else:
            raw = list(csv_rows(data))
    except Unreadable as exc:
        return [], [Problem(file_name, None, "", "", str(exc))]
    start = next((i for i, (_n, cells) in enumerate(raw) if not all(is_blank(c) for c in cells)), None)
    if start is None:
        return [], [Problem(file_name, None, "", "", "berkas kosong / the file is empty")]
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(raw[start][1]):
        col = _ALIAS.get(normalise_header(cell))
        if col is None:
            continue
        if col in columns:
            problems.append(Problem(file_name, None, col, display_value(cell),
                                    f"kolom {col} muncul dua kali / column {col} appears twice"))
        columns[col] = index
    for col in REQUIRED:
        if col not in columns:
            problems.append(Problem(file_name, None, col, "",
                                    f"kolom wajib {col} tidak ada di baris judul / required column {col} is missing"))
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in raw[start + 1 :]:
        if all(is_blank(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [Problem(file_name, None, "", "", f"lebih dari {MAX_ROWS} baris / more than {MAX_ROWS} rows")]
        values: dict[str, Any] = {}
        for col, index in columns.items():
            value = _cell(cells[index]) if index < len(cells) else None
            values[COLUMNS[col][0]] = "" if value is None else value
        has_identity = any(str(values.get(k, "")).strip() for k in ("reporter_name", "reporter_contact", "phone"))
        values["anonymous"] = not has_identity
        rows.append((number, values))
    return rows, []


def import_reports(
    file: str | PathLike[str], data: bytes | None = None, *, user: Any = None, progress: Progress | None = None,
    scope: Any = None,
) -> ImportResult:
    """Check every row, then store all of them in one transaction, or none (see the module's doc). With a
    ``scope`` (the web page's importer's regions), a row whose TPS or region lies outside it is a problem."""
    name, data = read_source(file, data)
    result = ImportResult(file=name)
    rows, problems = read(name, data)
    if problems:
        result.problems = problems
        return result
    result.rows = len(rows)
    digest = hashlib.sha256(data).hexdigest()[:20]
    # every TPS and region the file names, looked up in one query each (not one per row)
    known.prime_tps(str(v.get("tps", "")).strip() for _n, v in rows)
    known.prime_regions(str(v.get("region", "")).strip() for _n, v in rows)
    valid: list[tuple[int, intake.Intake]] = []
    for i, (number, values) in enumerate(rows):
        try:
            item = intake.validate(values)
            code = item.tps_code or item.region_code
            if scope is not None and code and not scope.covers(code):
                col = "kode_tps" if item.tps_code else "kode_wilayah"
                result.problems.append(Problem(name, number, col, code,
                                               "di luar wilayah Anda / outside your area"))
            valid.append((number, item))
        except intake.IntakeError as exc:
            for fld, message in exc.errors.items():
                col = _FIELD_COLUMN.get(fld, fld)
                shown = display_value(values.get(fld, ""))[:60]
                result.problems.append(Problem(name, number, col, shown, message))
        if progress:
            progress("periksa", i + 1, len(rows))
    if result.problems:
        return result
    label = f"impor {name}"[:160]
    # One transaction for the file (all rows or none), the rows written intake.BATCH_ROWS per statement, and one
    # audit entry for the whole file (its SHA-256, counts and the ids stored), as every bulk import does.
    with transaction.atomic():
        answers: list[intake.Receipt] = []
        for start in range(0, len(valid), intake.BATCH_ROWS):
            chunk = valid[start : start + intake.BATCH_ROWS]
            answers += intake.submit_many([(item, f"impor:{digest}:{number}") for number, item in chunk],
                                          channel=Channel.IMPORT, user=user, actor_label=label)
            if progress:
                progress("simpan", len(answers), len(valid))
        for (number, _item), answer in zip(valid, answers, strict=True):
            result.receipts.append((number, answer.receipt, answer.pin))
            if answer.created:
                result.created += 1
            else:
                result.repeated += 1
        if audit.current_actor() is not None and result.created:
            audit.record("import", "reports.report", "", "", {
                "file": name, "sha256": hashlib.sha256(data).hexdigest(), "rows": result.rows,
                "created": result.created, "repeated": result.repeated,
                "ids": _ranges(sorted(a.report.pk for a in answers if a.created)),
            })
    return result


def _ranges(ids: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] -> [[1, 3], [7, 8]]: the ids an import stored, short however long the file."""
    out: list[list[int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out
