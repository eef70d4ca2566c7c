"""A small world for the situation tests: two kecamatan of Kabupaten Malang (35.07) with outlines and
TPS, and one kecamatan of Kota Malang (35.73) that a Malang officer must never see."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from praja.accounts.models import Agency, Person, RoleAssignment
from praja.territory.models import TPS, Region

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def square(lng: float, lat: float, half: float) -> dict[str, Any]:
    """A GeoJSON Polygon: a square with many points per side (so simplification has work to do)."""
    n = 20
    side = [i / n for i in range(n)]
    ring = (
        [[lng - half + 2 * half * t, lat - half] for t in side]
        + [[lng + half, lat - half + 2 * half * t] for t in side]
        + [[lng + half - 2 * half * t, lat + half] for t in side]
        + [[lng - half, lat + half - 2 * half * t] for t in side]
    )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class World:
    regions: dict[str, Region] = field(default_factory=dict)
    tps: dict[str, TPS] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)


REGIONS = [
    # code, name, level, kind, parent, lat, lng, outline half-size (None: no outline)
    ("35", "Jawa Timur", 1, "provinsi", None, -7.5, 112.5, None),
    ("35.07", "Malang", 2, "kabupaten", "35", -8.1, 112.6, None),
    ("35.07.01", "Donomulyo", 3, "kecamatan", "35.07", -8.30, 112.42, 0.05),
    # No outline, and one desa without one either: drawn as a Point.
    ("35.07.02", "Kalipare", 3, "kecamatan", "35.07", -8.20, 112.52, None),
    ("35.07.01.2001", "Tulungrejo", 4, "desa", "35.07.01", -8.31, 112.41, 0.01),
    ("35.07.01.2002", "Sumberoto", 4, "desa", "35.07.01", -8.31, 112.43, 0.01),  # shares an edge
    ("35.07.02.2001", "Arjosari", 4, "desa", "35.07.02", -8.21, 112.51, 0.01),
    ("35.07.02.2002", "Kalipare", 4, "desa", "35.07.02", -8.19, 112.53, None),
    ("35.73", "Kota Malang", 2, "kota", "35", -7.98, 112.63, None),
    ("35.73.01", "Kedungkandang", 3, "kecamatan", "35.73", -8.0, 112.66, 0.03),
    ("35.73.01.1001", "Arjowinangun", 4, "kelurahan", "35.73.01", -8.02, 112.65, 0.01),
    ("35.73.01.1002", "Bumiayu", 4, "kelurahan", "35.73.01", -8.01, 112.67, None),
]

TPS_ROWS = [
    # desa, number, voters, voters generated, location generated, has coordinates
    ("35.07.01.2001", 1, 250, True, True, True),
    ("35.07.01.2001", 2, 310, False, False, True),
    ("35.07.01.2001", 3, 199, False, False, False),
    ("35.07.01.2002", 1, 280, False, False, True),
    ("35.07.02.2001", 1, 400, True, False, True),
    ("35.07.02.2001", 2, 420, False, False, True),
    ("35.73.01.1001", 1, 500, False, False, True),
]


def build_world() -> World:
    w = World()
    for code, name, level, kind, parent, lat, lng, half in REGIONS:
        w.regions[code] = Region.objects.create(
            code=code, name=name, level=level, kind=kind, parent_id=parent, centroid_lat=lat, centroid_lng=lng,
            boundary=square(lng, lat, half) if half else None,
        )
    for desa, number, voters, gen_voters, gen_location, located in TPS_ROWS:
        r = w.regions[desa]
        t = TPS.objects.create(
            desa_id=desa, number=number, voters=voters, address=f"Balai desa {r.name} no. {number}",
            lat=(r.centroid_lat or 0) + number * 0.001 if located else None,
            lng=(r.centroid_lng or 0) + number * 0.001 if located else None,
            voters_generated=gen_voters, location_generated=gen_location,
        )
        w.tps[t.code] = t
    for slug, kind, name, region in [
        ("polres-malang", "polres", "Polres Malang", "35.07"),
        ("polsek-donomulyo", "polsek", "Polsek Donomulyo", "35.07.01"),
        ("polresta-malang-kota", "polres", "Polresta Malang Kota", "35.73"),
        ("pemprov", "pemda", "Pemerintah Provinsi Jawa Timur", "35"),
    ]:
        w.agencies[slug] = Agency.objects.create(slug=slug, kind=kind, name=name, region_id=region)
    return w


@pytest.fixture(autouse=True)
def _afternoon(afternoon: None) -> None:
    """The situation pages count "today" from local midnight and the tests make reports, rakor and clarifications
    hours before now: run at 00:05 WIB (17:05 UTC, when CI may well run) those fell on yesterday and the day's
    panels were empty. Every situation test therefore runs at 13:00 local time today, the clock ticking on."""


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def person(username: str, agency: Agency, roles: list[tuple[str, str | None]], name: str = "") -> Person:
    user = get_user_model().objects.create_user(username=username, password=None)
    p = Person.objects.create(user=user, agency=agency, full_name=name or username.title())
    for role, region in roles:
        RoleAssignment.objects.create(person=p, role=role, region_id=region)
    return p


def client_for(p: Person) -> Client:
    c = Client()
    c.force_login(p.user)
    return c


@pytest.fixture
def polres_ops(world: World) -> Client:
    return client_for(person("ops", world.agencies["polres-malang"], [("polres_ops", "35.07")], "Iptu Budi"))


@pytest.fixture
def polsek(world: World) -> Client:
    return client_for(
        person("polsek", world.agencies["polsek-donomulyo"], [("polsek_officer", "35.07.01")], "Aiptu Slamet")
    )


@pytest.fixture
def national(world: World) -> Client:
    # A province-wide viewer without a region: the whole country (pemda staff needs no second factor).
    return client_for(person("nasional", world.agencies["pemprov"], [("pemda_staff", None)], "Staf Nasional"))


@pytest.fixture(scope="session")
def compiled_messages() -> None:
    """The .mo files (the Makefile compiles them at setup; compile here when missing or stale)."""
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    from django.utils.translation import trans_real

    # Forget catalogues loaded before the .mo files were (re)compiled.
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


from praja.situation.tests.busy import busy  # noqa: E402,F401 - the dashboard and lapsit tests' busy day
