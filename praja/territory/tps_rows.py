"""Checking the rows of a TPS list (`validate_tps_rows`): every bad row and field is named, no database.

Each row needs a known desa code (within the regency and the person's area when given), a TPS number,
a voter count within bounds, at most a short address, and both coordinates or neither (inside the
regency's area when it is known). A TPS appears once in a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from praja.base.regions import is_within, tps_code
from praja.territory.cells import display_value, is_blank, normalise_desa_code, parse_float, parse_int
from praja.territory.geo import Area
from praja.territory.import_report import Problem, Progress
from praja.territory.tps_table import ParsedTable, Row

if TYPE_CHECKING:
    from praja.base.scope import Scope

MAX_TPS_NUMBER = 999
ADDRESS_MAX_LENGTH = 255


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
