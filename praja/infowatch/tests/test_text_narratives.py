"""Narratives over time windows: grouping, volume and reach per window, growth."""

from __future__ import annotations

from datetime import datetime, timedelta

from praja.infowatch.text.narratives import NarrativeItem, group

T0 = datetime(2024, 11, 20, 8)


def h(n: int) -> datetime:
    return T0 + timedelta(hours=n)


def _items() -> list[NarrativeItem]:
    return [
        NarrativeItem("a1", "Surat suara sudah dicoblos untuk paslon 02 di TPS Kepanjen", h(0), 100),
        NarrativeItem("b1", "Harga beras naik di pasar Lawang", h(1), 50),
        NarrativeItem("b2", "Beras di pasar Lawang makin mahal", h(3), 60),
        NarrativeItem("a2", "Heboh surat suara sudah tercoblos paslon 02 di Kepanjen", h(30), 500),
        NarrativeItem("a3", "Video surat suara dicoblos duluan di TPS Kepanjen viral", h(50), 2000),
        NarrativeItem("a4", "surat suara dicoblos paslon 02 beredar lagi", h(52), 3000),
    ]


def test_items_telling_the_same_story_form_one_narrative() -> None:
    got = {tuple(n.items) for n in group(_items(), window_hours=24)}
    assert got == {("a1", "a2", "a3", "a4"), ("b1", "b2")}


def test_a_narrative_shows_volume_and_reach_per_window_and_what_grows() -> None:
    first, second = group(_items(), window_hours=24)
    assert first.items[0] == "a1" and "coblos" in first.terms
    assert [(w.start.day, w.volume, w.reach) for w in first.windows] == [(20, 1, 100), (21, 1, 500), (22, 2, 5000)]
    assert first.volume == 4 and first.reach == 5600
    assert first.growth == 1.0 and first.reach_growth > 10
    # the rice story went quiet: its later windows are empty and it shrinks
    assert [w.volume for w in second.windows] == [2, 0, 0] and second.growth < 0


def test_small_narratives_can_be_left_out_and_empty_input_is_fine() -> None:
    assert [n.items for n in group(_items(), 24, min_items=3)] == [["a1", "a2", "a3", "a4"]]
    assert group([], 24) == []
    junk = group([NarrativeItem("x", "", T0), NarrativeItem("y", "!!!", T0)], 6)
    assert sorted(i for n in junk for i in n.items) == ["x", "y"]
