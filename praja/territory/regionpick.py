"""The active region: the kecamatan or desa a person has chosen to look at, kept in their session.

A person's scope (``request.scope``) bounds the choice: only regions it covers can be picked. The
home page figures and the map's first view follow the active region; without one, the whole scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from praja.base.regions import ancestors_of, is_region_code, is_within, level_of
from praja.base.scope import Scope
from praja.territory.models import Region

SESSION_KEY = "praja_active_region"
# A picker never lists more options than this in one <select> (a whole country of kecamatan would be
# thousands); above it, the person first picks the regency.
MAX_OPTIONS = 800
_CACHE_ATTR = "_praja_active_region"


def _scope(request: HttpRequest) -> Scope:
    return getattr(request, "scope", None) or Scope.nothing()


def active_code(request: HttpRequest) -> str | None:
    """The active region's code when it is still inside the person's scope, else None."""
    code = request.session.get(SESSION_KEY)
    if isinstance(code, str) and is_region_code(code) and _scope(request).covers(code):
        return code
    return None


def active_region(request: HttpRequest) -> Region | None:
    """The active Region row (looked up once per request)."""
    if hasattr(request, _CACHE_ATTR):
        cached: Region | None = getattr(request, _CACHE_ATTR)
        return cached
    code = active_code(request)
    region = Region.objects.filter(code=code).select_related("parent").first() if code else None
    setattr(request, _CACHE_ATTR, region)
    return region


def set_active_region(request: HttpRequest, code: str | None) -> bool:
    """Make `code` the active region (None or "" clears it). False when it is not a region in scope."""
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)
    if not code:
        request.session.pop(SESSION_KEY, None)
        return True
    if not is_region_code(code) or level_of(code) < 2 or not _scope(request).covers(code):
        return False
    if not Region.objects.filter(code=code).exists():
        return False
    request.session[SESSION_KEY] = code
    return True


def effective_scope(request: HttpRequest) -> Scope:
    """The person's scope narrowed to the active region, when one is chosen."""
    code = active_code(request)
    return Scope.of([code]) if code else _scope(request)


def choose(scope: Scope, kabupaten: str = "", kecamatan: str = "", desa: str = "") -> str | None:
    """The deepest consistent choice from the picker's fields ("" when the person cleared it).

    A desa left over from another kecamatan (the select was not refreshed) is ignored, and so on up.
    Returns None when nothing valid was chosen.
    """
    picked = ""
    for code, level in ((kabupaten, 2), (kecamatan, 3), (desa, 4)):
        code = (code or "").strip()
        if not code:
            continue
        if not is_region_code(code) or level_of(code) != level or not scope.covers(code):
            return picked or None
        if picked and not is_within(code, picked):
            break
        picked = code
    return picked


@dataclass(frozen=True)
class PickerLevel:
    """One <select> of the picker."""

    level: int
    field: str
    options: list[tuple[str, str]]
    selected: str
    parent: str = ""  # the code whose children are listed ("" when the scope itself bounds them)


def options_under(scope: Scope, parent: str, level: int) -> list[tuple[str, str]]:
    """(code, name) of regions of `level` inside `parent` (or the whole scope) that the scope covers."""
    qs = Region.objects.filter(level=level).filter(scope.q("code"))
    if parent:
        qs = qs.filter(code__startswith=parent + ".")
    return list(qs.order_by("code").values_list("code", "name")[:MAX_OPTIONS])


def picker_levels(scope: Scope, active: str | None) -> list[PickerLevel]:
    """The selects to show for this scope and active region: regency (only when the scope spans several),
    kecamatan, then desa (whose options come once a kecamatan is chosen)."""
    path = (ancestors_of(active) + [active]) if active else []
    chosen = {level_of(c): c for c in path}
    levels: list[PickerLevel] = []

    regencies = options_under(scope, "", 2)
    several = len(regencies) > 1
    if several:
        regency = chosen.get(2, "")
        levels.append(PickerLevel(2, "kabupaten", regencies, regency))
    else:
        regency = regencies[0][0] if regencies else ""

    kecamatan = options_under(scope, regency, 3) if (regency or not several) else []
    if not kecamatan and not several:
        # A scope of single desa (a village officer): list them straight away.
        desa = options_under(scope, "", 4)
        if desa:
            levels.append(PickerLevel(4, "desa", desa, chosen.get(4, "")))
        return levels
    selected_kec = chosen.get(3, "")
    levels.append(PickerLevel(3, "kecamatan", kecamatan, selected_kec, regency))
    desa = options_under(scope, selected_kec, 4) if selected_kec else []
    levels.append(PickerLevel(4, "desa", desa, chosen.get(4, ""), selected_kec))
    return levels
