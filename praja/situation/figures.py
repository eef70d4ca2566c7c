"""Figures for the home page: counts of regions, TPS and voters inside a scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from praja.base.scope import Scope
from praja.territory.models import TPS, Region

_GENERATED = Q(voters_generated=True) | Q(location_generated=True)


@dataclass(frozen=True)
class Figures:
    kecamatan: int
    desa: int
    tps: int
    voters: int
    tps_generated: int
    tps_without_location: int


@dataclass(frozen=True)
class Row:
    """One line of a per-kecamatan or per-desa table."""

    code: str
    name: str
    desa: int
    tps: int
    voters: int
    tps_generated: int


def figures(scope: Scope) -> Figures:
    regions = dict(
        Region.objects.filter(level__in=(3, 4)).filter(scope.q("code"))
        .values("level").annotate(n=Count("code")).values_list("level", "n")
    )
    agg = TPS.objects.filter(scope.q("code")).aggregate(
        n=Count("code"),
        voters=Sum("voters"),
        generated=Count("code", filter=_GENERATED),
        unlocated=Count("code", filter=Q(lat__isnull=True) | Q(lng__isnull=True)),
    )
    return Figures(
        kecamatan=regions.get(3, 0),
        desa=regions.get(4, 0),
        tps=agg["n"] or 0,
        voters=agg["voters"] or 0,
        tps_generated=agg["generated"] or 0,
        tps_without_location=agg["unlocated"] or 0,
    )


def _tps_by(scope: Scope, key: str) -> dict[str, dict[str, int]]:
    rows = (
        TPS.objects.filter(scope.q("code")).order_by().values(key)
        .annotate(n=Count("code"), voters=Sum("voters"), generated=Count("code", filter=_GENERATED))
    )
    return {r[key]: r for r in rows}


def kecamatan_rows(scope: Scope) -> list[Row]:
    """Each kecamatan in scope with its desa, TPS and voters."""
    kecs = list(Region.objects.filter(level=3).filter(scope.q("code")).order_by("code").values_list("code", "name"))
    desa = dict(
        Region.objects.filter(level=4).filter(scope.q("code")).order_by()
        .values("parent_id").annotate(n=Count("code")).values_list("parent_id", "n")
    )
    tps = _tps_by(scope, "desa__parent_id")
    out = []
    for code, name in kecs:
        t = tps.get(code, {})
        out.append(Row(code, name, desa.get(code, 0), t.get("n", 0), t.get("voters") or 0, t.get("generated", 0)))
    return out


def desa_rows(scope: Scope) -> list[Row]:
    """Each desa in scope with its TPS and voters (for a kecamatan's own staff)."""
    desas = list(Region.objects.filter(level=4).filter(scope.q("code")).order_by("code").values_list("code", "name"))
    tps = _tps_by(scope, "desa_id")
    out = []
    for code, name in desas:
        t = tps.get(code, {})
        out.append(Row(code, name, 1, t.get("n", 0), t.get("voters") or 0, t.get("generated", 0)))
    return out
