"""Importing TPS lists (CSV, XLSX) and region boundaries (GeoJSON).

An import loads whole or not at all: the file is read, every row is checked, and when any row is
bad the whole file is rejected with a report naming every bad row and field; nothing is written.
A clean file is written in one transaction (upsert by TPS code) with one audit summary entry.

The reading and checking part (`read_table`, `validate_tps_rows`, `read_feature_collection`,
`validate_boundary_features`) touches no database, so it is tested on its own; `import_tps` and
`import_boundaries` add the database look-ups and the write.

Messages are Indonesian first, then English: ``tps.csv baris 7, kolom dpt: 1500 di luar batas
1..1000 / outside 1..1000``. Row numbers are those a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from praja.base.regions import is_within, tps_code
from praja.territory.geo import Area, area_from_geojson, area_from_points, polygon_problem

if TYPE_CHECKING:
    from praja.base.scope import Scope

# (phase, done, total): "periksa" while checking rows, "simpan" while writing.
Progress = Callable[[str, int, int], None]

MAX_ROWS = 200_000
MAX_TPS_NUMBER = 999
ADDRESS_MAX_LENGTH = 255
_QUERY_CHUNK = 900  # stays under SQLite's bound on query parameters

# --- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file: where (file, row, field), what value, and why."""

    file: str
    row: int | None  # None: the whole file (a missing column, unreadable file)
    field: str
    value: str
    message: str
    unit: str = "baris"  # "baris" (a table row) or "fitur" (a GeoJSON feature)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" {self.unit} {self.row}"
        if self.field:
            where += f", kolom {self.field}" if self.unit == "baris" else f", {self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


def display_value(value: object) -> str:
    """A cell value as the user typed it (512.0 from a spreadsheet shows as 512)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if len(text) <= 100 else text[:97] + "..."


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading tables ------------------------------------------------------------------------------

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


def normalise_header(cell: object) -> str:
    text = display_value(cell).lower()
    return re.sub(r"_+", "_", re.sub(r"[\s.\-/]+", "_", text)).strip("_")


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
    suffix = PurePath(file_name).suffix.lower()
    table = ParsedTable(file=file_name, labels={})
    if suffix in (".xls",):
        table.problems.append(
            Problem(
                file_name,
                None,
                "",
                "",
                "format .xls lama tidak didukung; simpan sebagai .xlsx atau .csv / "
                "old .xls format is not supported; save as .xlsx or .csv",
            )
        )
        return table
    try:
        if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and data[:2] == b"PK"):
            raw_rows = list(xlsx_rows(data))
        else:
            raw_rows = list(csv_rows(data))
    except Unreadable as exc:
        table.problems.append(Problem(file_name, None, "", "", str(exc)))
        return table

    header_index = next(
        (i for i, (_, cells) in enumerate(raw_rows) if not all(is_blank(c) for c in cells)), None
    )
    if header_index is None:
        table.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return table
    _, header = raw_rows[header_index]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _ALIAS_TO_COLUMN.get(normalise_header(cell))
        if column is None:
            continue  # extra columns are ignored
        if column in columns:
            table.problems.append(
                Problem(
                    file_name,
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
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            table.problems.append(
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
            table.problems.append(
                Problem(
                    file_name,
                    None,
                    absent,
                    "",
                    f"ada kolom {table.labels[present]} tetapi tidak ada kolom {absent}: isi keduanya "
                    f"atau tidak sama sekali / column {table.labels[present]} without column {absent}: "
                    "give both or neither",
                )
            )
    if table.problems:
        return table

    for number, cells in raw_rows[header_index + 1 :]:
        if all(is_blank(c) for c in cells):
            continue
        values = {
            col: (cells[i] if i < len(cells) and not is_blank(cells[i]) else None) for col, i in columns.items()
        }
        table.rows.append(Row(number=number, values=values))
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


class Unreadable(Exception):
    pass


def csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if "\x00" in text:
        raise Unreadable(
            "berkas bukan CSV teks (berisi byte nol) / the file is not a text CSV (contains NUL bytes)"
        )
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Spreadsheets set to Indonesian write ";" between columns (the comma is the decimal mark).
    delimiter = max((",", ";", "\t", "|"), key=first.count) if first else ","
    if first and first.count(delimiter) == 0:
        delimiter = ","
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            yield number, list(cells)
    except csv.Error as exc:
        raise Unreadable(f"CSV rusak: {exc} / malformed CSV: {exc}") from exc


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "not a readable XLSX"
        raise Unreadable(
            "berkas XLSX tidak dapat dibaca (rusak atau bukan XLSX) / cannot read the XLSX file "
            "(damaged or not XLSX)"
        ) from exc
    try:
        if not book.worksheets:
            raise Unreadable("berkas XLSX tidak berisi lembar kerja / the XLSX file has no worksheet")
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


# --- values --------------------------------------------------------------------------------------

_DESA_DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_DESA_PLAIN = re.compile(r"^\d{10}$")
_INT_TEXT = re.compile(r"^[+-]?\d+(\.0+)?$")


def normalise_desa_code(value: object) -> str | None:
    """'35.07.01.2001' or '3507012001' (also a number from a spreadsheet) -> '35.07.01.2001'."""
    text = re.sub(r"\s+", "", display_value(value))
    if _DESA_DOTTED.match(text):
        return text
    if _DESA_PLAIN.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return None


def parse_int(value: object) -> int | None:
    """An integer from a cell: 512, 512.0 and '512' are 512; 512.5, '1.500' and 'abc' are None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    text = display_value(value)
    if not _INT_TEXT.match(text):
        return None
    return int(text.split(".")[0])


def parse_float(value: object) -> float | None:
    """A finite number from a cell; '-8,12' (decimal comma) is accepted as -8.12."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = display_value(value).replace(" ", "")
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


# --- checking TPS rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TpsRecord:
    row: int
    desa: str
    number: int
    voters: int
    address: str
    lat: float | None
    lng: float | None

    @property
    def code(self) -> str:
        return tps_code(self.desa, self.number)


@dataclass
class TpsValidation:
    records: list[TpsRecord]
    problems: list[Problem]


def _row_desa(raw: object, bad: Callable[[str, object, str], None], known_desa: Collection[str],
              regency: str | None, scope: Scope | None) -> str | None:
    """The row's desa code (None when blank or not a code). A code that is unknown or outside the regency or
    the person's area is named as a problem and still returned, so the row's other checks (its point, its
    duplicate) speak of it."""
    if is_blank(raw):
        bad("kode_desa", raw, "wajib diisi / required")
        return None
    desa = normalise_desa_code(raw)
    if desa is None:
        bad("kode_desa", raw, f"{display_value(raw)} bukan kode desa (contoh 35.07.01.2001 atau 3507012001) / "
                              f"not a desa code (e.g. 35.07.01.2001 or 3507012001)")
    elif desa not in known_desa:
        bad("kode_desa", raw, f"kode desa {desa} tidak dikenal / unknown desa code {desa}")
    elif regency and not is_within(desa, regency):
        bad("kode_desa", raw, f"desa {desa} di luar kabupaten/kota {regency} / "
                              f"desa {desa} is outside regency {regency}")
    elif scope is not None and not scope.covers(desa):
        bad("kode_desa", raw, f"desa {desa} di luar wilayah tugas Anda / desa {desa} is outside your area")
    return desa


def _row_address(raw: object, bad: Callable[[str, object, str], None]) -> str:
    address = "" if is_blank(raw) else str(raw).strip()
    if len(address) > ADDRESS_MAX_LENGTH:
        bad("alamat", address, f"terlalu panjang ({len(address)} karakter; paling banyak {ADDRESS_MAX_LENGTH}) / "
                               f"too long ({len(address)} characters; at most {ADDRESS_MAX_LENGTH})")
    return address


def _point_outside_area(table: ParsedTable, row: Row, lat: float, lng: float, areas: Mapping[str, Area],
                        area_code: str) -> Problem | None:
    """A problem naming both coordinate columns when the point lies outside the regency's area (known areas
    only)."""
    area = areas.get(area_code)
    if area is None or area.contains(lat, lng):
        return None
    how_id, how_en = area.describe()
    v = row.values
    return Problem(table.file, row.number, f"{table.label('lat')}, {table.label('lng')}",
                   f"{display_value(v.get('lat'))}, {display_value(v.get('lng'))}",
                   f"titik ({lat:g}, {lng:g}) di luar kabupaten/kota {area_code} {how_id} / "
                   f"point outside regency {area_code} {how_en}")


def validate_tps_rows(
    table: ParsedTable,
    known_desa: Collection[str],
    areas: Mapping[str, Area],
    *,
    regency: str | None = None,
    scope: Scope | None = None,
    min_voters: int = 1,
    max_voters: int = 1000,
    progress: Progress | None = None,
) -> TpsValidation:
    """Check every row; return the clean records and a problem for every bad row and field.

    `known_desa` holds the level-4 region codes that exist; `areas` maps a regency code to the area
    its coordinates must lie in (missing: coordinates are not checked against a regency). With
    `regency` every desa must lie in that regency; with `scope` every desa must lie in the scope.
    """
    problems: list[Problem] = list(table.problems)
    records: list[TpsRecord] = []
    seen: dict[tuple[str, int], int] = {}
    total = len(table.rows)
    for done, row in enumerate(table.rows, start=1):
        row_problems: list[Problem] = []

        def bad(
            column: str, value: object, message: str, _row: Row = row, _out: list[Problem] = row_problems
        ) -> None:
            _out.append(Problem(table.file, _row.number, table.label(column), display_value(value), message))

        v = row.values
        desa = _row_desa(v.get("kode_desa"), bad, known_desa, regency, scope)
        number = _checked_int(v.get("nomor_tps"), 1, MAX_TPS_NUMBER, "nomor_tps", bad, strip_prefix="tps")
        voters = _checked_int(v.get("dpt"), min_voters, max_voters, "dpt", bad)
        address = _row_address(v.get("alamat"), bad)
        lat, lng, coords_ok = checked_coordinates(v.get("lat"), v.get("lng"), table, bad)
        if coords_ok and lat is not None and lng is not None and desa is not None:
            outside = _point_outside_area(table, row, lat, lng, areas, regency or desa[:5])
            if outside is not None:
                row_problems.append(outside)
        # duplicates in the file
        if desa is not None and number is not None:
            key = (desa, number)
            if key in seen:
                bad(
                    "nomor_tps",
                    v.get("nomor_tps"),
                    f"TPS {tps_code(desa, number)} ganda: sudah ada di baris {seen[key]} / "
                    f"duplicate TPS {tps_code(desa, number)}: already in row {seen[key]}",
                )
            else:
                seen[key] = row.number

        if row_problems:
            problems.extend(row_problems)
        elif desa is not None and number is not None and voters is not None:
            records.append(TpsRecord(row.number, desa, number, voters, address, lat, lng))
        if progress is not None and (done % 500 == 0 or done == total):
            progress("periksa", done, total)
    if not table.problems and not table.rows:
        problems.append(
            Problem(
                table.file,
                None,
                "",
                "",
                "tidak ada baris data di bawah baris judul / no data rows below the header row",
            )
        )
    return TpsValidation(records=records if not problems else [], problems=problems)


def _checked_int(
    raw: object,
    low: int,
    high: int,
    column: str,
    bad: Callable[[str, object, str], None],
    strip_prefix: str = "",
) -> int | None:
    if is_blank(raw):
        bad(column, raw, "wajib diisi / required")
        return None
    value = raw
    if strip_prefix and isinstance(raw, str):
        value = re.sub(rf"^\s*{strip_prefix}\s*", "", raw, flags=re.IGNORECASE)
    number = parse_int(value)
    if number is None:
        bad(column, raw, f"{display_value(raw)} bukan bilangan bulat / {display_value(raw)} is not an integer")
        return None
    if not low <= number <= high:
        bad(column, raw, f"{number} di luar batas {low}..{high} / outside {low}..{high}")
        return None
    return number


def checked_coordinates(
    raw_lat: object, raw_lng: object, table: ParsedTable, bad: Callable[[str, object, str], None]
) -> tuple[float | None, float | None, bool]:
    """(lat, lng, ok): both empty is fine (None, None, True); anything malformed is reported."""
    if is_blank(raw_lat) and is_blank(raw_lng):
        return None, None, True
    ok = True
    for column, raw, other in (("lat", raw_lat, raw_lng), ("lng", raw_lng, raw_lat)):
        if is_blank(raw) and not is_blank(other):
            other_column = "lng" if column == "lat" else "lat"
            bad(
                column,
                raw,
                f"kosong padahal {table.label(other_column)} diisi: isi keduanya atau tidak sama "
                f"sekali / empty while {table.label(other_column)} is given: give both or neither",
            )
            ok = False
    lat = parse_float(raw_lat) if not is_blank(raw_lat) else None
    lng = parse_float(raw_lng) if not is_blank(raw_lng) else None
    for column, raw, value, limit in (("lat", raw_lat, lat, 90.0), ("lng", raw_lng, lng, 180.0)):
        if is_blank(raw):
            continue
        if value is None:
            bad(column, raw, f"{display_value(raw)} bukan angka / {display_value(raw)} is not a number")
            ok = False
        elif not -limit <= value <= limit:
            hint = ""
            if lat is not None and lng is not None and abs(lat) <= 180 and abs(lng) <= 90:
                hint = " (lat dan lng tertukar? / lat and lng swapped?)"
            bad(column, raw, f"{value:g} di luar -{limit:g}..{limit:g} / outside -{limit:g}..{limit:g}{hint}")
            ok = False
    return lat, lng, ok


# --- GeoJSON boundaries --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoundaryRecord:
    feature: int
    code: str
    geometry: dict[str, Any]
    centroid: tuple[float, float] | None


@dataclass
class BoundaryValidation:
    records: list[BoundaryRecord]
    problems: list[Problem]


def read_feature_collection(file_name: str, data: bytes) -> tuple[list[Any], list[Problem]]:
    """The features of a GeoJSON FeatureCollection, or a file-level problem."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (baris {exc.lineno}, kolom {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        return [], [Problem(file_name, None, "", "", f"bukan JSON yang sah{where} / not valid JSON{where}")]
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        return [], [
            Problem(
                file_name, None, "", "", "bukan GeoJSON FeatureCollection / not a GeoJSON FeatureCollection"
            )
        ]
    if not doc["features"]:
        return [], [Problem(file_name, None, "", "", "FeatureCollection tanpa fitur / no features")]
    return list(doc["features"]), []


def feature_code(feature: Any) -> str | None:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None
    raw = props.get("kode", props.get("code"))
    if raw is None or isinstance(raw, (dict, list, bool)):
        return None
    return str(raw).strip() or None


def validate_boundary_features(
    file_name: str, features: list[Any], known_codes: Collection[str], progress: Progress | None = None
) -> BoundaryValidation:
    """Every feature needs a known `kode` and a Polygon/MultiPolygon geometry; codes appear once."""
    problems: list[Problem] = []
    records: list[BoundaryRecord] = []
    seen: dict[str, int] = {}
    total = len(features)
    for number, feature in enumerate(features, start=1):
        mine: list[Problem] = []

        def bad(fld: str, value: object, message: str, _n: int = number, _out: list[Problem] = mine) -> None:
            _out.append(Problem(file_name, _n, fld, display_value(value), message, unit="fitur"))

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            bad(
                "type",
                feature.get("type") if isinstance(feature, dict) else feature,
                "bukan GeoJSON Feature / not a GeoJSON Feature",
            )
            problems.extend(mine)
            continue
        code = feature_code(feature)
        if code is None:
            bad("kode", "", "properti kode tidak ada / property kode is missing")
        elif code not in known_codes:
            bad("kode", code, f"kode wilayah {code} tidak dikenal / unknown region code {code}")
        elif code in seen:
            bad(
                "kode",
                code,
                f"kode {code} ganda: sudah ada di fitur {seen[code]} / duplicate of feature {seen[code]}",
            )
        else:
            seen[code] = number
        geometry = feature.get("geometry")
        message = polygon_problem(geometry)
        if message is not None:
            bad("geometry", geometry.get("type") if isinstance(geometry, dict) else geometry, message)
        centroid = _feature_centroid(feature, bad)
        if mine:
            problems.extend(mine)
        elif code is not None and isinstance(geometry, dict):
            records.append(BoundaryRecord(number, code, geometry, centroid))
        if progress is not None and (number % 100 == 0 or number == total):
            progress("periksa", number, total)
    return BoundaryValidation(records=records if not problems else [], problems=problems)


def _feature_centroid(
    feature: dict[str, Any], bad: Callable[[str, object, str], None]
) -> tuple[float, float] | None:
    props = feature.get("properties") or {}
    raw_lat, raw_lng = props.get("centroid_lat"), props.get("centroid_lng")
    if raw_lat is None and raw_lng is None:
        return None
    if raw_lat is None or raw_lng is None:
        bad(
            "centroid_lat" if raw_lat is None else "centroid_lng",
            None,
            "hanya satu dari centroid_lat/centroid_lng / only one of centroid_lat/centroid_lng",
        )
        return None
    lat, lng = parse_float(raw_lat), parse_float(raw_lng)
    if lat is None or not -90 <= lat <= 90:
        bad("centroid_lat", raw_lat, "lintang tidak sah / invalid latitude")
    if lng is None or not -180 <= lng <= 180:
        bad("centroid_lng", raw_lng, "bujur tidak sah / invalid longitude")
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


# --- the database part ---------------------------------------------------------------------------


@dataclass
class TpsImportResult:
    file: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


@dataclass
class BoundaryImportResult:
    file: str
    sha256: str
    features: int = 0
    boundaries: int = 0
    centroids: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def updated(self) -> int:
        """Regions whose boundary was set."""
        return self.boundaries


def _chunks(items: Iterable[str], size: int = _QUERY_CHUNK) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in sorted(items):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def known_desa_codes(codes: Iterable[str]) -> set[str]:
    """Which of `codes` are desa/kelurahan (level 4) regions in the database."""
    from praja.territory.models import Region

    known: set[str] = set()
    for batch in _chunks(set(codes)):
        known.update(
            Region.objects.filter(level=Region.Level.DESA, code__in=batch).values_list("code", flat=True)
        )
    return known


def regency_areas(regencies: Iterable[str]) -> dict[str, Area]:
    """For each regency: its boundary polygon when loaded, else the box of its desa centroids."""
    from praja.territory.models import Region

    areas: dict[str, Area] = {}
    for code in sorted(set(regencies)):
        boundary = Region.objects.filter(code=code).values_list("boundary", flat=True).first()
        if boundary and polygon_problem(boundary) is None:
            areas[code] = area_from_geojson(code, boundary)
            continue
        points = Region.objects.filter(
            level=Region.Level.DESA,
            code__startswith=code + ".",
            centroid_lat__isnull=False,
            centroid_lng__isnull=False,
        ).values_list("centroid_lat", "centroid_lng")
        area = area_from_points(
            code, ((lat, lng) for lat, lng in points if lat is not None and lng is not None)
        )
        if area is not None:
            areas[code] = area
    return areas


def _common_region(codes: Iterable[str]) -> str:
    codes = set(codes)
    for width in (5, 2):  # regency "35.07", province "35"
        heads = {c[:width] for c in codes}
        if len(heads) == 1:
            return heads.pop()
    return ""


def read_source(file: str | PathLike[str], data: bytes | None) -> tuple[str, bytes]:
    """(file name shown in messages, content): `data` as given, or read from the path `file`."""
    if data is None:
        data = Path(file).read_bytes()
    return PurePath(file).name or "berkas", data


def import_tps(
    file: str | PathLike[str],
    data: bytes | None = None,
    *,
    regency: str | None = None,
    scope: Scope | None = None,
    progress: Progress | None = None,
) -> TpsImportResult:
    """Check a TPS list and, when every row is clean, upsert it whole with one audit entry.

    `file` names the file in messages; without `data` it is read from that path. Needs an audit
    actor (the web middleware or `acting_as(system_actor(...))`).
    """
    from django.conf import settings
    from django.db import IntegrityError

    file_name, data = read_source(file, data)
    result = TpsImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    table = read_table(file_name, data)
    result.rows = len(table.rows)
    if table.problems:
        result.problems = table.problems
        return result
    codes = {c for r in table.rows if (c := normalise_desa_code(r.values.get("kode_desa")))}
    known = known_desa_codes(codes)
    limits: dict[str, Any] = settings.PRAJA
    areas = regency_areas({regency} if regency else {c[:5] for c in known})
    checked = validate_tps_rows(
        table,
        known,
        areas,
        regency=regency,
        scope=scope,
        min_voters=limits["TPS_MIN_VOTERS"],
        max_voters=limits["TPS_MAX_VOTERS"],
        progress=progress,
    )
    if checked.problems:
        result.problems = checked.problems
        return result
    try:
        result.created, result.updated = _load_tps(checked.records, result, regency, progress)
    except IntegrityError:
        # Someone else wrote the same TPS between the check and the write: nothing was kept.
        result.problems = [
            Problem(
                file_name,
                None,
                "",
                "",
                "data TPS berubah selama impor; tidak ada yang disimpan, coba lagi / "
                "TPS data changed during the import; nothing was written, try again",
            )
        ]
    return result


def _load_tps(
    records: list[TpsRecord], result: TpsImportResult, regency: str | None, progress: Progress | None
) -> tuple[int, int]:
    from django.db import transaction
    from django.utils import timezone

    from praja.base import audit
    from praja.territory.models import TPS

    if audit.current_actor() is None:
        raise RuntimeError("import_tps needs an audit actor: wrap it in acting_as(...)")
    now = timezone.now()
    source = f"impor {result.file}"[:200]
    total = len(records)
    with transaction.atomic():
        existing: dict[str, TPS] = {}
        for batch in _chunks({r.desa for r in records}):
            existing.update({t.code: t for t in TPS.objects.select_for_update().filter(desa_id__in=batch)})
        to_create: list[TPS] = []
        to_update: list[TPS] = []
        for rec in records:
            tps = existing.get(rec.code)
            if tps is None:
                to_create.append(
                    TPS(
                        code=rec.code,
                        desa_id=rec.desa,
                        number=rec.number,
                        voters=rec.voters,
                        address=rec.address,
                        lat=rec.lat,
                        lng=rec.lng,
                        voters_generated=False,
                        location_generated=False,
                        source=source,
                    )
                )
                continue
            tps.voters = rec.voters
            tps.voters_generated = False
            if rec.address:  # an empty cell keeps the address already known
                tps.address = rec.address
            if rec.lat is not None and rec.lng is not None:
                # Empty coordinates keep the known location and its "generated" mark as they are.
                tps.lat, tps.lng, tps.location_generated = rec.lat, rec.lng, False
            tps.source = source
            tps.updated_at = now
            to_update.append(tps)
        TPS.objects.bulk_create(to_create, batch_size=500)
        if progress is not None:
            progress("simpan", len(to_create), total)
        _update_rows(
            to_update,
            [
                "voters",
                "voters_generated",
                "address",
                "lat",
                "lng",
                "location_generated",
                "source",
                "updated_at",
            ],
        )
        if progress is not None:
            progress("simpan", total, total)
        audit.record(
            "import",
            "territory.tps",
            target_id=result.file[:64],
            region_code=regency or _common_region(r.desa for r in records),
            changes={
                "file": result.file,
                "sha256": result.sha256,
                "rows": total,
                "created": len(to_create),
                "updated": len(to_update),
            },
        )
    return len(to_create), len(to_update)


def _update_rows(objs: list[Any], fields: list[str]) -> None:
    """UPDATE each object's `fields` by primary key in one executemany (fires no signals).

    Django's bulk_update builds one CASE expression per field and batch, which takes seconds for a
    few thousand rows on SQLite; one prepared UPDATE run many times takes milliseconds.
    """
    from django.db import connections, router

    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(c.column)} = %s" for c in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    params = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def import_boundaries(
    file: str | PathLike[str], data: bytes | None = None, *, progress: Progress | None = None
) -> BoundaryImportResult:
    """Set Region.boundary (and a missing centroid) from a GeoJSON FeatureCollection, whole or not at all.

    `file` names the file in messages; without `data` it is read from that path.
    """
    from django.db import transaction

    from praja.base import audit
    from praja.territory.models import Region

    file_name, data = read_source(file, data)
    result = BoundaryImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    features, problems = read_feature_collection(file_name, data)
    result.features = len(features)
    if problems:
        result.problems = problems
        return result
    codes = {c for f in features if (c := feature_code(f))}
    known: set[str] = set()
    for batch in _chunks(codes):
        known.update(Region.objects.filter(code__in=batch).values_list("code", flat=True))
    checked = validate_boundary_features(file_name, features, known, progress=progress)
    if checked.problems:
        result.problems = checked.problems
        return result
    if audit.current_actor() is None:
        raise RuntimeError("import_boundaries needs an audit actor: wrap it in acting_as(...)")
    by_code = {r.code: r for r in checked.records}
    with transaction.atomic():
        regions: list[Region] = []
        for batch in _chunks(by_code):
            regions.extend(
                Region.objects.select_for_update()
                .filter(code__in=batch)
                .only("code", "centroid_lat", "centroid_lng")
            )
        centroids = 0
        for region in regions:
            rec = by_code[region.code]
            region.boundary = rec.geometry
            if rec.centroid is not None and (region.centroid_lat is None or region.centroid_lng is None):
                region.centroid_lat, region.centroid_lng = rec.centroid
                centroids += 1
        Region.objects.bulk_update(regions, ["boundary", "centroid_lat", "centroid_lng"], batch_size=50)
        if progress is not None:
            progress("simpan", len(regions), len(regions))
        audit.record(
            "import",
            "territory.region",
            target_id=file_name[:64],
            region_code=_common_region(by_code),
            changes={
                "file": file_name,
                "sha256": result.sha256,
                "features": len(features),
                "boundaries": len(regions),
                "centroids": centroids,
            },
        )
    result.boundaries, result.centroids = len(regions), centroids
    from praja.territory.signals import regions_changed

    transaction.on_commit(lambda: regions_changed.send(sender=Region, codes=sorted(by_code)))
    return result
