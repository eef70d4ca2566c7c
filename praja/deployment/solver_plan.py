"""From posts (sets of TPS with a location) to a staffed, totalled Plan (no Django).

Shared by the solver and the greedy baseline, so both plans are counted the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from praja.deployment.solver_geometry import haversine_km
from praja.deployment.solver_model import CLASSES, PRIORITY, TPS, Plan, Pool, Post, Settings, Shortfall
from praja.deployment.solver_patterns import PostType
from praja.deployment.solver_pools import Assigned, Need, assign

# strictest first: the class a post is filed under
STRICTNESS: tuple[str, ...] = ("khusus", "sangat_rawan", "rawan", "kurang_rawan", "aman")


@dataclass(frozen=True, slots=True)
class RawPost:
    area_code: str
    kecamatan_code: str
    members: tuple[TPS, ...]
    ptype: PostType
    lat: float
    lng: float


def post_class(members: Sequence[TPS]) -> str:
    present = {t.cls for t in members}
    return next(c for c in STRICTNESS if c in present)


def area_of(t: TPS, settings: Settings) -> str:
    return t.desa_code if settings.area == "desa" else t.kecamatan_code


def round_up(x: float, g: int) -> int:
    return g * math.ceil(x / g - 1e-7)


def capacity_bound(tps: Sequence[TPS], kinds: dict[str, PostType], settings: Settings) -> int:
    """The issue's simple bound: per area, police >= sum over its TPS of police/cap of their class,
    since a post's police >= the largest police of its classes and its size <= the smallest cap.
    Rounded up per area to the gcd of the police numbers (a total is a sum of them)."""
    by_area: dict[str, list[TPS]] = {}
    for t in tps:
        by_area.setdefault(area_of(t, settings), []).append(t)
    total = 0
    for members in by_area.values():
        g = math.gcd(*(kinds[t.cls].police for t in members))
        total += round_up(sum(kinds[t.cls].police / kinds[t.cls].cap for t in members), g)
    return total


Assigner = Callable[[Sequence[Need], Sequence[Pool], Settings], Assigned]


def staff(raw: Sequence[RawPost], pools: Sequence[Pool], settings: Settings, assigner: Assigner = assign) -> list[Post]:
    """Number the posts per area and give each its police pool and its TNI pool."""
    order = sorted(raw, key=lambda r: (r.area_code, r.members[0].code))
    seq: dict[str, int] = {}
    ids: list[str] = []
    for r in order:
        seq[r.area_code] = seq.get(r.area_code, 0) + 1
        ids.append(f"{r.area_code}/P{seq[r.area_code]:02d}")
    tiers = [PRIORITY[post_class(r.members)] for r in order]
    result: dict[str, Assigned] = {}
    for kind in ("polri", "tni"):
        kp = [p for p in pools if p.kind == kind]
        needs = [
            Need(r.lat, r.lng, r.kecamatan_code, r.ptype.police if kind == "polri" else r.ptype.tni, t, len(r.members))
            for r, t in zip(order, tiers, strict=True)
        ]
        result[kind] = assigner(needs, kp, settings)
    police_pools = [p for p in pools if p.kind == "polri"]
    tni_pools = [p for p in pools if p.kind == "tni"]
    out: list[Post] = []
    for i, r in enumerate(order):
        pi = result["polri"].pool[i]
        ti = result["tni"].pool[i]
        out.append(
            Post(
                id=ids[i],
                lat=r.lat,
                lng=r.lng,
                tps=tuple(t.code for t in r.members),
                cls=post_class(r.members),
                police=r.ptype.police,
                tni=r.ptype.tni,
                linmas=r.ptype.linmas,
                area_code=r.area_code,
                kecamatan_code=r.kecamatan_code,
                pool=police_pools[pi].unit if pi is not None else None,
                km=round(result["polri"].km[i], 4) if pi is not None else 0.0,
                tni_pool=tni_pools[ti].unit if ti is not None and r.ptype.tni else None,
                tni_km=round(result["tni"].km[i], 4) if ti is not None and r.ptype.tni else 0.0,
            )
        )
    return out


def summarise(
    posts: list[Post],
    tps: Sequence[TPS],
    pools: Sequence[Pool],
    settings: Settings,
    lower_bound: int,
    bound_name: str,
    bounds: dict[str, int],
    stats: dict[str, int],
    seconds: float,
    pattern: str,
) -> Plan:
    cls_of = {t.code: t.cls for t in tps}
    by_unit = {p.unit: p for p in pools}
    uncovered = dict.fromkeys(CLASSES, 0)
    short: dict[str, dict[str, int]] = {}
    short_cls: dict[str, dict[str, int]] = {}
    used: dict[str, int] = {}
    legs: list[float] = []
    bko_used = 0
    bko_cost = 0.0
    for p in posts:
        if p.pool is not None:
            used[p.pool] = used.get(p.pool, 0) + p.police
            legs.append(p.km)
            if by_unit[p.pool].bko:
                bko_used += p.police
                bko_cost += p.police * by_unit[p.pool].cost_per_person
        if p.tni_pool is not None:
            used[p.tni_pool] = used.get(p.tni_pool, 0) + p.tni
            legs.append(p.tni_km)
            if by_unit[p.tni_pool].bko:
                bko_used += p.tni
                bko_cost += p.tni * by_unit[p.tni_pool].cost_per_person
        if not p.covered:
            s = short.setdefault(p.kecamatan_code, {"police": 0, "tni": 0, "posts": 0, "tps": 0})
            s["police"] += p.police if p.pool is None else 0
            s["tni"] += p.tni if (p.tni and p.tni_pool is None) else 0
            s["posts"] += 1
            s["tps"] += len(p.tps)
            sc = short_cls.setdefault(p.kecamatan_code, {})
            for code in p.tps:
                uncovered[cls_of[code]] += 1
                sc[cls_of[code]] = sc.get(cls_of[code], 0) + 1
    shortfall = {
        k: Shortfall(v["police"], v["tni"], v["posts"], v["tps"], dict(sorted(short_cls[k].items())))
        for k, v in sorted(short.items())
    }
    own = [p for p in pools if not p.bko]
    return Plan(
        posts=posts,
        tps=len(tps),
        officers=sum(p.police for p in posts),
        officers_lower_bound=lower_bound,
        bound_name=bound_name,
        soldiers=sum(p.tni for p in posts),
        linmas=sum(p.linmas for p in posts),
        km_total=round(sum(legs), 3),
        km_max=round(max(legs, default=0.0), 3),
        uncovered_by_class=uncovered,
        shortfall=shortfall,
        bko_needed=sum(s.police + s.tni for s in shortfall.values()),
        bko_used=bko_used,
        bko_cost=round(bko_cost, 2),
        reserve=sum(p.available for p in own) - sum(used.get(p.unit, 0) for p in own),
        reserve_required=sum(settings.reserve_of(p) for p in own),
        seconds=round(seconds, 4),
        pattern=pattern,
        bounds=bounds,
        stats=stats,
    )


def post_location_ok(lat: float, lng: float, members: Sequence[TPS], walking_km: float) -> bool:
    return all(haversine_km(lat, lng, t.lat, t.lng) <= walking_km for t in members)
