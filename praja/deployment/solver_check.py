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
from praja.deployment.solver_model import CLASSES, TPS, Pattern, Plan, Pool, Settings
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
        members = []
        for code in post.tps:
            t = by_code.get(code)
            if t is None:
                out.append(f"{where}: unknown TPS {code}")
                continue
            if code in seen:
                out.append(f"{where}: TPS {code} is also in post {seen[code]}")
            seen[code] = post.id
            members.append(t)
        if not members:
            continue
        need = combine([kinds[t.cls] for t in members])
        if len(post.tps) > need.cap:
            out.append(f"{where}: {len(post.tps)} TPS, more than the cap {need.cap} of its strictest class")
        if post.police < need.police:
            out.append(f"{where}: {post.police} police, the pattern needs {need.police}")
        if post.tni < need.tni:
            out.append(f"{where}: {post.tni} TNI, the pattern needs {need.tni}")
        if post.linmas < need.linmas:
            out.append(f"{where}: {post.linmas} Linmas, the pattern needs {need.linmas}")
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
    for code in sorted(set(by_code) - set(seen)):
        out.append(f"TPS {code}: in no post")
    for unit, used in sorted(load.items()):
        pool = units.get(unit)
        if pool is not None and used > settings.deployable(pool):
            out.append(f"pool {unit}: {used} people sent, it can deploy {settings.deployable(pool)} "
                       f"({pool.available} less the reserve share)")
    # the plan's own totals
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
