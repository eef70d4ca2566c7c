"""The baseline a careful spreadsheet planner would produce (no Django), to compare the solver with.

Within each area, TPS in code order fill the current post until the next one would break its cap
(the strictest of its classes) or the post's TPS would no longer fit in one walking disk (the post
sits at the centre of its TPS, as a planner would move it); then a new post opens. (A post pinned
to its first TPS would need about twice the officers: too easy a baseline.) Each post, in order,
takes the nearest pool with people left (own pools before BKO), keeping the same reserve share.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from praja.deployment.solver_geometry import Projection, enclosing_circle, haversine_km
from praja.deployment.solver_model import CLASSES, TPS, Pattern, Plan, Pool, Settings
from praja.deployment.solver_patterns import DEFAULT_PATTERN, PostType, combine
from praja.deployment.solver_plan import RawPost, area_of, capacity_bound, post_location_ok, staff, summarise
from praja.deployment.solver_pools import Assigned, Need


def _nearest_left(needs: Sequence[Need], pools: Sequence[Pool], settings: Settings) -> Assigned:
    left = [settings.deployable(p) for p in pools]
    out: list[int | None] = [None] * len(needs)
    km = [0.0] * len(needs)
    for j, nd in enumerate(needs):
        if nd.demand <= 0:
            continue
        best: tuple[bool, float, int] | None = None
        for i, p in enumerate(pools):
            if left[i] >= nd.demand and p.serves(nd.kecamatan_code):
                cand = (p.bko, haversine_km(p.lat, p.lng, nd.lat, nd.lng), i)
                if best is None or cand < best:
                    best = cand
        if best is not None:
            left[best[2]] -= nd.demand
            out[j] = best[2]
            km[j] = best[1]
    return Assigned(out, km, "greedy")


def greedy(
    tps: Sequence[TPS],
    pattern: Pattern = DEFAULT_PATTERN,
    settings: Settings | None = None,
    pools: Sequence[Pool] = (),
) -> Plan:
    t0 = time.perf_counter()
    settings = settings or Settings()
    kinds = {c: PostType.of(pattern.of(c)) for c in CLASSES}
    by_area: dict[str, list[TPS]] = {}
    for t in sorted(tps, key=lambda t: t.code):
        by_area.setdefault(area_of(t, settings), []).append(t)
    raw: list[RawPost] = []
    for code in sorted(by_area):
        members = by_area[code]
        proj = Projection.around([t.lat for t in members], [t.lng for t in members])
        radius = settings.walking_km * (1 - proj.margin([t.lat for t in members]))
        xy = [(float(a), float(b)) for a, b in proj.xy([t.lat for t in members], [t.lng for t in members]).tolist()]
        runs: list[list[int]] = [[]]
        for i in range(len(members)):
            current = runs[-1]
            if current:
                cap = combine([kinds[members[j].cls] for j in (*current, i)]).cap
                r = enclosing_circle([xy[j] for j in (*current, i)])[2]
                if len(current) + 1 > cap or r > radius:
                    runs.append([])
            runs[-1].append(i)
        for run in runs:
            group = tuple(members[j] for j in run)
            ptype = combine([kinds[t.cls] for t in group])
            cx, cy, _ = enclosing_circle([xy[j] for j in run])
            lat, lng = proj.latlng(cx, cy)
            lat, lng = round(lat, 6), round(lng, 6)
            if not post_location_ok(lat, lng, group, settings.walking_km):  # never: the margin covers it
                raw += [RawPost(code, t.kecamatan_code, (t,), kinds[t.cls], t.lat, t.lng) for t in group]
                continue
            raw.append(RawPost(code, group[0].kecamatan_code, group, ptype, lat, lng))
    simple = capacity_bound(tps, kinds, settings)
    return summarise(
        staff(raw, pools, settings, _nearest_left),
        tps,
        pools,
        settings,
        simple,
        "capacity (per area)",
        {"capacity": simple},
        {},
        time.perf_counter() - t0,
        pattern.name,
    )
