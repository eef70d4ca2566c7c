"""What a scope sees of plans, and the read-only queries over a stored plan: its posts and TPS inside the
scope, the figures per kecamatan and the comparison of two plans, region and Polsek names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from praja.base.scope import Scope
from praja.deployment.models import Plan, PlanTPS, Post
from praja.territory.models import Jurisdiction, Region

_CHUNK = 900  # stays under SQLite's bound on query parameters


def visible_plans(scope: Scope) -> QuerySet[Plan]:
    """Plans of a region inside the scope or enclosing part of it (a Polsek sees its regency's plans,
    and in them only its own posts); nationwide plans only for a national scope."""
    qs = Plan.objects.select_related("region", "pattern", "created_by")
    if scope.national:
        return qs
    return qs.filter(region__isnull=False).filter(scope.q_reaching("region__code"))


def visible_posts(plan: Plan, scope: Scope) -> QuerySet[Post]:
    qs = Post.objects.filter(plan=plan)
    if scope.national:
        return qs
    return qs.filter(scope.q("kecamatan_code") | scope.q("area_code"))


def visible_plan_tps(plan: Plan, scope: Scope) -> QuerySet[PlanTPS]:
    qs = PlanTPS.objects.filter(plan=plan)
    return qs if scope.national else qs.filter(scope.q("code"))


def covers_whole_plan(plan: Plan, scope: Scope) -> bool:
    return scope.national or (bool(plan.region_id) and scope.covers(plan.region_id or ""))


# --- comparison ---------------------------------------------------------------------------------------------


@dataclass
class CompareRow:
    kecamatan: str
    name: str
    a: dict[str, float]
    b: dict[str, float]

    def diff(self, key: str) -> float:
        return self.b.get(key, 0) - self.a.get(key, 0)


def per_kecamatan(plan: Plan, scope: Scope) -> dict[str, dict[str, float]]:
    """Officers, TNI, posts, TPS, km and uncovered TPS of a plan per kecamatan (inside the scope)."""
    out: dict[str, dict[str, float]] = {}
    posts = visible_posts(plan, scope).values("kecamatan_code").annotate(
        officers=Sum("police"), soldiers=Sum("tni"), linmas=Sum("linmas"), km=Sum("km"), tps=Sum("tps_count"),
    )
    for r in posts:
        out[r["kecamatan_code"]] = {"officers": r["officers"] or 0, "soldiers": r["soldiers"] or 0,
                                    "linmas": r["linmas"] or 0, "km": round(r["km"] or 0.0, 2),
                                    "tps": r["tps"] or 0, "posts": 0, "uncovered": 0}
    for kec, n in _count_by(visible_posts(plan, scope), "kecamatan_code").items():
        out.setdefault(kec, {}).update(posts=n)
    uncovered = visible_plan_tps(plan, scope).filter(Q(post__isnull=True) | Q(post__covered=False))
    for kec, n in _count_by(uncovered, "kecamatan_code").items():
        out.setdefault(kec, {}).update(uncovered=n)
    return out


def _count_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    from django.db.models import Count

    return {r[field]: r["n"] for r in qs.order_by().values(field).annotate(n=Count("pk"))}


def region_names(codes: Iterable[str]) -> dict[str, str]:
    codes = sorted(set(codes))
    out: dict[str, str] = {}
    for i in range(0, len(codes), _CHUNK):
        out.update(Region.objects.filter(code__in=codes[i : i + _CHUNK]).values_list("code", "name"))
    return out


def compare(a: Plan, b: Plan, scope: Scope) -> list[CompareRow]:
    pa, pb = per_kecamatan(a, scope), per_kecamatan(b, scope)
    names = region_names(set(pa) | set(pb))
    return [CompareRow(k, names.get(k, k), pa.get(k, {}), pb.get(k, {})) for k in sorted(set(pa) | set(pb))]


# --- who guards a kecamatan: the Polsek (for the sheet per Polsek) ------------------------------------------


def polsek_names(kecamatan_codes: Iterable[str]) -> dict[str, str]:
    """{kecamatan: "Polsek X"} from the jurisdictions; "Kecamatan X" where no Polsek is recorded."""
    codes = sorted(set(kecamatan_codes))
    out: dict[str, str] = {}
    for j in Jurisdiction.objects.filter(kind="polsek", kecamatan__code__in=codes).prefetch_related("kecamatan"):
        for k in j.kecamatan.all():
            if k.code in codes:
                out.setdefault(k.code, j.name)
    names = region_names(codes)
    for code in codes:
        out.setdefault(code, f"Kecamatan {names.get(code, code)}")
    return out
