"""Pure helpers on Kemendagri region codes (no Django import).

A region code is dotted: "35" (province), "35.07" (regency/city), "35.07.01" (kecamatan),
"35.07.01.2001" (desa/kelurahan). A TPS code is its desa code, a slash and a 3-digit number:
"35.07.01.2001/003".
"""

from __future__ import annotations

import re

_REGION_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_TPS_RE = re.compile(r"^(\d{2}\.\d{2}\.\d{2}\.\d{4})/(\d{1,3})$")

LEVEL_NAMES = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}

# Province codes by time zone (Permendagri / common use): WITA and WIT; every other province is WIB.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def is_region_code(code: str) -> bool:
    return bool(_REGION_RE.match(code))


def level_of(code: str) -> int:
    return len(code.split("."))


def parent_of(code: str) -> str | None:
    parts = code.split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else None


def ancestors_of(code: str) -> list[str]:
    """Codes of every enclosing region, nearest last: "35.07.01" -> ["35", "35.07"]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def is_within(code: str, region: str) -> bool:
    """True when `code` (a region or a TPS code) lies inside `region` or is `region` itself."""
    return code == region or code.startswith(region + ".") or code.startswith(region + "/")


def tps_code(desa_code: str, number: int) -> str:
    return f"{desa_code}/{number:03d}"


def parse_tps_code(code: str) -> tuple[str, int] | None:
    m = _TPS_RE.match(code.strip())
    if not m:
        return None
    return m.group(1), int(m.group(2))


def time_zone_of(code: str) -> str:
    """IANA zone for a region: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."""
    prov = code[:2]
    if prov in _WIT:
        return "Asia/Jayapura"
    if prov in _WITA:
        return "Asia/Makassar"
    return "Asia/Jakarta"
