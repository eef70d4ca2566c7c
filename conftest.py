"""Fixtures shared by every app's tests.

`malang_regions`: the regions of Kabupaten Malang (35.07) with centroids, no TPS (fast).
`demo_district`: the whole demo district built by `praja.territory.demo.build_demo()` inside the
test's transaction (rolled back afterwards), so tests never see each other's data.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
