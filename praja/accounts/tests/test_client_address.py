"""Issue 14 (hardening): behind trusted proxies the client address is the rightmost X-Forwarded-For entry no
trusted proxy wrote, never the leftmost (the client writes that one, and used it to escape per-address limits)."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from praja.accounts.middleware import client_address


def address(settings: Any, xff: str, remote: str = "10.0.0.2", trusted: bool = True, count: int = 1) -> str:
    settings.PRAJA_TRUSTED_PROXY, settings.PRAJA_TRUSTED_PROXY_COUNT = trusted, count
    return client_address(RequestFactory().get("/", HTTP_X_FORWARDED_FOR=xff, REMOTE_ADDR=remote))


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings: Any) -> None:
    assert address(settings, "1.2.3.4", remote="36.68.1.9", trusted=False) == "36.68.1.9"


def test_one_proxy_the_rightmost_entry_is_the_client_whatever_the_client_put_before_it(settings: Any) -> None:
    # the client sent "X-Forwarded-For: 6.6.6.6"; nginx appended the address it saw
    assert address(settings, "6.6.6.6, 36.68.1.9") == "36.68.1.9"
    assert address(settings, "36.68.1.9") == "36.68.1.9"


def test_two_proxies_the_client_is_second_from_the_right(settings: Any) -> None:
    # client -> CDN (appends the client) -> nginx (appends the CDN) -> Praja
    assert address(settings, "6.6.6.6, 36.68.1.9, 172.16.0.5", count=2) == "36.68.1.9"


def test_an_entry_that_is_not_an_address_falls_back_to_the_nearest_hop(settings: Any) -> None:
    assert address(settings, "1.2.3.4, bukan-alamat", remote="10.0.0.2") == "10.0.0.2"


def test_the_public_form_limit_is_not_escaped_by_a_spoofed_leftmost_address(settings: Any, client: Any,
                                                                            db: Any) -> None:
    import datetime
    import time

    import time_machine
    from django.core.cache import cache

    settings.PRAJA_TRUSTED_PROXY, settings.PRAJA_TRUSTED_PROXY_COUNT = True, 1
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "FOLLOW_RATE": (2, 600)}
    cache.clear()
    now = time.time()  # at the start of a fixed 10-minute window, so the three tries count in one
    with time_machine.travel(datetime.datetime.fromtimestamp(now - now % 600 + 1, tz=datetime.UTC), tick=True):
        codes = [
            client.post("/lapor/ikuti/", {"receipt": "AAAA-BBBB-CCCC", "pin": "1"},
                        HTTP_X_FORWARDED_FOR=f"9.9.9.{i}, 36.68.1.9", REMOTE_ADDR="10.0.0.2").status_code
            for i in range(3)
        ]
    assert codes == [400, 400, 429]
