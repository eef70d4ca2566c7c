"""The deployment solver: which posts guard which TPS, with whom, from which pool (no Django).

    plan = solve(tps, pattern=preset("polres_malang_2024"), settings=Settings(), pools=pools)
    problems = check(plan, tps, pattern, settings, pools)   # [] for a valid plan, also after hand edits

Goal, in order: every TPS covered by its pattern; then the fewest officers (police; then TNI, then
Linmas, then posts); then the least travel from pool to post. When people are short, sangat rawan and
khusus TPS are covered first, then rawan, then the rest; the plan states the shortfall per kecamatan
and how many people more (BKO) would close it.

How (the structure a generic MILP does not see):
- posts never cross an area (a desa by default), and TPS more than twice the walking distance apart
  never share a post, so the input falls apart into small independent components
  (solver_geometry.components), typically a few TPS each;
- a component that one walking disk holds is solved exactly by a DP over the counts of TPS per
  kind of pattern; the others by a greedy over the component's maximal reachable groups, proved
  optimal by a lower bound (capacity, a distance-aware dual, the covering LP) or, where a gap is left,
  finished by a small exact MILP (solver_cover);
- posts go to pools as a transportation problem, in priority order (solver_pools).

Every plan carries `officers_lower_bound`: the sum over components of the best bound found (or of
the proved optimum), valid for any plan of the same input, and `bounds` with the simple capacity bound
of the issue for comparison.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

from praja.deployment.solver_check import check
from praja.deployment.solver_cover import cover_area
from praja.deployment.solver_geometry import Stereographic, enclosing_circle, sphere_centre
from praja.deployment.solver_greedy import greedy
from praja.deployment.solver_model import (
    AREAS,
    CLASSES,
    PRIORITY,
    TIERS,
    TPS,
    ClassPattern,
    Pattern,
    Plan,
    Pool,
    Post,
    Settings,
    Shortfall,
)
from praja.deployment.solver_patterns import DEFAULT_PATTERN, PRESETS, PostType, preset
from praja.deployment.solver_plan import (
    RawPost,
    area_of,
    capacity_bound,
    post_location_ok,
    staff,
    summarise,
)

__all__ = [
    "AREAS",
    "CLASSES",
    "DEFAULT_PATTERN",
    "PRESETS",
    "PRIORITY",
    "TIERS",
    "TPS",
    "BOUND_NAME",
    "ClassPattern",
    "Pattern",
    "Plan",
    "Pool",
    "Post",
    "Settings",
    "Shortfall",
    "check",
    "greedy",
    "preset",
    "solve",
    "validate",
]

BOUND_NAME = (
    "distance-aware: sum over 2x-walking-distance components of max(capacity, covering-LP dual, "
    "proved optimum of the one-disk DP / MILP)"
)


def validate(tps: Sequence[TPS]) -> None:
    """Raise ValueError naming the first problems of an input the solver cannot plan."""
    problems: list[str] = []
    seen: set[str] = set()
    for t in tps:
        if t.code in seen:
            problems.append(f"TPS {t.code}: listed twice")
        seen.add(t.code)
        if t.cls not in CLASSES:
            problems.append(f"TPS {t.code}: unknown class {t.cls!r}")
        if not (-90 <= t.lat <= 90 and -180 <= t.lng <= 180) or t.lat != t.lat or t.lng != t.lng:
            problems.append(f"TPS {t.code}: coordinates out of range")
        if len(problems) >= 10:
            break
    if problems:
        raise ValueError("; ".join(problems))


def _posts_of_area(
    members: list[TPS],
    kinds: dict[str, PostType],
    settings: Settings,
    area_code: str,
    stats: Counter[str],
) -> tuple[list[RawPost], int]:
    lats = [t.lat for t in members]
    lngs = [t.lng for t in members]
    # Stereographic: a planar disk of the walking distance holds only TPS within it on the sphere, so
    # posts are planned with the walking distance itself (less a hair for floating point); the bounds
    # use it grown by the projection's largest scale (a few 1e-7 for a desa), so they hold on the sphere.
    proj = Stereographic.around(lats, lngs)
    radius = settings.walking_km * (1 - 1e-9)
    bound_radius = settings.walking_km * (1 + proj.margin(lats, lngs, 2 * settings.walking_km))
    xy = proj.xy(lats, lngs)

    def fits(idx: list[int]) -> bool:
        """The exact test: these TPS within walking distance (haversine) of one point."""
        _la, _ln, far = sphere_centre([lats[i] for i in idx], [lngs[i] for i in idx])
        return far <= settings.walking_km

    out: list[RawPost] = []
    lb = 0
    comps = cover_area(
        xy,
        [kinds[t.cls] for t in members],
        radius,
        settings.exact_max_tps,
        settings.milp_node_limit,
        bound_radius,
        fits,
    )
    for comp in comps:
        lb += comp.police_lb
        stats["components"] += 1
        stats[f"method: {comp.method}"] += 1
        split = False
        for idx, ptype in comp.posts:
            group = tuple(members[i] for i in idx)
            cx, cy, _ = enclosing_circle([(float(xy[i, 0]), float(xy[i, 1])) for i in idx])
            # Kept at full float precision: no rounding that could carry a post past the walking distance
            # (6 decimals are 5 cm, the margin can be 1.5 cm). Where the projected centre is not within
            # the walking distance by haversine (a set planned through the exact test), the centre of the
            # smallest cap on the sphere is.
            lat, lng = proj.latlng(cx, cy)
            if not post_location_ok(lat, lng, group, settings.walking_km):
                lat, lng, _far = sphere_centre([t.lat for t in group], [t.lng for t in group], (lat, lng))
            if not post_location_ok(lat, lng, group, settings.walking_km):
                # Not expected (every planned set passed the planar test with a margin, or the exact
                # one); if it happens the post is split, never written invalid, and the component no
                # longer counts as proved optimal.
                stats["posts split (projection)"] += 1
                split = True
                for t in group:
                    out.append(RawPost(area_code, t.kecamatan_code, (t,), kinds[t.cls], t.lat, t.lng))
                continue
            out.append(RawPost(area_code, group[0].kecamatan_code, group, ptype, lat, lng))
        stats["components proved optimal"] += int(comp.exact and not split)
    return out, lb


def solve(
    tps: Sequence[TPS],
    pattern: Pattern = DEFAULT_PATTERN,
    settings: Settings | None = None,
    pools: Sequence[Pool] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> Plan:
    """The plan for these TPS. Deterministic: the same input gives the same plan.

    `progress(area_code, done, total)`, when given, is called after each area (desa or kecamatan) is
    covered, areas in code order; it only reports and never changes the plan.
    """
    t0 = time.perf_counter()
    settings = settings or Settings()
    validate(tps)
    kinds = {c: PostType.of(pattern.of(c)) for c in CLASSES}
    by_area: dict[str, list[TPS]] = {}
    for t in sorted(tps, key=lambda t: t.code):
        by_area.setdefault(area_of(t, settings), []).append(t)
    stats: Counter[str] = Counter()
    raw: list[RawPost] = []
    lower = 0
    areas = sorted(by_area)
    for done, code in enumerate(areas, start=1):
        posts, lb = _posts_of_area(by_area[code], kinds, settings, code, stats)
        raw += posts
        lower += lb
        if progress is not None:
            progress(code, done, len(areas))
    staffed = staff(raw, pools, settings)
    simple = capacity_bound(tps, kinds, settings)
    plan = summarise(
        staffed,
        tps,
        pools,
        settings,
        max(lower, simple),
        BOUND_NAME,
        {"capacity": simple, "distance_aware": lower},
        dict(sorted(stats.items())),
        time.perf_counter() - t0,
        pattern.name,
    )
    return plan
