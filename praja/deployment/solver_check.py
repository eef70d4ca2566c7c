"""Re-checking a plan, made by the solver or edited by hand, against its input (no Django).

`check()` returns one line per violation, [] for a valid plan: coverage (every TPS in exactly one
post), cap, staffing (police, TNI, Linmas at least the pattern's), walking distance, area, pools
(known, of the right kind, serving the post's kecamatan, within what they can deploy) and the plan's
own totals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from praja.deployment.solver_geometry import haversine_km
from praja.deployment.solver_model import CLASSES, TPS, Pattern, Plan, Pool, Post, Settings
from praja.deployment.solver_patterns import PostType, combine

DIST_TOL_KM = 1e-6
KM_TOL = 1e-3


def check(plan: Plan, tps: Sequence[TPS], pattern: Pattern, settings: Settings, pools: Sequence[Pool]) -> list[str]:
    out: list[str] = []
    by_code = {t.code: t for t in tps}
    kinds = {c: PostType.of(pattern.of(c)) for c in CLASSES}
    units = {p.unit: p for p in pools}
    seen: dict[str, str] = {}
    ids: set[str] = set()
    load: dict[str, int] = {}
    for post in plan.posts:
        where = f"post {post.id}"
        if post.id in ids:
            out.append(f"{where}: id used twice")
        ids.add(post.id)
        if not post.tps:
            out.append(f"{where}: has no TPS")
            continue
        members = _members(post, by_code, seen, out)
        if members:
            out += _post_problems(post, members, kinds, settings)
            out += _pool_problems(post, units, load)
    for code in sorted(set(by_code) - set(seen)):
        out.append(f"TPS {code}: in no post")
    for unit, used in sorted(load.items()):
        pool = units.get(unit)
        if pool is not None and used > settings.deployable(pool):
            out.append(f"pool {unit}: {used} people sent, it can deploy {settings.deployable(pool)} "
                       f"({pool.available} less the reserve share)")
    return out + _total_problems(plan, by_code)


def _members(post: Post, by_code: dict[str, TPS], seen: dict[str, str], out: list[str]) -> list[TPS]:
    """The post's TPS; unknown ones and ones already in another post are reported."""
    members = []
    for code in post.tps:
        t = by_code.get(code)
        if t is None:
            out.append(f"post {post.id}: unknown TPS {code}")
            continue
        if code in seen:
            out.append(f"post {post.id}: TPS {code} is also in post {seen[code]}")
        seen[code] = post.id
        members.append(t)
    return members


def _post_problems(post: Post, members: list[TPS], kinds: dict[str, PostType], settings: Settings) -> list[str]:
    """Cap, staffing, walking distance, area and kecamatan of one post."""
    where = f"post {post.id}"
    out: list[str] = []
    need = combine([kinds[t.cls] for t in members])
    if len(post.tps) > need.cap:
        out.append(f"{where}: {len(post.tps)} TPS, more than the cap {need.cap} of its strictest class")
    for have, needed, what in ((post.police, need.police, "police"), (post.tni, need.tni, "TNI"),
                               (post.linmas, need.linmas, "Linmas")):
        if have < needed:
            out.append(f"{where}: {have} {what}, the pattern needs {needed}")
    for t in members:
        d = haversine_km(post.lat, post.lng, t.lat, t.lng)
        if d > settings.walking_km + DIST_TOL_KM:
            out.append(f"{where}: TPS {t.code} is {d:.3f} km away, beyond {settings.walking_km} km")
    areas = {t.desa_code if settings.area == "desa" else t.kecamatan_code for t in members}
    if len(areas) > 1:
        out.append(f"{where}: crosses {settings.area} {', '.join(sorted(areas))}")
    kecs = {t.kecamatan_code for t in members}
    if kecs != {post.kecamatan_code}:
        out.append(f"{where}: kecamatan {post.kecamatan_code} but its TPS are in {', '.join(sorted(kecs))}")
    return out


def _pool_problems(post: Post, units: dict[str, Pool], load: dict[str, int]) -> list[str]:
    """The post's police and TNI pools: known, of the right kind, serving its kecamatan, km right; `load`
    adds up what each pool sends."""
    where = f"post {post.id}"
    out: list[str] = []
    for unit, kind, people, km in ((post.pool, "polri", post.police, post.km),
                                   (post.tni_pool, "tni", post.tni, post.tni_km)):
        if unit is None:
            if km:
                out.append(f"{where}: {km} km travelled from no {kind} pool")
            continue
        pool = units.get(unit)
        if pool is None:
            out.append(f"{where}: unknown pool {unit}")
            continue
        if pool.kind != kind:
            out.append(f"{where}: {kind} people from {unit}, a {pool.kind} pool")
        if not pool.serves(post.kecamatan_code):
            out.append(f"{where}: pool {unit} does not serve kecamatan {post.kecamatan_code}")
        real = haversine_km(pool.lat, pool.lng, post.lat, post.lng)
        if abs(real - km) > KM_TOL:
            out.append(f"{where}: {km} km from {unit}, really {real:.3f}")
        load[unit] = load.get(unit, 0) + people
    return out


def _total_problems(plan: Plan, by_code: dict[str, TPS]) -> list[str]:
    """The plan's own totals against its posts, and its officers against its bound."""
    out: list[str] = []
    totals = {
        "officers": (plan.officers, sum(p.police for p in plan.posts)),
        "soldiers": (plan.soldiers, sum(p.tni for p in plan.posts)),
        "linmas": (plan.linmas, sum(p.linmas for p in plan.posts)),
        "tps": (plan.tps, len(by_code)),
    }
    for name, (said, real_n) in totals.items():
        if said != real_n:
            out.append(f"plan: {name} says {said}, the posts add up to {real_n}")
    uncovered = dict.fromkeys(CLASSES, 0)
    for p in plan.posts:
        if not p.covered:
            for code in p.tps:
                if code in by_code:
                    uncovered[by_code[code].cls] += 1
    if {k: plan.uncovered_by_class.get(k, 0) for k in CLASSES} != uncovered:
        out.append(f"plan: uncovered_by_class says {plan.uncovered_by_class}, the posts give {uncovered}")
    legs = [p.km for p in plan.posts if p.pool] + [p.tni_km for p in plan.posts if p.tni_pool]
    if not math.isclose(plan.km_total, sum(legs), rel_tol=1e-6, abs_tol=0.01):
        out.append(f"plan: km_total says {plan.km_total}, the posts add up to {sum(legs):.3f}")
    if plan.officers < plan.officers_lower_bound:
        out.append(f"plan: {plan.officers} officers, below the proven lower bound {plan.officers_lower_bound}")
    return out
