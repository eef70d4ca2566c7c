"""Properties of every plan: it respects pattern, distance, area and pools; its bound is a bound; it is
optimal where it says so (against brute force on small inputs); the greedy baseline is never better."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praja.deployment.solver import CLASSES, PRESETS, TPS, Pool, Settings, check, greedy, solve
from praja.deployment.solver_geometry import KM_PER_DEG, sphere_centre
from praja.deployment.solver_patterns import PostType, combine

LAT0, LNG0 = -7.9, 112.5
DESAS = ("35.07.01.2001", "35.07.01.2002", "35.07.02.2001")


def _latlng(dx: float, dy: float) -> tuple[float, float]:
    return LAT0 + dy / KM_PER_DEG, LNG0 + dx / (KM_PER_DEG * math.cos(math.radians(LAT0)))


@st.composite
def instances(draw: Any, max_tps: int = 25, spread_km: float = 4.0) -> tuple[list[TPS], Any, Settings, list[Pool]]:
    n = draw(st.integers(1, max_tps))
    out: list[TPS] = []
    for i in range(n):
        desa = draw(st.sampled_from(DESAS))
        dx = draw(st.floats(0, spread_km, allow_nan=False))
        dy = draw(st.floats(0, spread_km, allow_nan=False))
        cls = draw(st.sampled_from(CLASSES))
        out.append(TPS(f"{desa}/{i:03d}", desa, desa[:8], cls, 250, *_latlng(dx, dy)))
    pattern = PRESETS[draw(st.sampled_from(sorted(PRESETS)))]
    s = Settings(
        walking_km=draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])),
        area=draw(st.sampled_from(["desa", "kecamatan"])),
        reserve_share=draw(st.sampled_from([0.0, 0.14, 0.3])),
    )
    pools: list[Pool] = []
    for j in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["polri", "polri", "tni"]))
        kec = draw(st.sampled_from([frozenset(), frozenset({"35.07.01"}), frozenset({"35.07.02"})]))
        bko = draw(st.booleans())
        pools.append(Pool(
            f"pool{j}", kind, *_latlng(draw(st.floats(-5, 9)), draw(st.floats(-5, 9))),
            draw(st.integers(0, 30)), kec, 1.5 if bko else 0.0, bko,
        ))
    return out, pattern, s, pools


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_respects_pattern_distance_area_and_pools(case: tuple[list[TPS], Any, Settings, list[Pool]]) -> None:
    tps, pattern, s, pools = case
    plan = solve(tps, pattern, s, pools)
    assert check(plan, tps, pattern, s, pools) == []
    assert plan.officers_lower_bound <= plan.officers
    assert plan.bounds["capacity"] <= plan.officers_lower_bound
    assert sorted(c for p in plan.posts for c in p.tps) == sorted(t.code for t in tps)
    assert sum(plan.uncovered_by_class.values()) == sum(sh.tps for sh in plan.shortfall.values())
    g = greedy(tps, pattern, s, pools)
    assert check(g, tps, pattern, s, pools) == []
    assert g.officers >= plan.officers


def _partitions(items: list[int]) -> Iterator[list[list[int]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]
        yield [[first], *part]


def _brute_force(tps: list[TPS], pattern: Any, s: Settings) -> int:
    """Fewest police over every partition of the TPS into feasible posts. A block is feasible when the centre of
    its smallest spherical cap is within walking distance of every member by haversine: check()'s measure, the
    one a plan is judged by. (A projected enclosing circle can read 1 km + 1e-10 where the sphere says 0.9999999999
    km: two TPS exactly 2 km apart on a 1 km walk, which the solver rightly serves from their midpoint.)"""
    kinds = {c: PostType.of(pattern.of(c)) for c in CLASSES}
    areas: dict[str, list[TPS]] = {}
    for t in sorted(tps, key=lambda t: t.code):
        areas.setdefault(t.desa_code if s.area == "desa" else t.kecamatan_code, []).append(t)
    total = 0
    for members in areas.values():
        reach: dict[tuple[int, ...], bool] = {}

        def within(block: list[int], members: list[TPS] = members, reach: dict[tuple[int, ...], bool] = reach) -> bool:
            key = tuple(block)
            if key not in reach:
                km = sphere_centre([members[i].lat for i in block], [members[i].lng for i in block])[2]
                reach[key] = km <= s.walking_km
            return reach[key]

        best = math.inf
        for part in _partitions(list(range(len(members)))):
            cost = 0
            for block in part:
                ptype = combine([kinds[members[i].cls] for i in block])
                if len(block) > ptype.cap or not within(block):
                    cost = math.inf  # type: ignore[assignment]
                    break
                cost += ptype.police
            best = min(best, cost)
        total += int(best)
    return total


def test_two_tps_exactly_two_walking_distances_apart_share_the_post_between_them() -> None:
    """The case hypothesis found: four TPS at one point, a fifth exactly 2 km east, a 1 km walk. The midpoint is
    0.9999999999 km from both by haversine, so one post there serves the pair: 2 posts, and proved optimal."""
    d = DESAS[0]
    points = [(LAT0, 112.5181587434972)] + [(LAT0, LNG0)] * 4
    tps = [TPS(f"{d}/{i:03d}", d, d[:8], "aman", 250, lat, lng) for i, (lat, lng) in enumerate(points)]
    pattern, s = PRESETS["manggarai_2024"], Settings(walking_km=1.0, area="desa", reserve_share=0.0)
    plan = solve(tps, pattern, s, [])
    assert check(plan, tps, pattern, s, []) == []
    assert len(plan.posts) == 2
    assert plan.officers == plan.officers_lower_bound == _brute_force(tps, pattern, s)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_tps=7, spread_km=3.5))
def test_the_bound_is_below_the_true_optimum_and_proved_plans_are_optimal(
    case: tuple[list[TPS], Any, Settings, list[Pool]],
) -> None:
    tps, pattern, s, _ = case
    if max(sum(1 for t in tps if t.desa_code == d) for d in DESAS) > 7:
        return
    plan = solve(tps, pattern, s, [])
    best = _brute_force(tps, pattern, s)
    assert plan.officers_lower_bound <= best <= plan.officers
    if plan.stats.get("components proved optimal") == plan.stats.get("components"):
        assert plan.officers == best
