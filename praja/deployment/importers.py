"""The input files of `praja deployment plan`: TPS.csv, POOLS.csv and PATTERN.toml, checked row by row.

Read with the TPS importer's machinery (`praja.territory.table_files`: CSV dialects and XLSX; `cells`:
number parsing; `import_report.Problem` with file, row and field) and reported the same way: every bad row and field is
named, and when there is any, nothing is planned and nothing is written.

TPS.csv (CSV or XLSX), header names case-insensitive:
  code (35.07.01.2001/003), desa_code, class (aman, kurang_rawan, rawan, sangat_rawan, khusus; "sangat
  rawan" too), voters, lat, lng; optional kecamatan_code, address. Empty lat and lng: the TPS is put at
  its desa's centroid (from the database's regions, else the committed file of Kabupaten Malang) and
  counted; a desa without a known centroid is an error.
POOLS.csv:
  unit, kind (polri or tni), lat, lng, available, kecamatan_codes (separated by ";"; empty: every
  kecamatan); optional cost (per person) and bko (1/0, ya/tidak, true/false; default: bko when cost > 0).
PATTERN.toml:
  name = "...", optional preset = "polres_malang_2024" to start from, source = "...", and a table per
  class ([aman], [kurang_rawan], [rawan], [sangat_rawan], [khusus]) with police, max_tps, tni, linmas;
  optional [settings] with walking_km, area ("desa" or "kecamatan"), reserve_share.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from praja.base.regions import parse_tps_code
from praja.deployment.solver import CLASSES, PRESETS, TPS, ClassPattern, Pattern, Pool, Settings
from praja.deployment.solver_geometry import haversine_km
from praja.territory.cells import display_value, is_blank, normalise_desa_code, normalise_header, parse_float, parse_int
from praja.territory.import_report import Problem
from praja.territory.table_files import Unreadable, xlsx_rows
from praja.territory.tps_rows import checked_coordinates
from praja.territory.tps_table import Row

MAX_UNIT = 120
DEFAULT_MAX_ROWS = 2_000_000  # TPS rows of one file (Indonesia had about 820,000 TPS in 2024); a setting
MAX_LINE_CHARS = 10_000  # a CSV line longer than this is refused, by its row number
DEFAULT_MAX_KM_FROM_DESA = 15.0  # a TPS farther than this from its desa's centroid is refused (a setting)
MAX_AVAILABLE = 1_000_000
DEFAULT_MAX_VOTERS = 1000

TPS_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "kode", "kode_tps", "tps_code"),
    "desa_code": ("desa_code", "kode_desa", "desa", "village_code"),
    "kecamatan_code": ("kecamatan_code", "kode_kecamatan"),
    "class": ("class", "kelas", "klass", "kerawanan", "cls"),
    "voters": ("voters", "dpt", "pemilih"),
    "address": ("address", "alamat"),
    "lat": ("lat", "lintang", "latitude"),
    "lng": ("lng", "lon", "long", "bujur", "longitude"),
}
TPS_REQUIRED = ("code", "desa_code", "class", "voters", "lat", "lng")
POOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "kode", "kode_satuan", "unit_code"),
    "unit": ("unit", "satuan", "name", "nama"),
    "kind": ("kind", "jenis"),
    "lat": ("lat", "lintang", "latitude"),
    "lng": ("lng", "lon", "long", "bujur", "longitude"),
    "available": ("available", "tersedia", "personel", "people"),
    "kecamatan_codes": ("kecamatan_codes", "kecamatan", "kode_kecamatan"),
    "cost": ("cost", "cost_per_person", "biaya"),
    "bko": ("bko",),
}
POOL_REQUIRED = ("unit", "kind", "lat", "lng", "available", "kecamatan_codes")
_TRUE = {"1", "ya", "y", "yes", "true", "benar", "bko"}
_FALSE = {"0", "tidak", "t", "no", "n", "false", "salah", "-", ""}
_KEC_DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_KEC_PLAIN = re.compile(r"^\d{6}$")


class RowTooLong(Exception):
    def __init__(self, number: int, length: int) -> None:
        super().__init__(number, length)
        self.number = number
        self.length = length


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def stream_csv_rows(data: bytes, max_line: int = MAX_LINE_CHARS) -> Iterator[tuple[int, list[object]]]:
    """Rows of a CSV one at a time (numbered as a spreadsheet shows them), never a list of all of them.

    A line longer than `max_line` characters stops the reading with RowTooLong naming its row; a
    malformed row stops it with Unreadable naming its row.
    """
    text = _decode(data)
    if "\x00" in text:
        raise Unreadable("berkas bukan CSV teks (berisi byte nol) / the file is not a text CSV (contains NUL bytes)")
    first = ""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            first = line
            break
    # Spreadsheets set to Indonesian write ";" between columns (the comma is the decimal mark).
    delimiter = max((",", ";", "\t", "|"), key=first.count) if first else ","
    if first and first.count(delimiter) == 0:
        delimiter = ","
    number = 0

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            if len(line) > max_line:
                raise RowTooLong(number + 1, len(line))
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Unreadable(f"baris {number + 1}: CSV rusak: {exc} / row {number + 1}: malformed CSV: {exc}") from exc
        number += 1
        yield number, list(cells)


@dataclass
class Table:
    """A table whose rows are read as they are consumed (`rows` once), header and problems up front."""

    file: str
    labels: dict[str, str]
    rows: Iterator[Row]
    problems: list[Problem] = field(default_factory=list)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


def read_table(file_name: str, data: bytes, columns: Mapping[str, tuple[str, ...]],
               required: tuple[str, ...], max_rows: int = DEFAULT_MAX_ROWS) -> Table:
    """Like the TPS importer's read_table, for another set of columns, and streamed: the header is read
    here, the data rows as `rows` is consumed. A row beyond `max_rows`, a line too long or a malformed
    row ends the rows with a problem naming its row (appended to `problems` while reading)."""
    table = Table(file=file_name, labels={}, rows=iter(()))
    suffix = Path(file_name).suffix.lower()
    raw: Iterator[tuple[int, list[object]]]
    if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and data[:2] == b"PK"):
        raw = xlsx_rows(data)
    else:
        raw = stream_csv_rows(data)
    try:
        head = next(((n, cells) for n, cells in raw if not all(is_blank(c) for c in cells)), None)
    except Unreadable as exc:
        table.problems.append(Problem(file_name, None, "", "", str(exc)))
        return table
    except RowTooLong as exc:
        table.problems.append(_too_long(file_name, exc))
        return table
    if head is None:
        table.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return table
    alias = {a: col for col, names in columns.items() for a in names}
    index: dict[str, int] = {}
    for i, cell in enumerate(head[1]):
        col = alias.get(normalise_header(cell))
        if col is None:
            continue
        if col in index:
            table.problems.append(Problem(file_name, None, display_value(cell), "",
                                          f"kolom {col} muncul dua kali / column {col} appears twice"))
            continue
        index[col] = i
        table.labels[col] = display_value(cell)
    for col in required:
        if col not in index:
            table.problems.append(Problem(
                file_name, None, col, "",
                f"kolom wajib {col} tidak ada di baris judul / required column {col} is missing from the header row",
            ))
    if table.problems:
        return table

    def rows() -> Iterator[Row]:
        count = 0
        try:
            for number, cells in raw:
                if all(is_blank(c) for c in cells):
                    continue
                count += 1
                if count > max_rows:
                    table.problems.append(Problem(
                        file_name, number, "", "",
                        f"terlalu banyak baris (maks. {_id(max_rows)}) / too many rows (at most {max_rows:,})",
                    ))
                    return
                yield Row(number, {c: (cells[i] if i < len(cells) and not is_blank(cells[i]) else None)
                                   for c, i in index.items()})
        except Unreadable as exc:
            table.problems.append(Problem(file_name, None, "", "", str(exc)))
        except RowTooLong as exc:
            table.problems.append(_too_long(file_name, exc))
        if count == 0:
            table.problems.append(Problem(file_name, None, "", "", "tidak ada baris data di bawah baris judul / no "
                                          "data rows below the header row"))

    table.rows = rows()
    return table


def _id(n: float, decimals: int = 0) -> str:
    """4042 -> "4.042", 12.3 -> "12,3" (Indonesian grouping, as exports._fmt)."""
    return f"{n:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _too_long(file_name: str, exc: RowTooLong) -> Problem:
    return Problem(file_name, exc.number, "", "",
                   f"baris terlalu panjang ({_id(exc.length)} karakter, maks. {_id(MAX_LINE_CHARS)}); pembacaan "
                   f"berhenti di sini / row too long ({exc.length:,} characters, at most {MAX_LINE_CHARS:,}); reading "
                   "stopped here")


def normalise_class(value: object) -> str | None:
    text = re.sub(r"[\s\-]+", "_", display_value(value).lower())
    return text if text in CLASSES else None


def normalise_kecamatan_code(value: str) -> str | None:
    text = value.strip()
    if _KEC_DOTTED.match(text):
        return text
    if _KEC_PLAIN.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:]}"
    return None


Bad = Callable[[str, object, str], None]


def _bad_for(table: Table, row: Row, out: list[Problem]) -> Bad:
    def bad(column: str, value: object, message: str) -> None:
        out.append(Problem(table.file, row.number, table.label(column), display_value(value), message))

    return bad


# --- TPS.csv ------------------------------------------------------------------------------------------------


@dataclass
class TpsFile:
    tps: list[TPS] = field(default_factory=list)
    address: dict[str, str] = field(default_factory=dict)
    at_centroid: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _TpsRow:
    """A row that passed the full checks; lat and lng None where the file left them empty."""

    row: Row
    code: str
    desa: str
    kec: str
    cls: str
    voters: int
    address: str
    lat: float | None
    lng: float | None


def read_tps(file_name: str, data: bytes, centroids: Callable[[set[str]], Mapping[str, tuple[float, float]]],
             max_voters: int = DEFAULT_MAX_VOTERS, max_rows: int = DEFAULT_MAX_ROWS,
             max_km_from_desa: float = DEFAULT_MAX_KM_FROM_DESA) -> TpsFile:
    """Check every row of TPS.csv, read one row at a time; `centroids(desa codes)` gives the desa
    centroids for rows without coordinates and for the distance check (asked once).

    A TPS more than `max_km_from_desa` km (0: no check) from its desa's centroid is refused by row;
    where no centroid of the desa is known, from the median position of the desa's TPS (which one
    stray TPS does not move).
    """
    table = read_table(file_name, data, TPS_COLUMNS, TPS_REQUIRED, max_rows)
    out = TpsFile(problems=table.problems)
    if table.problems:
        return out
    seen: dict[str, int] = {}
    pending: list[_TpsRow] = []  # rows without coordinates
    for row in table.rows:
        clean = _clean_row(row.values, max_voters)
        if clean is not None and clean.code not in seen:  # the usual row: no message to write, no slow checks
            seen[clean.code] = row.number
            out.tps.append(clean)
            address = row.values.get("address")
            out.address[clean.code] = "" if address is None else str(address).strip()[:255]
            continue
        mine, checked = _check_tps_row(table, row, seen, max_voters)
        if mine:
            out.problems.extend(mine)
            continue
        assert checked is not None
        if checked.lat is None or checked.lng is None:
            pending.append(checked)
            continue
        out.tps.append(TPS(checked.code, checked.desa, checked.kec, checked.cls, checked.voters, checked.lat,
                           checked.lng))
        out.address[checked.code] = checked.address
    known = centroids({t.desa_code for t in out.tps} | {p.desa for p in pending})
    if max_km_from_desa > 0 and not out.problems:
        out.problems += far_from_desa(table, out.tps, seen, known, max_km_from_desa)
    _place_at_centroids(table, pending, known, out)
    if out.problems:
        out.tps, out.address, out.at_centroid = [], {}, []
    out.tps.sort(key=lambda t: t.code)
    return out


def _check_tps_row(table: Table, row: Row, seen: dict[str, int],
                   max_voters: int) -> tuple[list[Problem], _TpsRow | None]:
    """The full checks of one row, every problem named in column order; the row when it has none. A valid
    code is entered in `seen` (its row number) even when the row has other problems, as the fast path does."""
    mine: list[Problem] = []
    bad = _bad_for(table, row, mine)
    v = row.values
    code, desa, kec = _check_tps_codes(v, bad)
    cls, voters = _check_class_and_voters(v, bad, max_voters)
    lat, lng, _ok = checked_coordinates(v.get("lat"), v.get("lng"), cast(Any, table), bad)
    if code is not None:
        if code in seen:
            bad("code", v.get("code"), f"TPS {code} ganda: sudah ada di baris {seen[code]} / "
                f"duplicate: already in row {seen[code]}")
        else:
            seen[code] = row.number
    address = "" if is_blank(v.get("address")) else str(v.get("address")).strip()[:255]
    if mine:
        return mine, None
    assert code and desa and cls and voters is not None
    return mine, _TpsRow(row, code, desa, kec, cls, voters, address, lat, lng)


def _check_tps_codes(v: Mapping[str, object], bad: Bad) -> tuple[str | None, str | None, str]:
    """(TPS code, desa code, kecamatan code) of a row, checked against each other; None where unreadable."""
    code = desa = None
    parsed = parse_tps_code(display_value(v.get("code"))) if not is_blank(v.get("code")) else None
    if is_blank(v.get("code")):
        bad("code", v.get("code"), "wajib diisi / required")
    elif parsed is None:
        bad("code", v.get("code"), "bukan kode TPS (contoh 35.07.01.2001/003) / not a TPS code "
            "(e.g. 35.07.01.2001/003)")
    else:
        desa = parsed[0]
        code = f"{desa}/{parsed[1]:03d}"
    raw_desa = v.get("desa_code")
    if not is_blank(raw_desa):
        given = normalise_desa_code(raw_desa)
        if given is None:
            bad("desa_code", raw_desa, "bukan kode desa (contoh 35.07.01.2001) / not a desa code")
        elif desa is not None and given != desa:
            bad("desa_code", raw_desa, f"desa {given} tidak sesuai kode TPS {code} / "
                f"desa {given} does not match TPS code {code}")
    elif desa is None:
        bad("desa_code", raw_desa, "wajib diisi / required")
    kec = desa[:8] if desa else ""
    raw_kec = v.get("kecamatan_code")
    if not is_blank(raw_kec) and desa:
        k = normalise_kecamatan_code(display_value(raw_kec))
        if k != kec:
            bad("kecamatan_code", raw_kec, f"kecamatan harus {kec} (dari kode desa) / must be {kec}")
    return code, desa, kec


def _check_class_and_voters(v: Mapping[str, object], bad: Bad, max_voters: int) -> tuple[str | None, int | None]:
    cls = normalise_class(v.get("class"))
    if is_blank(v.get("class")):
        bad("class", v.get("class"), "wajib diisi / required")
    elif cls is None:
        bad("class", v.get("class"), f"kelas tidak dikenal; pilih {', '.join(CLASSES)} / unknown class")
    voters = parse_int(v.get("voters")) if not is_blank(v.get("voters")) else None
    if is_blank(v.get("voters")):
        bad("voters", v.get("voters"), "wajib diisi / required")
    elif voters is None:
        bad("voters", v.get("voters"), "bukan bilangan bulat / not an integer")
    elif not 0 <= voters <= max_voters:
        bad("voters", v.get("voters"), f"{voters} di luar batas 0..{max_voters} / outside 0..{max_voters}")
    return cls, voters


def _place_at_centroids(table: Table, pending: Sequence[_TpsRow], known: Mapping[str, tuple[float, float]],
                        out: TpsFile) -> None:
    """The rows without coordinates put at their desa's centroid (counted), or a problem where none is known."""
    for p in pending:
        c = known.get(p.desa)
        if c is None:
            out.problems.append(Problem(
                table.file, p.row.number, f"{table.label('lat')}, {table.label('lng')}", "",
                f"tanpa koordinat dan titik tengah desa {p.desa} tidak diketahui / no coordinates and no "
                f"known centroid for desa {p.desa}",
            ))
            continue
        out.tps.append(TPS(p.code, p.desa, p.kec, p.cls, p.voters, c[0], c[1]))
        out.address[p.code] = p.address
        out.at_centroid.append(p.code)


_TPS_CODE = re.compile(r"(\d{2}\.\d{2}\.\d{2}\.\d{4})/(\d{3})")
_CLASS_SET = frozenset(CLASSES)


def _clean_row(v: Mapping[str, object], max_voters: int) -> TPS | None:
    """The TPS of a row written exactly as expected (dotted codes, a known class in lower case, whole
    voters, both coordinates in range); None for anything else, which the full checks then read and,
    where it is wrong, name. A fast path only: it accepts nothing the full checks would refuse."""
    code, cls, voters, lat, lng = v.get("code"), v.get("class"), v.get("voters"), v.get("lat"), v.get("lng")
    if not (isinstance(code, str) and isinstance(cls, str) and isinstance(voters, str) and isinstance(lat, str)
            and isinstance(lng, str)) or cls not in _CLASS_SET or not voters.isdigit():
        return None
    m = _TPS_CODE.fullmatch(code)
    if m is None:
        return None
    desa = m[1]
    if v.get("desa_code") not in (None, desa) or v.get("kecamatan_code") not in (None, desa[:8]):
        return None
    n = int(voters)
    try:
        la, ln = float(lat), float(lng)
    except ValueError:
        return None
    if not (n <= max_voters and -90 <= la <= 90 and -180 <= ln <= 180):  # also false for NaN
        return None
    return TPS(code, desa, desa[:8], cls, n, la, ln)


def far_from_desa(table: Table, tps: Sequence[TPS], row_of: Mapping[str, int],
                  known: Mapping[str, tuple[float, float]], max_km: float) -> list[Problem]:
    """One problem per TPS farther than `max_km` from its desa's centroid (else the median of its TPS)."""
    by_desa: dict[str, list[TPS]] = {}
    for t in tps:
        by_desa.setdefault(t.desa_code, []).append(t)
    out: list[Problem] = []
    for desa, members in sorted(by_desa.items()):
        centre = known.get(desa)
        id_what, en_what = "titik tengah desa", "the centroid of desa"
        if centre is None:
            centre = (statistics.median(t.lat for t in members), statistics.median(t.lng for t in members))
            id_what, en_what = "posisi tengah TPS desa", "the median TPS position of desa"
        for t in members:
            d = haversine_km(centre[0], centre[1], t.lat, t.lng)
            if d > max_km:
                km = _id(d, 1)
                out.append(Problem(
                    table.file, row_of.get(t.code), f"{table.label('lat')}, {table.label('lng')}",
                    f"{t.lat:.6f}, {t.lng:.6f}",
                    f"TPS {t.code} berjarak {km} km dari {id_what} {desa} (batas {max_km:g} km) / "
                    f"{d:,.1f} km from {en_what} {desa} (limit {max_km:g} km)",
                ))
    return out


# --- POOLS.csv ----------------------------------------------------------------------------------------------


@dataclass
class PoolsFile:
    pools: list[Pool] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _parse_bool(value: object) -> bool | None:
    text = display_value(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def read_pools(file_name: str, data: bytes) -> PoolsFile:
    table = read_table(file_name, data, POOL_COLUMNS, POOL_REQUIRED)
    out = PoolsFile(problems=list(table.problems))
    if table.problems:
        return out
    seen: dict[str, int] = {}
    for row in table.rows:
        mine: list[Problem] = []
        bad = _bad_for(table, row, mine)
        v = row.values
        unit = display_value(v.get("unit"))
        if not unit:
            bad("unit", v.get("unit"), "wajib diisi / required")
        elif len(str(v.get("unit")).strip()) > MAX_UNIT:
            bad("unit", v.get("unit"), f"terlalu panjang (maks. {MAX_UNIT}) / too long (at most {MAX_UNIT})")
        code = display_value(v.get("code")) if "code" in table.labels else ""
        if "code" in table.labels and not code:
            bad("code", v.get("code"), "wajib diisi bila kolom kode ada / required when the code column is there")
        elif len(code) > MAX_UNIT:
            bad("code", v.get("code"), f"terlalu panjang (maks. {MAX_UNIT}) / too long (at most {MAX_UNIT})")
        # A unit is known by its code where the file has one: two regencies may each have a "Polsek X".
        key, col = (code.lower(), "code") if code else (unit.lower(), "unit")
        if unit and key in seen:
            hint = "" if code else (" (dua satuan bernama sama? tambahkan kolom code, misalnya kode kecamatannya / "
                                    "two units of the same name? add a code column, e.g. their kecamatan code)")
            bad(col, v.get(col), f"satuan ganda: sudah ada di baris {seen[key]} / duplicate unit: already in row "
                f"{seen[key]}{hint}")
        elif unit:
            seen[key] = row.number
        kind = display_value(v.get("kind")).lower()
        if kind not in ("polri", "tni"):
            bad("kind", v.get("kind"), "harus polri atau tni / must be polri or tni")
        lat, lng, _ok = checked_coordinates(v.get("lat"), v.get("lng"), cast(Any, table), bad)
        if is_blank(v.get("lat")) and is_blank(v.get("lng")):
            bad("lat", v.get("lat"), "koordinat satuan wajib diisi / the unit's coordinates are required")
        available = parse_int(v.get("available")) if not is_blank(v.get("available")) else None
        if is_blank(v.get("available")):
            bad("available", v.get("available"), "wajib diisi / required")
        elif available is None:
            bad("available", v.get("available"), "bukan bilangan bulat / not an integer")
        elif not 0 <= available <= MAX_AVAILABLE:
            bad("available", v.get("available"), f"di luar batas 0..{MAX_AVAILABLE} / outside 0..{MAX_AVAILABLE}")
        kecs: set[str] = set()
        raw_k = v.get("kecamatan_codes")
        for part in re.split(r"[;,\s]+", "" if is_blank(raw_k) else str(raw_k)):
            if not part:
                continue
            k = normalise_kecamatan_code(part)
            if k is None:
                bad("kecamatan_codes", raw_k, f"{part} bukan kode kecamatan (contoh 35.07.01) / not a kecamatan code")
            else:
                kecs.add(k)
        cost = 0.0
        if not is_blank(v.get("cost")):
            c = parse_float(v.get("cost"))
            if c is None or c < 0:
                bad("cost", v.get("cost"), "harus angka >= 0 / must be a number >= 0")
            else:
                cost = c
        bko = cost > 0
        if not is_blank(v.get("bko")):
            b = _parse_bool(v.get("bko"))
            if b is None:
                bad("bko", v.get("bko"), "isi 1/0, ya/tidak atau true/false / use 1/0, ya/tidak or true/false")
            else:
                bko = b
        if mine:
            out.problems.extend(mine)
            continue
        assert lat is not None and lng is not None and available is not None
        out.pools.append(Pool(code or unit, kind, lat, lng, available, frozenset(kecs), cost, bko,
                              name=unit if code else ""))
    if not out.problems and not any(p.kind == "polri" for p in out.pools):
        out.problems.append(Problem(table.file, None, "kind", "", "tidak ada satuan polri / no polri pool"))
    if out.problems:
        out.pools = []
    return out


def kecamatan_without_pool(tps: Sequence[TPS], pools: Sequence[Pool]) -> dict[str, int]:
    """{kecamatan: TPS} for every kecamatan of the TPS that no polri pool serves."""
    count: dict[str, int] = {}
    for t in tps:
        count[t.kecamatan_code] = count.get(t.kecamatan_code, 0) + 1
    police = [p for p in pools if p.kind == "polri"]
    if any(not p.kecamatan_codes for p in police):
        return {}
    served = {k for p in police for k in p.kecamatan_codes}
    return {k: n for k, n in sorted(count.items()) if k not in served}


def unpooled_problems(file_name: str, missing: Mapping[str, int], names: Mapping[str, str]) -> list[Problem]:
    return [Problem(file_name, None, "kecamatan_codes", k,
                    f"kecamatan {k}{' ' + names[k] if names.get(k) else ''} ({n} TPS) tidak dilayani satuan polri "
                    f"mana pun / no polri pool serves kecamatan {k} ({n} TPS)")
            for k, n in missing.items()]


# --- PATTERN.toml -------------------------------------------------------------------------------------------


@dataclass
class PatternFile:
    pattern: Pattern | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_CLASS_KEYS = ("police", "max_tps", "tni", "linmas")
_SETTING_KEYS = {"walking_km": float, "area": str, "reserve_share": float}


def read_pattern(file_name: str, data: bytes) -> PatternFile:
    out = PatternFile()

    def bad(where: str, value: object, message: str) -> None:
        out.problems.append(Problem(file_name, None, where, display_value(value), message, unit="kunci"))

    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        bad("", "", "bukan teks UTF-8 / not UTF-8 text")
        return out
    except tomllib.TOMLDecodeError as exc:
        bad("", "", f"TOML tidak sah / not valid TOML: {exc}")
        return out
    base: dict[str, Any] = {}
    preset = doc.get("preset")
    if preset is not None:
        if preset not in PRESETS:
            bad("preset", preset, f"preset tidak dikenal; pilih {', '.join(sorted(PRESETS))} / unknown preset")
        else:
            base = PRESETS[preset].as_dict()
    for key in doc:
        if key not in (*CLASSES, "name", "source", "preset", "settings"):
            bad(key, "", f"kunci tidak dikenal / unknown key {key}")
    classes: dict[str, dict[str, int]] = {}
    for cls in CLASSES:
        table = doc.get(cls)
        values = dict(base.get(cls, {}))
        if table is None:
            if not values:
                bad(cls, "", f"tabel [{cls}] wajib ada (atau pakai preset = ...) / table [{cls}] is required")
            classes[cls] = values
            continue
        if not isinstance(table, dict):
            bad(cls, table, f"[{cls}] harus tabel / must be a table")
            continue
        for k, v in table.items():
            if k not in _CLASS_KEYS:
                bad(f"{cls}.{k}", v, f"kunci tidak dikenal; pilih {', '.join(_CLASS_KEYS)} / unknown key")
            elif isinstance(v, bool) or not isinstance(v, int):
                bad(f"{cls}.{k}", v, "harus bilangan bulat / must be an integer")
            else:
                values[k] = v
        for k in ("police", "max_tps"):
            if k not in values:
                bad(f"{cls}.{k}", "", "wajib diisi / required")
        classes[cls] = values
    if not out.problems:
        for cls, values in classes.items():
            try:
                ClassPattern(int(values["police"]), int(values["max_tps"]), int(values.get("tni", 0)),
                             int(values.get("linmas", 0)))
            except ValueError as exc:
                bad(cls, "", f"angka tidak sah / invalid numbers: {exc}")
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        bad("settings", settings, "[settings] harus tabel / must be a table")
        settings = {}
    for k, v in settings.items():
        kind = _SETTING_KEYS.get(k)
        if kind is None:
            bad(f"settings.{k}", v, f"kunci tidak dikenal; pilih {', '.join(_SETTING_KEYS)} / unknown key")
        elif kind is float and (isinstance(v, bool) or not isinstance(v, (int, float))):
            bad(f"settings.{k}", v, "harus angka / must be a number")
        elif kind is str and not isinstance(v, str):
            bad(f"settings.{k}", v, "harus teks / must be text")
        else:
            out.settings[k] = v
    if out.settings:
        try:
            Settings(**out.settings)
        except (TypeError, ValueError) as exc:
            bad("settings", "", f"pengaturan tidak sah / invalid settings: {exc}")
    if out.problems:
        out.settings = {}
        return out
    name = str(doc.get("name") or preset or Path(file_name).stem)
    out.pattern = Pattern.from_dict({"name": name, "source": str(doc.get("source", base.get("source", ""))),
                                     **classes})
    return out


# --- desa centroids for TPS without coordinates -------------------------------------------------------------

CENTROID_FILE = Path(__file__).resolve().parent.parent / "territory" / "data" / "kab_malang_35.07.csv"


def centroids(desa_codes: set[str]) -> dict[str, tuple[float, float]]:
    """Desa centroids: from the database's regions when it has them, else the committed file of
    Kabupaten Malang (praja/territory/data/kab_malang_35.07.csv)."""
    out: dict[str, tuple[float, float]] = {}
    try:
        from django.db import DatabaseError

        from praja.territory.models import Region

        codes = sorted(desa_codes)
        try:
            for i in range(0, len(codes), 900):
                for code, lat, lng in Region.objects.filter(code__in=codes[i:i + 900]).values_list(
                    "code", "centroid_lat", "centroid_lng"
                ):
                    if lat is not None and lng is not None:
                        out[code] = (lat, lng)
        except DatabaseError:  # no database yet (a fresh machine): the file alone
            pass
    except ImportError:
        pass
    missing = desa_codes - set(out)
    if missing and CENTROID_FILE.exists():
        from praja.territory.loader import read_centroid_file

        for code, c in read_centroid_file(CENTROID_FILE).items():
            if code in missing:
                out[code] = c
    return out
