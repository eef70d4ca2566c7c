"""The kondusif index core: parts, weights, one part at high pressure on its own, the surge against the area's
own normal, missing data, classes (docs/kondusif-index.md)."""

from __future__ import annotations

import pytest

from praja.situation import kondusif as K


def calm(**kw: object) -> K.Inputs:
    base: dict[str, object] = {"code": "k", "tps": 100, "scored_tps": 100, "posts": 10}
    base.update(kw)
    return K.Inputs(**base)


def test_a_calm_kecamatan_scores_100_and_is_kondusif() -> None:
    r = K.score(calm())
    assert r.index == 100.0
    assert r.klass == K.KONDUSIF
    assert all(p.deduction == 0 for p in r.parts)


def test_each_part_takes_off_its_weight_share_of_100() -> None:
    half_rawan = K.score(calm(rawan_tps=50))
    assert half_rawan.part("kerawanan").deduction == pytest.approx(100 * 0.35 * 0.5)
    assert half_rawan.weighted == pytest.approx(100 - 17.5, abs=0.05)


def test_a_surge_of_reports_alone_makes_a_kecamatan_siaga() -> None:
    """Under the old weighted mean a part could take at most its weight (30 points): never siaga."""
    r = K.score(calm(recent_reports=40, severe_recent_reports=20, baseline_reports=14, baseline_hours=168))
    assert r.part("laporan").pressure == 1.0
    assert r.klass == K.SIAGA and r.driver == "laporan"
    assert (r.weighted or 0) >= 70  # the weighted rule alone would have said kondusif


def test_open_reports_saturating_the_part_make_it_siaga_on_their_own() -> None:
    """Donomulyo in issue 13: 76 open reports, 32 severe, 118 TPS read 70,0 KONDUSIF."""
    r = K.score(K.Inputs("35.07.01", tps=118, scored_tps=118, rawan_tps=20, open_reports=76,
                         severe_open_reports=32, posts=40))
    assert r.part("laporan").pressure == 1.0
    assert r.klass == K.SIAGA


def test_the_surge_is_measured_against_the_areas_own_normal() -> None:
    busy_normal = calm(recent_reports=12, baseline_reports=12 * 168, baseline_hours=168)  # 12 an hour is usual
    quiet_normal = calm(recent_reports=12, baseline_reports=0.1 * 168, baseline_hours=168)
    assert K.score(busy_normal).part("laporan").pressure == 0.0
    assert K.score(quiet_normal).klass == K.SIAGA


def test_a_few_reports_in_a_quiet_kecamatan_are_not_a_surge() -> None:
    r = K.score(calm(recent_reports=3, baseline_reports=0, baseline_hours=168))
    assert r.part("laporan").pressure == 0.0 and r.klass == K.KONDUSIF


def test_uncovered_posts_alone_make_it_waspada_then_siaga() -> None:
    assert K.score(calm(posts=10, uncovered_posts=3)).klass == K.WASPADA
    assert K.score(calm(posts=10, uncovered_posts=6)).klass == K.SIAGA


def test_a_missing_plan_counts_as_uncovered_once_posts_are_due() -> None:
    before = K.score(calm(posts=0, posts_due=False))
    due = K.score(calm(posts=0, posts_due=True))
    assert before.part("pos").pressure is None and before.klass == K.KONDUSIF
    assert due.part("pos").pressure == 1.0 and due.klass == K.SIAGA


@pytest.mark.parametrize("due", [False, True])
def test_adding_a_plan_never_raises_the_index_of_a_kecamatan_whose_posts_are_uncovered(due: bool) -> None:
    without = K.score(calm(posts=0, posts_due=due, rawan_tps=30, open_reports=4))
    with_plan = K.score(calm(posts=12, uncovered_posts=12, posts_due=due, rawan_tps=30, open_reports=4))
    assert (with_plan.index or 0) <= (without.index or 0)


def test_a_part_without_data_takes_nothing_off_and_adding_data_never_raises_the_index() -> None:
    r = K.score(K.Inputs("k", tps=10, open_reports=1))
    assert r.part("pos").pressure is None and r.part("kerawanan").pressure is None
    more = K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=0, open_reports=1, posts=3))
    assert (more.index or 0) <= (r.index or 0)


def test_settings_change_weights_triggers_and_thresholds() -> None:
    cfg = K.config_from({"KONDUSIF_WEIGHTS": {"kerawanan": 1, "laporan": 0, "hoaks": 0, "pos": 0},
                         "KONDUSIF_PART_TRIGGERS": {"kerawanan": {"waspada": None, "siaga": None},
                                                    "laporan": {"waspada": None, "siaga": None}},
                         "KONDUSIF_THRESHOLDS": {"waspada": 90, "siaga": 80}})
    r = K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=1, open_reports=50), cfg)
    assert r.index == 90.0 and r.klass == K.KONDUSIF
    assert K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=2), cfg).klass == K.WASPADA
    assert K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=3), cfg).klass == K.SIAGA


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        K.config_from({"KONDUSIF_WEIGHTS": {"cuaca": 1}})
    with pytest.raises(ValueError):
        K.config_from({"KONDUSIF_THRESHOLDS": {"waspada": 40, "siaga": 60}})
    with pytest.raises(ValueError):
        K.config_from({"KONDUSIF_PART_TRIGGERS": {"pos": {"waspada": 0.6, "siaga": 0.3}}})
    with pytest.raises(ValueError):
        K.config_from({"KONDUSIF_SURGE_FULL_RATIO": 1})


def test_the_cap_runs_through_the_class_boundaries() -> None:
    cfg = K.Config()
    assert K.cap(0.49, (0.5, 0.8), cfg) is None  # below the waspada trigger: the weighted rule alone
    assert K.cap(0.5, (0.5, 0.8), cfg) == pytest.approx(69.9)  # just below the waspada boundary
    assert K.cap(0.8, (0.5, 0.8), cfg) == pytest.approx(44.9)  # just below the siaga boundary
    assert K.cap(1.0, (0.5, 0.8), cfg) == pytest.approx(22.5)
    assert K.cap(1.0, (0.66, None), cfg) == pytest.approx(45.0)  # waspada at most, never siaga on its own
    assert K.cap(0.3, (None, None), cfg) is None


def test_the_overall_index_weights_kecamatan_by_their_tps_and_counts_the_classes() -> None:
    a = K.score(K.Inputs("a", tps=90, scored_tps=90))
    b = K.score(K.Inputs("b", tps=10, scored_tps=10, rawan_tps=10))
    o = K.overall([a, b])
    assert o is not None
    assert o.index == pytest.approx((90 * 100 + 10 * (b.index or 0)) / 100, abs=0.05)
    assert K.overall([]) is None
    assert K.counts([a, b]) == {"kondusif": 1, "waspada": 1, "siaga": 0}


def test_the_documented_example_holds() -> None:
    """docs/kondusif-index.md, section Example."""
    dono = K.score(K.Inputs("35.07.01", tps=180, scored_tps=180, rawan_tps=45, open_reports=9, severe_open_reports=2,
                            growing_narratives=1, posts=50, uncovered_posts=3))
    assert [p.deduction for p in dono.parts] == [8.75, 8.67, 5.0, 1.2]
    assert (dono.weighted, dono.index, dono.klass, dono.driver) == (76.4, 76.4, K.KONDUSIF, "")
    surge = K.score(K.Inputs("35.07.01", tps=180, scored_tps=180, rawan_tps=45, open_reports=9, severe_open_reports=2,
                             growing_narratives=1, posts=50, uncovered_posts=3, recent_reports=30,
                             severe_recent_reports=10, baseline_reports=84, baseline_hours=168))
    assert surge.part("laporan").detail["ratio"] == 55.56
    assert (surge.index, surge.klass, surge.driver) == (22.5, K.SIAGA, "laporan")
    kali = K.score(K.Inputs("35.07.02", tps=120, scored_tps=120, rawan_tps=6, open_reports=2, posts=33))
    assert (kali.index, kali.klass) == (96.2, K.KONDUSIF)
    no_plan_due = K.score(K.Inputs("35.07.01", tps=180, scored_tps=180, rawan_tps=45, open_reports=9,
                                   severe_open_reports=2, growing_narratives=1, posts_due=True))
    assert (no_plan_due.index, no_plan_due.klass, no_plan_due.driver) == (22.5, K.SIAGA, "pos")
    both = K.overall([dono, kali])
    assert both is not None and (both.index, both.klass) == (84.3, K.KONDUSIF)
