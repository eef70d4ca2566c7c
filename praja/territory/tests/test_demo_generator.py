"""The pure generator: sums match the facts, caps hold, points fall inside their desa."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from praja.territory import demo_generator as gen


def _square(cx: float, cy: float, r: float) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [[[cx - r, cy - r], [cx + r, cy - r], [cx + r, cy + r], [cx - r, cy + r], [cx - r, cy - r]]],
    }


def _district(n_kec: int = 4, n_desa: int = 5, polygons: bool = True) -> list[gen.Kecamatan]:
    kecs = []
    for k in range(1, n_kec + 1):
        desa = []
        for d in range(1, n_desa + 1):
            lat, lng = -8.0 - k * 0.1, 112.0 + d * 0.05
            desa.append(
                gen.Desa(f"35.07.{k:02d}.{2000 + d}", f"Desa {k}-{d}", lat, lng,
                         _square(lng, lat, 0.02) if polygons else None)
            )
        kecs.append(gen.Kecamatan(f"35.07.{k:02d}", f"Kec {k}", tuple(desa)))
    return kecs


def test_it_matches_the_totals_and_the_cap() -> None:
    facts = gen.Facts(total_tps=100, total_voters=48_000, max_voters=600)
    out = gen.generate(_district(), facts, seed=1)
    assert len(out) == 100
    assert sum(t.voters for t in out) == 48_000
    assert max(t.voters for t in out) <= 600
    assert min(t.voters for t in out) >= 1


def test_it_honours_anchors_and_group_totals() -> None:
    facts = gen.Facts(
        total_tps=100, total_voters=48_000, anchor_voters={"35.07.01": 15_000, "35.07.04": 6_000},
        groups=(gen.Group(frozenset({"35.07.03", "35.07.04"}), 40),),
    )
    out = gen.generate(_district(), facts, seed=7)
    voters = Counter[str]()
    tps = Counter[str]()
    for t in out:
        voters[t.desa_code[:8]] += t.voters
        tps[t.desa_code[:8]] += 1
    assert voters["35.07.01"] == 15_000
    assert voters["35.07.04"] == 6_000
    assert tps["35.07.03"] + tps["35.07.04"] == 40


def test_every_point_lies_inside_its_desa() -> None:
    kecs = _district()
    polys = {d.code: shape(d.geometry) for k in kecs for d in k.desa if d.geometry}
    out = gen.generate(kecs, gen.Facts(total_tps=80, total_voters=40_000), seed=3)
    assert all(polys[t.desa_code].contains(Point(t.lng, t.lat)) for t in out)
    assert all(t.inside_boundary for t in out)


def test_without_boundaries_it_uses_the_centroid_and_says_so() -> None:
    kecs = _district(polygons=False)
    out = gen.generate(kecs, gen.Facts(total_tps=40, total_voters=20_000), seed=3)
    centre = {d.code: (d.lat, d.lng) for k in kecs for d in k.desa}
    assert all((t.lat, t.lng) == centre[t.desa_code] for t in out)
    assert not any(t.inside_boundary for t in out)


def test_it_is_deterministic_for_a_seed() -> None:
    facts = gen.Facts(total_tps=60, total_voters=30_000)
    assert gen.generate(_district(), facts, seed=5) == gen.generate(_district(), facts, seed=5)
    assert gen.generate(_district(), facts, seed=5) != gen.generate(_district(), facts, seed=6)


def test_it_refuses_voters_that_cannot_fit() -> None:
    with pytest.raises(ValueError, match="cannot apportion|do not fit"):
        gen.generate(_district(1, 2), gen.Facts(total_tps=2, total_voters=5_000, max_voters=600), seed=1)


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10_000),
    weights=st.lists(st.floats(min_value=0.0, max_value=100.0), min_size=1, max_size=30),
    data=st.data(),
)
def test_apportion_sums_and_respects_minimums(total: int, weights: list[float], data: st.DataObject) -> None:
    mins = data.draw(st.lists(st.integers(0, 5), min_size=len(weights), max_size=len(weights)))
    if sum(mins) > total:
        with pytest.raises(ValueError):
            gen.apportion(total, weights, mins)
        return
    parts = gen.apportion(total, weights, mins)
    assert sum(parts) == total
    assert all(p >= m for p, m in zip(parts, mins, strict=True))
