"""Fixtures shared by every app's tests.

`malang_regions`: the regions of Kabupaten Malang (35.07) with centroids, no TPS (fast).
`demo_district`: the whole demo district built by `praja.demo.district.build_demo()`, once per session,
and copied into each test's transaction (rolled back afterwards), so tests never see each other's data.
`built_once(key, build)`: that copying for any fixture that builds a world of rows (see dbsnapshot.py).
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from typing import Any

import hypothesis
import pytest
import time_machine

from dbsnapshot import Snapshots

# Playwright's sync API runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests (hypothesis) draw the same examples on every run and every machine, so that CI passes or fails
# by the code, never by the draw; PRAJA_HYPOTHESIS_EXPLORE=1 draws new ones (and keeps failures in .hypothesis/).
hypothesis.settings.register_profile("praja", derandomize=True, database=None)
hypothesis.settings.register_profile("explore", derandomize=False)
hypothesis.settings.load_profile("explore" if os.environ.get("PRAJA_HYPOTHESIS_EXPLORE") == "1" else "praja")


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
    config.addinivalue_line(
        "markers",
        "needs_shared_data(*paths): reads the corpora in ../shared/data (PRAJA_SHARED_DATA), optionally these "
        "paths inside it; skipped with the reason when they are absent, a failure instead when "
        "PRAJA_REQUIRE_SHARED_DATA=1 (.ci/run sets it whenever ../shared/data is there)",
    )
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any) -> Any:
    """pytest-django's test database, and before it is dropped: the after-intake worker thread
    (praja/reports/afterwork.py), which a test's request may have started and which sweeps every few seconds,
    is stopped, not left to log errors into a closed stream. (A session without database tests sets up
    neither.)"""
    yield
    from praja.reports import afterwork

    afterwork.stop_worker()


@pytest.fixture(autouse=True)
def _indonesian_first() -> Any:
    """Each test starts in the project's language (Bahasa Indonesia): a test that switched to English in this
    thread (translation.activate) must not leave the next test's messages in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The file cache outlives a test run; each test starts from an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


SNAPSHOTS = Snapshots()


@pytest.fixture(scope="session")
def _snapshots() -> Snapshots:
    return SNAPSHOTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SNAPSHOTS.built:
        terminalreporter.write_line(f"built once (dbsnapshot): {SNAPSHOTS.summary()}")


@pytest.fixture
def built_once(_snapshots: Snapshots, request: Any) -> Any:
    """`built_once(key, build)`: the rows `build()` writes, built by the first test that asks for `key` and
    copied from memory into every later test's database (build's return value deep-copied): a world that
    took seconds to build costs a bulk insert. Falls back to calling `build()` when the database is not in
    the state the rows were built on (another fixture wrote first, a transactional test emptied it) or the
    clock moved too far (a test travelling in time). Needs the test's database (`db` or `transactional_db`)."""
    from django.db import DEFAULT_DB_ALIAS

    alias = DEFAULT_DB_ALIAS

    def load(key: str, build: Any) -> Any:
        return _snapshots.load(key, build, alias)

    return load


@pytest.fixture
def malang_regions(db: Any) -> Any:
    from praja.territory.loader import load_regions
    from praja.territory.models import Region

    load_regions("35.07")
    return Region.objects.get(code="35.07")


@pytest.fixture
def demo_district(db: Any, built_once: Any) -> Any:
    """The demo district: built by the first test that asks for it, then copied into each later test's database
    (see `built_once`)."""
    from praja.demo.district import build_demo

    return built_once("demo_district", build_demo)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # schemathesis gives its per-operation items (test_api_schemathesis.py: 32) one node id between them, and
    # pytest-xdist schedules by node id: all but the first operation were silently not run under `make test`.
    # Each gets its own id, its name ("test_every_answer_is_documented[POST /api/v1/reports]").
    for item in items:
        if item.nodeid.endswith("::" + getattr(item, "originalname", item.name)) and item.name != item.originalname:
            item._id = item.parent.id.child(item.name)  # pytest 9: the structured id nodeid is read from
    # Browser tests use live_server, whose teardown empties the database: run them last.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)


# --- tests that read ../shared/data ---------------------------------------------------------------------------


def _require_shared() -> bool:
    return os.environ.get("PRAJA_REQUIRE_SHARED_DATA", "") == "1"


def _missing_shared(marker: Any) -> str:
    """'' when the shared data (and the paths the marker names) are there, else what is missing."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.SHARED_DATA_DIR)
    if not root.is_dir():
        return f"{root} (../shared/data, set PRAJA_SHARED_DATA)"
    missing = [str(root / p) for p in marker.args if not (root / p).exists()]
    return ", ".join(missing)


def pytest_runtest_setup(item: Any) -> None:
    marker = item.get_closest_marker("needs_shared_data")
    if marker is None:
        return
    missing = _missing_shared(marker)
    if not missing:
        return
    if _require_shared():
        pytest.fail(f"needs the shared corpora, missing: {missing}; PRAJA_REQUIRE_SHARED_DATA=1 forbids skipping")
    pytest.skip(f"needs the shared corpora, absent here: {missing}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _require_shared() and item.get_closest_marker("needs_shared_data") is not None:
        # the shared data is there (.ci/run), so a test that needs it must run: a skip for any reason fails
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} skipped although PRAJA_REQUIRE_SHARED_DATA=1: {report.longrepr}"
