"""Fixtures shared by every app's tests.

`malang_regions`: the regions of Kabupaten Malang (35.07) with centroids, no TPS (fast).
`demo_district`: the whole demo district built by `praja.territory.demo.build_demo()` inside the
test's transaction (rolled back afterwards), so tests never see each other's data.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from typing import Any

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def local_time_today(hhmm: str) -> datetime.datetime:
    """Today (in the project's zone) at HH:MM local time, as an aware datetime."""
    from django.conf import settings

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.datetime.now(zone).replace(hour=hour, minute=minute, second=0, microsecond=0)


def next_local_time(hhmm: str) -> datetime.datetime:
    """The next HH:MM local time from now (today's if still ahead, else tomorrow's): a suite moved there is never
    behind the real clock, which the servers some tests start in a subprocess keep (they are not moved)."""
    at = local_time_today(hhmm)
    return at if at >= datetime.datetime.now(datetime.UTC) else at + datetime.timedelta(days=1)


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--local-time", metavar="HH:MM", default=None,
                     help="run the suite as if the wall clock read HH:MM (the next such time in the project's zone; "
                          "the clock ticks on from there): finds tests that pass or fail by the hour they run at")


def pytest_configure(config: Any) -> None:
    at = config.getoption("--local-time", default=None)
    if at:
        config._praja_traveller = time_machine.travel(next_local_time(at), tick=True)
        config._praja_traveller.start()


def pytest_unconfigure(config: Any) -> None:
    traveller = getattr(config, "_praja_traveller", None)
    if traveller is not None:
        traveller.stop()


@pytest.fixture
def afternoon() -> Any:
    """Runs the test at 13:00 local time today, the clock ticking on from there (datetime, time.time and the
    database defaults all see it), for tests whose data must fall on the same local day as "now"."""
    with time_machine.travel(local_time_today("13:00"), tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The file cache outlives a test run; each test starts from an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def malang_regions(db: Any) -> Any:
    from praja.territory.loader import load_regions
    from praja.territory.models import Region

    load_regions("35.07")
    return Region.objects.get(code="35.07")


@pytest.fixture
def demo_district(db: Any) -> Any:
    from praja.territory.demo import build_demo

    return build_demo()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # Browser tests use live_server, whose teardown empties the database: run them last.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)
