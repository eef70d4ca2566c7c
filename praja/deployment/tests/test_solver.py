"""The deployment solver on hand-made cases whose optimum is known."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest

from praja.deployment.solver import (
    DEFAULT_PATTERN,
    TPS,
    ClassPattern,
    Pattern,
    Plan,
    Pool,
    Settings,
    check,
    greedy,
    preset,
    solve,
)
from praja.deployment.solver_geometry import KM_PER_DEG, haversine_km

LAT0, LNG0 = -8.0, 112.6
KEC = "35.07.01"
DESA = "35.07.01.2001"


def at(dx_km: float, dy_km: float) -> tuple[float, float]:
    return (
        round(LAT0 + dy_km / KM_PER_DEG, 7),
        round(LNG0 + dx_km / (KM_PER_DEG * math.cos(math.radians(LAT0))), 7),
    )


def tps(n: int, cls: str = "aman", desa: str = DESA, dx: float = 0.0, dy: float = 0.0, start: int = 1) -> list[TPS]:
    lat, lng = at(dx, dy)
    return [TPS(f"{desa}/{i:03d}", desa, desa[:8], cls, 300, lat, lng) for i in range(start, start + n)]


def polsek(available: int, dx: float = 0.0, dy: float = 0.0, kec: str = KEC, unit: str = "polsek") -> Pool:
    lat, lng = at(dx, dy)
    return Pool(unit, "polri", lat, lng, available, frozenset({kec}))


def plan_ok(t: list[TPS], pattern: Pattern = DEFAULT_PATTERN, settings: Settings | None = None,
            pools: list[Pool] | None = None) -> Plan:
    settings = settings or Settings()
    pools = pools if pools is not None else [polsek(10_000)]
    p = solve(t, pattern, settings, pools)
    assert check(p, t, pattern, settings, pools) == []
    assert p.officers_lower_bound <= p.officers
    return p


def test_ten_aman_tps_in_one_spot_need_one_post_of_two_police() -> None:
    p = plan_ok(tps(10))
    assert len(p.posts) == 1
    assert p.officers == 2 == p.officers_lower_bound
    assert p.posts[0].police == 2 and len(p.posts[0].tps) == 10


def test_eleven_aman_tps_need_two_posts() -> None:
    p = plan_ok(tps(11))
    assert len(p.posts) == 2
    assert p.officers == 4 == p.officers_lower_bound


def test_tps_four_km_apart_get_separate_posts() -> None:
    t = tps(1) + tps(1, dx=4.0, start=2)
    p = plan_ok(t)
    assert len(p.posts) == 2
    assert p.officers == 4 == p.officers_lower_bound
    # the simple capacity bound (2 TPS / cap 10) only sees one post; the distance-aware one sees two
    assert p.bounds["capacity"] == 2


def test_tps_within_walking_distance_of_a_midpoint_share_a_post() -> None:
    # 2.8 km apart: each is 1.4 km from the midpoint
    t = tps(3) + tps(3, dx=2.8, start=4)
    p = plan_ok(t)
    assert len(p.posts) == 1
    post = p.posts[0]
    assert all(haversine_km(post.lat, post.lng, x.lat, x.lng) <= 1.5 for x in t)


def test_a_sangat_rawan_tps_among_aman_lowers_the_cap() -> None:
    # Mabes 2019: aman 2 per 4 TPS, sangat rawan 6 per 2 TPS
    pattern = preset("mabes_2019")
    t = tps(4) + tps(1, cls="sangat_rawan", start=5)
    p = plan_ok(t, pattern)
    # one aman post of 4 (2 police) + the sangat rawan alone (6): 8; mixing SR with one aman (6) + 3 aman (2): 8
    assert p.officers == 8 == p.officers_lower_bound
    for post in p.posts:
        if any(code.endswith("/005") for code in post.tps):
            assert len(post.tps) <= 2
            assert post.police == 6 and post.cls == "sangat_rawan"


def test_it_never_puts_more_tps_in_a_post_than_the_strictest_cap() -> None:
    rnd = random.Random(7)
    classes = ["aman", "kurang_rawan", "rawan", "sangat_rawan", "khusus"]
    t = [
        TPS(f"{DESA}/{i:03d}", DESA, KEC, rnd.choice(classes), 300, *at(rnd.uniform(0, 1), rnd.uniform(0, 1)))
        for i in range(1, 40)
    ]
    for name in ("polres_malang_2024", "mabes_2019", "sleman_2024", "manggarai_2024", "pagar_alam_2024"):
        pattern = preset(name)
        p = plan_ok(t, pattern)
        for post in p.posts:
            classes_in = [x.cls for x in t if x.code in post.tps]
            assert len(post.tps) <= min(pattern.of(c).max_tps for c in classes_in)
            assert post.police == max(pattern.of(c).police for c in classes_in)


def test_a_sangat_rawan_tps_with_aman_neighbours_takes_one_along() -> None:
    # 11 aman + 1 sangat rawan: 10 aman in one post, the 11th with the sangat rawan (cap 2): 4 police
    p = plan_ok(tps(11) + tps(1, cls="sangat_rawan", start=12))
    assert p.officers == 4 == p.officers_lower_bound


def test_posts_never_cross_a_desa_unless_the_area_is_the_kecamatan() -> None:
    other = "35.07.01.2002"
    t = tps(3) + tps(3, desa=other, dx=0.2)
    by_desa = plan_ok(t)
    assert len(by_desa.posts) == 2
    assert all(len({x[:13] for x in post.tps}) == 1 for post in by_desa.posts)
    by_kec = plan_ok(t, settings=Settings(area="kecamatan"))
    assert len(by_kec.posts) == 1


def test_walking_distance_is_a_setting() -> None:
    t = tps(1) + tps(1, dx=2.0, start=2)
    assert len(plan_ok(t).posts) == 1  # 1 km each way
    assert len(plan_ok(t, settings=Settings(walking_km=0.5)).posts) == 2


def test_short_pools_cover_sangat_rawan_first_and_report_the_shortfall_with_bko() -> None:
    # three posts far apart: aman (2 police), rawan (2), sangat rawan (2); the Polsek can deploy only 2
    t = tps(5) + tps(1, cls="rawan", dx=5, start=6) + tps(1, cls="sangat_rawan", dx=10, start=7)
    pools = [polsek(2)]
    p = plan_ok(t, settings=Settings(reserve_share=0.0), pools=pools)
    covered = {post.cls for post in p.posts if post.covered}
    assert covered == {"sangat_rawan"}
    assert p.uncovered_by_class == {"aman": 5, "kurang_rawan": 0, "rawan": 1, "sangat_rawan": 0, "khusus": 0}
    assert p.shortfall[KEC].police == 4 and p.shortfall[KEC].tps == 6
    assert p.bko_needed == 4
    # with 4 people, rawan is next
    p4 = plan_ok(t, settings=Settings(reserve_share=0.0), pools=[polsek(4)])
    assert {post.cls for post in p4.posts if post.covered} == {"sangat_rawan", "rawan"}


def test_bko_reinforcements_close_a_shortfall_after_own_pools() -> None:
    t = tps(1) + tps(1, dx=5, start=2)
    bko = Pool("bko", "polri", *at(30, 0), 50, frozenset(), cost_per_person=2.5, bko=True)
    pools = [polsek(2), bko]
    p = plan_ok(t, settings=Settings(reserve_share=0.0), pools=pools)
    assert p.uncovered_by_class["aman"] == 0
    assert p.bko_used == 2 and p.bko_cost == 5.0 and p.bko_needed == 0
    assert sorted(post.pool or "" for post in p.posts) == ["bko", "polsek"]
    # the own Polsek takes the post nearer to it (travel is the last criterion)
    assert next(post for post in p.posts if post.pool == "polsek").tps == (f"{DESA}/001",)


def test_the_reserve_share_stays_back() -> None:
    t = tps(10) + tps(10, dx=5, start=11)  # 2 posts, 4 police
    p = plan_ok(t, pools=[polsek(4)])  # 14% of 4 -> 1 held back, 3 deployable
    assert p.officers == 4 and sum(post.covered for post in p.posts) == 1
    assert p.reserve_required == 1 and p.reserve == 2
    p5 = plan_ok(t, pools=[polsek(5)])  # 1 held back, 4 deployable
    assert all(post.covered for post in p5.posts)


def test_pools_serve_only_their_kecamatan_and_travel_is_least() -> None:
    t = tps(5, desa="35.07.01.2001") + tps(5, desa="35.07.02.2001", dx=20)
    near = polsek(100, dx=19, kec="35.07.02", unit="near-but-other")
    mine = polsek(100, dx=-3, unit="mine")
    reserve = Pool("polres", "polri", *at(10, 0), 100, frozenset())
    p = plan_ok(t, pools=[near, mine, reserve])
    got = {post.area_code: post.pool for post in p.posts}
    assert got == {"35.07.01.2001": "mine", "35.07.02.2001": "near-but-other"}
    assert p.km_total == pytest.approx(3 + 1, abs=0.01)


def test_tni_come_from_tni_pools() -> None:
    pattern = dataclasses.replace(DEFAULT_PATTERN, name="with tni", rawan=ClassPattern(2, 2, tni=1, linmas=4))
    t = tps(3) + tps(1, cls="rawan", start=4)
    koramil = Pool("koramil", "tni", *at(1, 0), 10, frozenset({KEC}))
    p = plan_ok(t, pattern, pools=[polsek(20), koramil])
    rawan_post = next(post for post in p.posts if post.cls == "rawan")
    assert rawan_post.tni == 1 and rawan_post.tni_pool == "koramil" and rawan_post.linmas == 4
    assert p.soldiers == 1
    short = plan_ok(t, pattern, pools=[polsek(20)])
    assert short.shortfall[KEC].tni == 1 and short.bko_needed == 1


def test_same_input_gives_same_plan_whatever_the_order() -> None:
    rnd = random.Random(3)
    t = [
        TPS(f"{DESA}/{i:03d}", DESA, KEC, rnd.choice(["aman", "rawan"]), 300, *at(rnd.uniform(0, 4), rnd.uniform(0, 4)))
        for i in range(1, 30)
    ]
    a = solve(t, pools=[polsek(40)])
    b = solve(list(reversed(t)), pools=[polsek(40)])
    assert a.posts == b.posts and a.officers_lower_bound == b.officers_lower_bound


def test_check_flags_hand_edits() -> None:
    t = tps(12) + tps(1, dx=4, start=13)
    pools = [polsek(6)]
    settings = Settings(reserve_share=0.0)
    p = solve(t, DEFAULT_PATTERN, settings, pools)
    assert check(p, t, DEFAULT_PATTERN, settings, pools) == []
    big = max(p.posts, key=lambda x: len(x.tps))
    small = next(x for x in p.posts if x is not big and len(x.tps) < 10 and x.lat == big.lat)
    far = next(x for x in p.posts if x.lat != big.lat or x.lng != big.lng)
    # move a TPS into the full post: over the cap, and the totals no longer match nothing else
    merged = dataclasses.replace(big, tps=big.tps + small.tps[:1])
    rest = dataclasses.replace(small, tps=small.tps[1:])
    edited = dataclasses.replace(p, posts=[merged if x is big else rest if x is small else x for x in p.posts])
    problems = check(edited, t, DEFAULT_PATTERN, settings, pools)
    assert any("more than the cap" in s for s in problems)
    # pull the far TPS into a post in the centre: beyond walking distance
    edited = dataclasses.replace(
        p, posts=[dataclasses.replace(x, tps=x.tps + far.tps) if x is small else x for x in p.posts if x is not far]
    )
    problems = check(edited, t, DEFAULT_PATTERN, settings, pools)
    assert any("beyond 1.5 km" in s for s in problems)
    assert any("officers says" in s for s in problems)
    # drop a post: its TPS are in no post
    edited = dataclasses.replace(p, posts=[x for x in p.posts if x is not far])
    assert any("in no post" in s for s in check(edited, t, DEFAULT_PATTERN, settings, pools))
    # a pool sending more than it has
    over = dataclasses.replace(p, posts=[dataclasses.replace(x, police=4) if x is big else x for x in p.posts])
    assert any("people sent" in s for s in check(over, t, DEFAULT_PATTERN, settings, pools))
    # a post that crosses a desa
    other = TPS("35.07.01.2002/001", "35.07.01.2002", KEC, "aman", 300, small.lat, small.lng)
    cross = dataclasses.replace(p, tps=p.tps + 1, posts=[
        dataclasses.replace(x, tps=x.tps + (other.code,)) if x is small else x for x in p.posts
    ])
    assert any("crosses desa" in s for s in check(cross, [*t, other], DEFAULT_PATTERN, settings, pools))


def test_greedy_needs_at_least_as_many_officers_as_the_solver() -> None:
    rnd = random.Random(11)
    t = [
        TPS(f"{DESA}/{i:03d}", DESA, KEC, rnd.choice(["aman", "aman", "rawan"]), 300,
            *at(rnd.uniform(0, 5), rnd.uniform(0, 5)))
        for i in range(1, 60)
    ]
    pools = [polsek(500)]
    s = plan_ok(t, pools=pools)
    g = greedy(t, DEFAULT_PATTERN, Settings(), pools)
    assert check(g, t, DEFAULT_PATTERN, Settings(), pools) == []
    assert g.officers >= s.officers
    assert g.km_total >= s.km_total


def test_the_default_pattern_is_polres_malang_2024() -> None:
    assert DEFAULT_PATTERN.name == "polres_malang_2024"
    assert DEFAULT_PATTERN.aman == ClassPattern(2, 10)
    assert DEFAULT_PATTERN.khusus == ClassPattern(2, 1)
    assert preset("mabes_2019").kurang_rawan.label == "2-4-6"
    assert preset("mabes_2019").rawan.label == "4-2-8"
    assert preset("mabes_2019").sangat_rawan.label == "6-2-8"
    with pytest.raises(KeyError):
        preset("nowhere")
    assert Pattern.from_dict(preset("sleman_2024").as_dict()) == preset("sleman_2024")


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown class"):
        solve([TPS("x/001", "x", "k", "medium", 1, LAT0, LNG0)])
    with pytest.raises(ValueError, match="listed twice"):
        solve(tps(1) + tps(1))
    with pytest.raises(ValueError):
        Settings(area="provinsi")


def test_a_plan_serialises_to_json_with_the_fields_of_plan_json() -> None:
    import json

    t = tps(12) + tps(1, cls="sangat_rawan", dx=5, start=13)
    d = json.loads(json.dumps(plan_ok(t, pools=[polsek(2)]).to_dict()))
    for key in ("tps", "posts", "officers", "officers_lower_bound", "bound_name", "soldiers", "linmas",
                "km_total", "km_max", "uncovered_by_class", "shortfall", "bko_needed", "reserve", "seconds"):
        assert key in d
    # 2 people, 1 held in reserve: no post of 2 can be staffed
    assert d["tps"] == 13 and d["shortfall"][KEC]["police"] == 6 and d["bko_needed"] == 6
    assert {"id", "lat", "lng", "tps", "cls", "police", "tni", "linmas", "pool", "km"} <= set(d["posts"][0])


def test_the_bound_holds_for_the_real_walking_distance_at_its_edge() -> None:
    # 2.9999 km apart: a post at the midpoint is 1.49995 km from each, so one post of 2 police is a
    # valid plan; the solver keeps a hair inside the walking distance and may open two, but its bound
    # must not claim that two are needed.
    t = tps(1) + tps(1, dx=2.9999, start=2)
    p = plan_ok(t)
    assert p.officers_lower_bound == 2
    assert p.officers in (2, 4)
