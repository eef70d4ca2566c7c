"""Where a report happened, as the intake channels ask it: the chained kabupaten -> kecamatan -> desa -> TPS
choices of the forms, and finding a desa or TPS in the words of an SMS.

Which regencies the public forms offer: ``PRAJA_REPORTS["PUBLIC_REGENCIES"]`` (codes, comma-separated
or a list); empty means every regency whose kecamatan are loaded.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from praja.territory.models import TPS, Region


def served_regencies() -> list[tuple[str, str]]:
    """The regencies the public forms serve (remembered per process: praja/reports/known.py)."""
    from praja.reports import known

    configured = getattr(settings, "PRAJA_REPORTS", {}).get("PUBLIC_REGENCIES") or []
    return list(known.value(f"served:{configured!r}", lambda: _served_regencies(configured)))


def _served_regencies(configured: Any) -> list[tuple[str, str]]:
    if isinstance(configured, str):
        configured = [c.strip() for c in configured.split(",") if c.strip()]
    qs = Region.objects.filter(level=Region.Level.KABUPATEN)
    if configured:
        qs = qs.filter(code__in=configured)
    else:
        qs = qs.filter(children__level=Region.Level.KECAMATAN).distinct()
    return list(qs.order_by("code").values_list("code", "name"))


# default_regency() is asked for every report that names no place (the API's voting-day load): answered from
# memory for DEFAULT_REGENCY_TTL_S seconds (per process, and again at once when PUBLIC_REGENCIES changes).
DEFAULT_REGENCY_TTL_S = 60.0
_default: tuple[float, str, object] | None = None  # (valid until, code, the PUBLIC_REGENCIES it was read under)


def default_regency() -> str:
    """The regency a report that names no place is filed under: the one regency the public forms serve
    (``PUBLIC_REGENCIES`` with one code, or the only regency loaded); '' when there are several or none."""
    global _default
    config = getattr(settings, "PRAJA_REPORTS", {}).get("PUBLIC_REGENCIES")
    now = time.monotonic()
    known = _default
    if known is not None and known[0] > now and known[2] == config:
        return known[1]
    regencies = served_regencies()
    code = regencies[0][0] if len(regencies) == 1 else ""
    _default = (now + DEFAULT_REGENCY_TTL_S, code, config)
    return code


def forget_default_regency() -> None:
    """Drop the remembered default regency (after the regions change; each test starts without it)."""
    global _default
    _default = None


def regency_of(code: str) -> str:
    """The regency code of a region or TPS code (``35.07`` of ``35.07.01.2001/003``); '' above a regency."""
    parts = (code or "").split("/")[0].split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and all(parts[:2]) else ""


def children(code: str, level: int) -> list[tuple[str, str]]:
    if not code:
        return []
    from praja.reports import known

    return list(known.value(f"children:{code}:{level}", lambda: list(
        Region.objects.filter(parent_id=code, level=level).order_by("name").values_list("code", "name"))))


def tps_of(desa: str) -> list[tuple[str, str]]:
    if not desa:
        return []
    from praja.reports import known

    def load() -> list[tuple[str, str]]:
        rows = TPS.objects.filter(desa_id=desa).order_by("number").values_list("code", "number")
        return [(c, f"TPS {n:03d}") for c, n in rows]

    return list(known.value(f"tps-of:{desa}", load))


@dataclass
class Where:
    """The chosen place and the choices each select offers (only the chain under what is chosen)."""

    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    tps: str = ""
    regencies: list[tuple[str, str]] = field(default_factory=list)
    kecamatans: list[tuple[str, str]] = field(default_factory=list)
    desas: list[tuple[str, str]] = field(default_factory=list)
    tpss: list[tuple[str, str]] = field(default_factory=list)

    @property
    def region(self) -> str:
        """The most precise region chosen (desa, else kecamatan, else the regency), '' when none.

        A report whose sender names no kecamatan still belongs to the chosen (or the only served) regency, so
        the regency's handlers (Bawaslu Kabupaten, the Polres) see it; a Polsek, serving one kecamatan, does not."""
        return self.desa or self.kecamatan or self.regency


def chain(data: object) -> Where:
    """Read kabupaten/kecamatan/desa/tps from form data, dropping a choice that does not fit its parent."""
    get = getattr(data, "get", None)

    def value(key: str) -> str:
        v = get(key, "") if get else ""
        return str(v or "").strip()[:20]

    w = Where(regencies=served_regencies())
    codes = {c for c, _ in w.regencies}
    w.regency = value("kabupaten")
    if w.regency not in codes:
        w.regency = w.regencies[0][0] if len(w.regencies) == 1 else ""
    w.kecamatans = children(w.regency, Region.Level.KECAMATAN)
    w.kecamatan = value("kecamatan")
    if w.kecamatan not in {c for c, _ in w.kecamatans}:
        w.kecamatan = ""
    w.desas = children(w.kecamatan, Region.Level.DESA)
    w.desa = value("desa")
    if w.desa not in {c for c, _ in w.desas}:
        w.desa = ""
    w.tpss = tps_of(w.desa)
    w.tps = value("tps")
    if w.tps not in {c for c, _ in w.tpss}:
        w.tps = ""
    return w


# --- finding a place in the words of a text message -----------------------------------------------

_TPS_CODE = re.compile(r"^(\d{2}\.\d{2}\.\d{2}\.\d{4})/(\d{1,3})$")
_TPS_WORD = re.compile(r"^tps[\s.:-]*(\d{1,3})$", re.IGNORECASE)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class Found:
    tps: str = ""
    region: str = ""
    place_text: str = ""
    rest: list[str] = field(default_factory=list)  # the words after the place


def find_place(words: list[str]) -> Found:
    """The place at the start of ``words``: a TPS code, "TPS 3 <desa>", "<desa> TPS 3" or a desa/kecamatan name
    of up to three words in the served regencies. A name found in several regions is kept as text only."""
    from praja.reports import known

    if not words:
        return Found()
    first = words[0]
    m = _TPS_CODE.match(first)
    if m:
        code = f"{m.group(1)}/{int(m.group(2)):03d}"
        if known.tps_exists(code):
            return Found(tps=code, region=m.group(1), rest=words[1:])
        return Found(place_text=first, rest=words[1:])
    number: int | None = None
    i = 0
    # "TPS 3", "TPS3", "tps-03" before the name
    joined2 = " ".join(words[:2])
    if _TPS_WORD.match(first):
        number, i = int(_TPS_WORD.match(first).group(1)), 1  # type: ignore[union-attr]
    elif len(words) > 1 and _TPS_WORD.match(joined2):
        number, i = int(_TPS_WORD.match(joined2).group(1)), 2  # type: ignore[union-attr]
    regencies = [c for c, _ in served_regencies()]
    for length in (3, 2, 1):
        if i + length > len(words):
            continue
        name = " ".join(words[i : i + length])
        key = _norm(name)
        if len(key) < 3:
            continue
        matches = _regions_named(key, regencies)
        if not matches:
            continue
        j = i + length
        if number is None and j < len(words):
            tail = words[j]
            tail2 = " ".join(words[j : j + 2])
            if _TPS_WORD.match(tail):
                number, j = int(_TPS_WORD.match(tail).group(1)), j + 1  # type: ignore[union-attr]
            elif _TPS_WORD.match(tail2):
                number, j = int(_TPS_WORD.match(tail2).group(1)), j + 2  # type: ignore[union-attr]
        place = " ".join(words[:j])
        if len(matches) != 1:
            return Found(place_text=place, rest=words[j:])
        region = matches[0]
        if number is not None and len(region) == 13:
            code = f"{region}/{number:03d}"
            if known.tps_exists(code):
                return Found(tps=code, region=region, place_text=place, rest=words[j:])
        return Found(region=region, place_text=place, rest=words[j:])
    return Found(rest=words)


def _regions_named(key: str, regencies: list[str]) -> list[str]:
    """Desa (else kecamatan) codes whose name is ``key`` (letters and digits only, lower case): from the index of
    the served regencies' names, built once per process and TTL (praja/reports/known.py)."""
    if not regencies:
        return []
    from praja.reports import known

    index: dict[str, dict[int, list[str]]] = known.value(f"names:{','.join(regencies)}",
                                                         lambda: _name_index(regencies))
    found = index.get(key, {})
    return list(found.get(Region.Level.DESA, []) or found.get(Region.Level.KECAMATAN, []))


def _name_index(regencies: list[str]) -> dict[str, dict[int, list[str]]]:
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    within = reduce(or_, (Q(code__startswith=r + ".") for r in regencies))
    index: dict[str, dict[int, list[str]]] = {}
    rows = Region.objects.filter(within, level__in=[Region.Level.DESA, Region.Level.KECAMATAN])
    for code, name, level in rows.values_list("code", "name", "level").iterator(chunk_size=5000):
        index.setdefault(_norm(name), {}).setdefault(int(level), []).append(code)
    return index
