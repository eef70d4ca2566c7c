"""Near-duplicate signatures on real tweets of the shared hate-speech corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from praja.infowatch.text import dedupe

TWEETS = Path(settings.SHARED_DATA_DIR) / "hatespeech-id" / "re_dataset.csv"


@pytest.fixture(scope="module")
def tweets() -> list[str]:
    if not TWEETS.exists():
        pytest.skip("shared hatespeech-id data absent")
    with open(TWEETS, encoding="latin-1", newline="") as f:
        rows = [r[0] for i, r in enumerate(csv.reader(f)) if i and r]
    return [t for t in rows if len(t.split()) >= 12][:300]


@pytest.mark.needs_shared_data("hatespeech-id/re_dataset.csv")
def test_a_repost_with_other_links_mentions_and_case_is_a_near_duplicate(tweets: list[str]) -> None:
    t = tweets[0]
    repost = "RT @someone: " + t.upper() + " https://t.co/xyz !!!"
    assert dedupe.near_duplicate(dedupe.signature(t), dedupe.signature(repost))


@pytest.mark.needs_shared_data("hatespeech-id/re_dataset.csv")
def test_different_tweets_are_not_near_duplicates(tweets: list[str]) -> None:
    sigs = [dedupe.signature(t) for t in tweets[:100]]
    groups = dedupe.group_signatures(sigs)
    distinct = {" ".join(sorted(set(t.lower().split()))) for t in tweets[:100]}
    assert len(set(groups)) >= len(distinct) - 2


@pytest.mark.needs_shared_data("hatespeech-id/re_dataset.csv")
def test_a_batch_groups_copies_under_the_first_one(tweets: list[str]) -> None:
    a, b = tweets[1], tweets[2]
    batch = [a, b, "RT USER: " + a + " URL 😡😡", "", b.lower(), ""]
    assert dedupe.group(batch) == [0, 1, 0, 3, 1, 5]


def test_signatures_are_stable_and_sixty_four_bits() -> None:
    s = dedupe.signature("Pengungsi Rohingya bakar gudang di Aceh")
    assert s == dedupe.signature("pengungsi  rohingya BAKAR gudang di aceh!!")
    assert 0 < s < 2**64 and dedupe.signature("") == 0 and dedupe.signature("!!! ???") == 0
    assert not dedupe.near_duplicate(0, s)
