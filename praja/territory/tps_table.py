"""Reading a TPS list (CSV or XLSX) into a `ParsedTable`: the header mapped to canonical columns, every
non-blank row kept with the row number a spreadsheet shows.

A file-level problem (old .xls, unreadable, empty, a missing or doubled column, too many rows) leaves the
table without rows; the rows themselves are checked by `praja.territory.tps_rows`. No database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from praja.territory.cells import display_value, is_blank, normalise_header
from praja.territory.import_report import Problem
from praja.territory.table_files import MAX_ROWS, Unreadable, csv_rows, xlsx_rows

# Canonical column -> accepted header names (after lower-casing; spaces, dots and dashes become "_").
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "kode_desa": (
        "kode_desa",
        "kodedesa",
        "kode_desa_kelurahan",
        "kode_kelurahan",
        "desa_code",
        "village_code",
    ),
    "nomor_tps": ("nomor_tps", "no_tps", "nomortps", "tps", "tps_number", "number"),
    "dpt": ("dpt", "jumlah_dpt", "pemilih", "jumlah_pemilih", "voters", "registered_voters"),
    "alamat": ("alamat", "alamat_tps", "address"),
    "lat": ("lat", "lintang", "latitude"),
    "lng": ("lng", "lon", "long", "bujur", "longitude"),
}
REQUIRED_COLUMNS = ("kode_desa", "nomor_tps", "dpt")
_ALIAS_TO_COLUMN = {alias: col for col, aliases in COLUMN_ALIASES.items() for alias in aliases}

RawRows = list[tuple[int, list[object]]]  # (row number, cells) as the file holds them


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it
    values: dict[str, object]  # canonical column -> raw cell value (None when empty or absent)


@dataclass
class ParsedTable:
    file: str
    labels: dict[str, str]  # canonical column -> header as written in the file
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


def read_table(file_name: str, data: bytes) -> ParsedTable:
    """Read a CSV or XLSX TPS list: map the header, keep every non-blank row with its row number."""
    table = ParsedTable(file=file_name, labels={})
    raw_rows = _read_raw_rows(file_name, data, table.problems)
    if raw_rows is None:
        return table
    header_index = next(
        (i for i, (_, cells) in enumerate(raw_rows) if not all(is_blank(c) for c in cells)), None
    )
    if header_index is None:
        table.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return table
    _, header = raw_rows[header_index]
    columns = _map_header(table, header)
    table.problems.extend(_header_problems(file_name, columns, table.labels))
    if table.problems:
        return table
    table.rows = _data_rows(raw_rows[header_index + 1 :], columns)
    if len(table.rows) > MAX_ROWS:
        table.problems.append(
            Problem(
                file_name,
                None,
                "",
                "",
                f"terlalu banyak baris ({len(table.rows)}; paling banyak {MAX_ROWS}) / "
                f"too many rows ({len(table.rows)}; at most {MAX_ROWS})",
            )
        )
        table.rows = []
    return table


def _file_format(file_name: str, data: bytes) -> str:
    """'xls' (not supported), 'xlsx' or 'csv': by the file's suffix, else by the XLSX (zip) signature."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in (".xls",):
        return "xls"
    if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and data[:2] == b"PK"):
        return "xlsx"
    return "csv"


def _read_raw_rows(file_name: str, data: bytes, problems: list[Problem]) -> RawRows | None:
    """Every row of the file, or None with the reason added to `problems`."""
    kind = _file_format(file_name, data)
    if kind == "xls":
        problems.append(
            Problem(
                file_name,
                None,
                "",
                "",
                "format .xls lama tidak didukung; simpan sebagai .xlsx atau .csv / "
                "old .xls format is not supported; save as .xlsx or .csv",
            )
        )
        return None
    try:
        return list(xlsx_rows(data) if kind == "xlsx" else csv_rows(data))
    except Unreadable as exc:
        problems.append(Problem(file_name, None, "", "", str(exc)))
        return None


def _map_header(table: ParsedTable, header: Sequence[object]) -> dict[str, int]:
    """Canonical column -> its index in the row; records each column's label and reports doubled columns.
    Columns the importer does not know are ignored."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _ALIAS_TO_COLUMN.get(normalise_header(cell))
        if column is None:
            continue  # extra columns are ignored
        if column in columns:
            table.problems.append(
                Problem(
                    table.file,
                    None,
                    display_value(cell),
                    "",
                    f"kolom {column} muncul dua kali ({table.labels[column]}, {display_value(cell)}) / "
                    f"column {column} appears twice",
                )
            )
            continue
        columns[column] = index
        table.labels[column] = display_value(cell)
    return columns


def _header_problems(file_name: str, columns: dict[str, int], labels: dict[str, str]) -> list[Problem]:
    """A required column missing from the header; a latitude column without a longitude one, or back."""
    problems: list[Problem] = []
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            problems.append(
                Problem(
                    file_name,
                    None,
                    column,
                    "",
                    f"kolom wajib {column} tidak ada di baris judul / required column {column} is missing "
                    f"from the header row",
                )
            )
    for present, absent in (("lat", "lng"), ("lng", "lat")):
        if present in columns and absent not in columns:
            problems.append(
                Problem(
                    file_name,
                    None,
                    absent,
                    "",
                    f"ada kolom {labels[present]} tetapi tidak ada kolom {absent}: isi keduanya "
                    f"atau tidak sama sekali / column {labels[present]} without column {absent}: "
                    "give both or neither",
                )
            )
    return problems


def _data_rows(raw_rows: RawRows, columns: dict[str, int]) -> list[Row]:
    """The non-blank rows below the header, their cells keyed by canonical column (blank cells: None)."""
    rows: list[Row] = []
    for number, cells in raw_rows:
        if all(is_blank(c) for c in cells):
            continue
        values = {
            col: (cells[i] if i < len(cells) and not is_blank(cells[i]) else None) for col, i in columns.items()
        }
        rows.append(Row(number=number, values=values))
    return rows
