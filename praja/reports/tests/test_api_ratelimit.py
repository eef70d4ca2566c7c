"""The rate limiter: a sender over the limit is refused until the window ends; 0 lifts the limit."""

from __future__ import annotations

from unittest import mock

from praja.reports import ratelimit


def test_it_refuses_the_request_after_the_limit_within_the_window() -> None:
    answers = [ratelimit.hit("public", "10.0.0.1", 3, 60) for _ in range(5)]
    assert answers == [True, True, True, False, False]


def test_each_address_and_bucket_counts_on_its_own() -> None:
    for _ in range(2):
        assert ratelimit.hit("public", "10.0.0.1", 2, 60)
    assert not ratelimit.hit("public", "10.0.0.1", 2, 60)
    assert ratelimit.hit("public", "10.0.0.2", 2, 60)
    assert ratelimit.hit("phone", "10.0.0.1", 2, 60)


def test_a_new_window_starts_a_new_count() -> None:
    with mock.patch("praja.reports.ratelimit.time.time", return_value=1_000_000.0):
        assert ratelimit.hit("public", "a", 1, 60)
        assert not ratelimit.hit("public", "a", 1, 60)
    with mock.patch("praja.reports.ratelimit.time.time", return_value=1_000_060.0):
        assert ratelimit.hit("public", "a", 1, 60)


def test_limit_zero_is_unlimited_and_counts_nothing() -> None:
    assert all(ratelimit.hit("public", "b", 0, 60) for _ in range(50))
    assert ratelimit.remaining("public", "b", 5, 60) == 5


def test_the_cache_never_holds_the_address_in_clear() -> None:
    assert "10.9.8.7" not in ratelimit.cache_key("public", "10.9.8.7", 60)


def test_a_broken_cache_lets_the_report_through() -> None:
    broken = mock.Mock()
    broken.add.side_effect = ConnectionError("redis down")
    with mock.patch.object(ratelimit, "_cache", return_value=broken):
        assert ratelimit.hit("public", "c", 1, 60)
