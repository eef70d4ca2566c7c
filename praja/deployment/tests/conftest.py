"""Fixtures of the deployment tests: the accounts app's two-kecamatan world (35.07.01 Donomulyo, 35.07.02
Kalipare) with more TPS, a neighbouring regency (35.08, for province plans), pools drawn from the
jurisdictions, and jobs that run at once (eager) unless a test says otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.accounts.tests.fixtures import World, client_for
from praja.base import audit
from praja.territory.models import TPS, Jurisdiction, Region

SYSTEM = audit.Actor(None, "system:test", "", "cli")
DESA = "35.07.01.2001"  # Tulungrejo (Donomulyo)
DESA_2 = "35.07.01.2002"  # Sumberoto (Donomulyo)
OTHER_DESA = "35.07.02.2001"  # Arjosari (Kalipare)
LUMAJANG_DESA = "35.08.01.2001"


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "celery: runs a real Celery worker on the machine's Redis (127.0.0.1:6379)")


@pytest.fixture(autouse=True)
def _eager_jobs(settings: Any) -> None:
    """Jobs run at once in the test's thread (and its transaction); Celery off unless a test turns it on."""
    settings.PRAJA_JOBS_EAGER = True
    settings.PRAJA_CELERY_BROKER_URL = ""


def set_class(code: str, klass: str) -> None:
    from praja.risk.models import TPSScore

    now = timezone.now()
    TPSScore.objects.update_or_create(
        tps_id=code,
        defaults={"score": 90.0, "klass": klass, "score_klass": klass, "assessed_share": 1.0, "computed_at": now},
    )


@pytest.fixture
def dep_world(world: World) -> World:
    """13 TPS in Tulungrejo (two posts under the default pattern), 1 in Sumberoto, 2 in Arjosari (one
    without coordinates: placed at the desa centroid), and regency 35.08 with 3 TPS and its Polsek."""
    w = world
    lat, lng = w.regions[DESA].centroid_lat, w.regions[DESA].centroid_lng
    assert lat is not None and lng is not None
    for n in range(3, 14):
        t = TPS.objects.create(desa_id=DESA, number=n, voters=200 + n, address=f"Dusun {n}",
                               lat=lat + 0.0005 * (n % 3), lng=lng + 0.0005 * (n % 4))
        w.tps[t.code] = t
    t = TPS.objects.create(desa_id=OTHER_DESA, number=2, voters=150, address="Balai Arjosari 2")
    w.tps[t.code] = t
    for code, name, level, kind, parent, clat, clng in [
        ("35.08", "Lumajang", 2, "kabupaten", "35", -8.13, 113.22),
        ("35.08.01", "Tempursari", 3, "kecamatan", "35.08", -8.29, 113.03),
        (LUMAJANG_DESA, "Tempursari", 4, "desa", "35.08.01", -8.30, 113.02),
    ]:
        w.regions[code] = Region.objects.create(code=code, name=name, level=level, kind=kind, parent_id=parent,
                                                centroid_lat=clat, centroid_lng=clng)
    for n in range(1, 4):
        t = TPS.objects.create(desa_id=LUMAJANG_DESA, number=n, voters=300, lat=-8.30, lng=113.02 + 0.001 * n)
        w.tps[t.code] = t
    j = Jurisdiction.objects.create(slug="polsek-tempursari", kind="polsek", name="Polsek Tempursari")
    j.kecamatan.set(["35.08.01"])
    return w


@pytest.fixture
def ops_client(dep_world: World) -> Client:
    """Polres operations staff of 35.07 (deployment.plan)."""
    return client_for(dep_world.people["polres_ops"].user, second_factor=False)


@pytest.fixture
def polsek_client(dep_world: World) -> Client:
    """A Polsek officer of 35.07.01 (deployment.view only)."""
    return client_for(dep_world.people["officer"].user, second_factor=False)


@pytest.fixture
def done_plan(dep_world: World) -> Any:
    """A finished plan of regency 35.07 under the default pattern and the suggested pools."""
    from praja.deployment import pattern_settings, plan_jobs, regency_pools

    with audit.acting_as(SYSTEM):
        region = "35.07"
        pattern = pattern_settings.default_pattern(region)
        plan = plan_jobs.create_plan(region, pattern, pattern_settings.settings_for(region).to_core(),
                                     regency_pools.snapshot_pools(region), name="uji")
        plan_jobs.run_plan(plan.pk)
    plan.refresh_from_db()
    return plan
