"""The input files of `praja deployment plan`: TPS.csv, POOLS.csv and PATTERN.toml, checked row by row.

Read with the TPS importer's machinery (`praja.territory.importers`: CSV dialects and XLSX, number
parsing, `Problem` with file, row and field) and reported the same way: every bad row and field is
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

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from praja.deployment.solver import CLASSES, PRESETS, TPS, ClassPattern, Pattern, Pool, Settings
from praja.territory.importers import (
    MAX_ROWS,
    ParsedTable,
    Problem,
    Row,
    Unreadable,
    checked_coordinates,
    csv_rows,
    display_value,
    is_blank,
    normalise_desa_code,
    normalise_header,
    parse_float,
    parse_int,
    xlsx_rows,
)
from praja.territory.regions import parse_tps_code

MAX_UNIT = 120
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


def read_table(file_name: str, data: bytes, columns: Mapping[str, tuple[str, ...]],
               required: tuple[str, ...]) -> ParsedTable:
    """Like the TPS importer's read_table, for another set of columns."""
    table = ParsedTable(file=file_name, labels={})
    suffix = Path(file_name).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and data[:2] == b"PK"):
            raw = list(xlsx_rows(data))
        else:
            raw = list(csv_rows(data))
    except Unreadable as exc:
        table.problems.append(Problem(file_name, None, "", "", str(exc)))
        return table
    head = next((i for i, (_n, cells) in enumerate(raw) if not all(is_blank(c) for c in cells)), None)
    if head is None:
        table.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return table
    alias = {a: col for col, names in columns.items() for a in names}
    index: dict[str, int] = {}
    for i, cell in enumerate(raw[head][1]):
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
    for number, cells in raw[head + 1:]:
        if all(is_blank(c) for c in cells):
            continue
        table.rows.append(Row(number, {c: (cells[i] if i < len(cells) and not is_blank(cells[i]) else None)
                                       for c, i in index.items()}))
    if not table.rows:
        table.problems.append(Problem(file_name, None, "", "",
                                      "tidak ada baris data di bawah baris judul / no data rows below the header row"))
    elif len(table.rows) > MAX_ROWS:
        table.problems.append(Problem(file_name, None, "", "", f"terlalu banyak baris / too many rows (> {MAX_ROWS})"))
        table.rows = []
    return table


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


def _bad_for(table: ParsedTable, row: Row, out: list[Problem]) -> Bad:
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


def read_tps(file_name: str, data: bytes, centroids: Callable[[set[str]], Mapping[str, tuple[float, float]]],
             max_voters: int = DEFAULT_MAX_VOTERS) -> TpsFile:
    """Check every row of TPS.csv; `centroids(desa codes)` gives the desa centroids for rows without
    coordinates (asked once, for the desa that need one)."""
    table = read_table(file_name, data, TPS_COLUMNS, TPS_REQUIRED)
    out = TpsFile(problems=list(table.problems))
    if table.problems:
        return out
    seen: dict[str, int] = {}
    pending: list[tuple[Row, str, str, str, str, int, str]] = []  # rows without coordinates
    for row in table.rows:
        mine: list[Problem] = []
        bad = _bad_for(table, row, mine)
        v = row.values
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
        lat, lng, ok = checked_coordinates(v.get("lat"), v.get("lng"), table, bad)
        if code is not None:
            if code in seen:
                bad("code", v.get("code"), f"TPS {code} ganda: sudah ada di baris {seen[code]} / "
                    f"duplicate: already in row {seen[code]}")
            else:
                seen[code] = row.number
        address = "" if is_blank(v.get("address")) else str(v.get("address")).strip()[:255]
        if mine:
            out.problems.extend(mine)
            continue
        assert code and desa and cls and voters is not None
        if lat is None or lng is None:
            pending.append((row, code, desa, kec, cls, voters, address))
            continue
        out.tps.append(TPS(code, desa, kec, cls, voters, lat, lng))
        out.address[code] = address
    if pending:
        known = centroids({p[2] for p in pending})
        for row, code, desa, kec, cls, voters, address in pending:
            c = known.get(desa)
            if c is None:
                out.problems.append(Problem(
                    table.file, row.number, f"{table.label('lat')}, {table.label('lng')}", "",
                    f"tanpa koordinat dan titik tengah desa {desa} tidak diketahui / no coordinates and no "
                    f"known centroid for desa {desa}",
                ))
                continue
            out.tps.append(TPS(code, desa, kec, cls, voters, c[0], c[1]))
            out.address[code] = address
            out.at_centroid.append(code)
    if out.problems:
        out.tps, out.address, out.at_centroid = [], {}, []
    out.tps.sort(key=lambda t: t.code)
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
        elif unit.lower() in seen:
            bad("unit", v.get("unit"), f"satuan ganda: sudah ada di baris {seen[unit.lower()]} / "
                f"duplicate unit: already in row {seen[unit.lower()]}")
        else:
            seen[unit.lower()] = row.number
        kind = display_value(v.get("kind")).lower()
        if kind not in ("polri", "tni"):
            bad("kind", v.get("kind"), "harus polri atau tni / must be polri or tni")
        lat, lng, _ok = checked_coordinates(v.get("lat"), v.get("lng"), table, bad)
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
        out.pools.append(Pool(unit, kind, lat, lng, available, frozenset(kecs), cost, bko))
    if not out.problems and not any(p.kind == "polri" for p in out.pools):
        out.problems.append(Problem(table.file, None, "kind", "", "tidak ada satuan polri / no polri pool"))
    if out.problems:
        out.pools = []
    return out


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
