"""The kondusif index core: parts, weights, missing data, classes."""

from __future__ import annotations

import pytest

from praja.situation import kondusif as K


def test_a_calm_kecamatan_scores_100_and_is_kondusif() -> None:
    r = K.score(K.Inputs("35.07.01", tps=50, scored_tps=50, posts=10))
    assert r.index == 100.0
    assert r.klass == K.KONDUSIF
    assert all(p.deduction == 0 for p in r.parts)


def test_each_part_takes_off_its_weight_share_of_100() -> None:
    cfg = K.Config()
    # every TPS rawan, reports saturated, 3 growing narratives, every post uncovered: 0
    worst = K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=10, open_reports=1, severe_open_reports=0,
                             growing_narratives=3, posts=4, uncovered_posts=4), cfg)
    assert worst.index == 0.0 and worst.klass == K.SIAGA
    half_rawan = K.score(K.Inputs("k", tps=10, scored_tps=10, rawan_tps=5, posts=4), cfg)
    assert half_rawan.part("kerawanan").deduction == pytest.approx(100 * 0.35 * 0.5)
    assert half_rawan.index == pytest.approx(100 - 17.5, abs=0.05)


def test_severe_reports_weigh_more_than_ordinary_ones() -> None:
    plain = K.score(K.Inputs("k", tps=100, scored_tps=100, posts=5, open_reports=3))
    severe = K.score(K.Inputs("k", tps=100, scored_tps=100, posts=5, open_reports=3, severe_open_reports=3))
    assert plain.part("laporan").pressure == pytest.approx(0.3)
    assert severe.part("laporan").pressure == pytest.approx(0.9)
    assert (severe.index or 0) < (plain.index or 0)


def test_a_part_without_data_is_left_out_not_read_as_calm() -> None:
    # No plan (no posts) and no scores: only reports and hoax count, and their weights are renormalised.
    r = K.score(K.Inputs("k", tps=10, open_reports=1))
    assert r.part("pos").pressure is None and r.part("kerawanan").pressure is None
    load = 1 / (10 * 0.1)
    assert r.index == pytest.approx(100 - 100 * 0.30 / 0.45 * load, abs=0.05)


def test_settings_change_weights_and_thresholds() -> None:
    cfg = K.config_from({"KONDUSIF_WEIGHTS": {"kerawanan": 1, "laporan": 0, "hoaks": 0, "pos": 0},
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


def test_the_overall_index_weights_kecamatan_by_their_tps() -> None:
    a = K.score(K.Inputs("a", tps=90, scored_tps=90))
    b = K.score(K.Inputs("b", tps=10, scored_tps=10, rawan_tps=10))
    o = K.overall([a, b])
    assert o is not None
    assert o.index == pytest.approx((90 * 100 + 10 * b.index) / 100, abs=0.05)  # type: ignore[operator]
    assert K.overall([]) is None


def test_the_documented_example_holds() -> None:
    """docs/kondusif-index.md: Donomulyo 63.4 waspada, Kalipare 93.2, together 75.3; without a plan 55.7."""
    dono = K.score(K.Inputs("35.07.01", tps=180, scored_tps=180, rawan_tps=45, open_reports=9, severe_open_reports=2,
                            growing_narratives=1, posts=50, uncovered_posts=3))
    assert (dono.index, dono.klass) == (63.4, K.WASPADA)
    assert [p.deduction for p in dono.parts] == [8.75, 21.67, 5.0, 1.2]
    kali = K.score(K.Inputs("35.07.02", tps=120, scored_tps=120, rawan_tps=6, open_reports=2, posts=33))
    assert kali.index == 93.2
    both = K.overall([dono, kali])
    assert both is not None and (both.index, both.klass) == (75.3, K.KONDUSIF)
    no_plan = K.score(K.Inputs("35.07.01", tps=180, scored_tps=180, rawan_tps=45, open_reports=9,
                               severe_open_reports=2, growing_narratives=1))
    assert no_plan.index == 55.7
