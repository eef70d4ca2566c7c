"""A small two-kecamatan world for scoping tests: 35.07.01 (Donomulyo) and 35.07.02 (Kalipare).

Imported by the conftest of the accounts and territory tests (`from praja.accounts.tests.fixtures import *`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from praja.accounts.models import Agency, Person, RoleAssignment
from praja.base import audit
from praja.base.models import AuditEntry
from praja.territory.models import TPS, Jurisdiction, Region

HOME_KEC = "35.07.01"
OTHER_KEC = "35.07.02"
HOME_DESA = "35.07.01.2001"
HOME_DESA_2 = "35.07.01.2002"
OTHER_DESA = "35.07.02.2001"


@dataclass
class World:
    regions: dict[str, Region] = field(default_factory=dict)
    tps: dict[str, TPS] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    assignments: dict[str, RoleAssignment] = field(default_factory=dict)
    audit: dict[str, AuditEntry] = field(default_factory=dict)
    superuser: Any = None


def make_person(username: str, agency: Agency, roles: list[tuple[str, str | None]], **extra: Any) -> Person:
    user = get_user_model().objects.create_user(username=username, password=None)
    person = Person.objects.create(
        user=user,
        agency=agency,
        full_name=extra.pop("full_name", username.replace("_", " ").title()),
        **extra,
    )
    for role, region in roles:
        RoleAssignment.objects.create(person=person, role=role, region_id=region)
    return person


def build_world() -> World:
    w = World()
    rows = [
        ("35", "Jawa Timur", 1, "provinsi", None, -7.5, 112.5),
        ("35.07", "Malang", 2, "kabupaten", "35", -8.1, 112.6),
        (HOME_KEC, "Donomulyo", 3, "kecamatan", "35.07", -8.29, 112.42),
        (OTHER_KEC, "Kalipare", 3, "kecamatan", "35.07", -8.2, 112.45),
        (HOME_DESA, "Tulungrejo", 4, "desa", HOME_KEC, -8.30, 112.41),
        (HOME_DESA_2, "Sumberoto", 4, "desa", HOME_KEC, -8.31, 112.43),
        (OTHER_DESA, "Arjosari", 4, "desa", OTHER_KEC, -8.21, 112.46),
    ]
    for code, name, level, kind, parent, lat, lng in rows:
        w.regions[code] = Region.objects.create(
            code=code, name=name, level=level, kind=kind, parent_id=parent, centroid_lat=lat, centroid_lng=lng
        )
    for desa, number, voters, gen in [
        (HOME_DESA, 1, 250, True),
        (HOME_DESA, 2, 310, False),
        (HOME_DESA_2, 1, 280, False),
        (OTHER_DESA, 1, 400, True),
    ]:
        t = TPS.objects.create(
            desa_id=desa,
            number=number,
            voters=voters,
            address=f"Balai {desa} {number}",
            lat=w.regions[desa].centroid_lat,
            lng=w.regions[desa].centroid_lng,
            voters_generated=gen,
            location_generated=gen,
        )
        w.tps[t.code] = t
    polres = Jurisdiction.objects.create(slug="polres-malang", kind="polres", name="Polres Malang")
    polres.kecamatan.set([HOME_KEC, OTHER_KEC])
    home = Jurisdiction.objects.create(
        slug="polsek-donomulyo", kind="polsek", name="Polsek Donomulyo", parent=polres
    )
    home.kecamatan.set([HOME_KEC])
    other = Jurisdiction.objects.create(
        slug="polsek-kalipare", kind="polsek", name="Polsek Kalipare", parent=polres
    )
    other.kecamatan.set([OTHER_KEC])
    w.jurisdictions = {j.slug: j for j in (polres, home, other)}
    a_polres = Agency.objects.create(
        slug="polres-malang", kind="polres", name="Polres Malang", region_id="35.07", jurisdiction=polres
    )
    a_home = Agency.objects.create(
        slug="polsek-donomulyo",
        kind="polsek",
        name="Polsek Donomulyo",
        region_id=HOME_KEC,
        parent=a_polres,
        jurisdiction=home,
    )
    a_other = Agency.objects.create(
        slug="polsek-kalipare",
        kind="polsek",
        name="Polsek Kalipare",
        region_id=OTHER_KEC,
        parent=a_polres,
        jurisdiction=other,
    )
    w.agencies = {a.slug: a for a in (a_polres, a_home, a_other)}
    w.people["officer"] = make_person(
        "officer",
        a_home,
        [("polsek_officer", HOME_KEC)],
        phone="081234567890",
        staff_number="87050123",
        full_name="Bripka Agus Santoso",
    )
    w.people["kapolsek"] = make_person("kapolsek", a_home, [("polsek_leader", HOME_KEC)])
    w.people["other_officer"] = make_person(
        "other_officer",
        a_other,
        [("polsek_officer", OTHER_KEC)],
        phone="085712345678",
        staff_number="88010999",
        full_name="Briptu Dewi Lestari",
    )
    w.people["polres_ops"] = make_person("polres_ops", a_polres, [("polres_ops", "35.07")])
    w.people["polsek_admin"] = make_person("polsek_admin", a_home, [("admin", HOME_KEC)])
    for key, p in w.people.items():
        w.assignments[key] = p.assignments.get()
    w.superuser = get_user_model().objects.create_superuser("root", "root@example.org", None)
    with audit.acting_as(audit.Actor(None, "system:test", "", "cli")):
        w.audit["home"] = audit.record(
            "update", "territory.tps", f"{HOME_DESA}/001", f"{HOME_DESA}/001", {"voters": [240, 250]}
        )
        w.audit["other"] = audit.record(
            "update", "territory.tps", f"{OTHER_DESA}/001", f"{OTHER_DESA}/001", {"voters": [390, 400]}
        )
        w.audit["national"] = audit.record("import", "territory.region", "", "", {"rows": 7})
    return w


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def verify_second_factor(client: Client, user: Any) -> TOTPDevice:
    """Mark the client's session as having passed TOTP with a confirmed device of `user`."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def client_for(user: Any, second_factor: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    if second_factor:
        verify_second_factor(client, user)
    return client


@pytest.fixture
def officer_client(world: World) -> Client:
    """Signed in as a Polsek officer holding polsek_officer on kecamatan 35.07.01."""
    return client_for(world.people["officer"].user, second_factor=False)


@pytest.fixture
def kapolsek_client(world: World) -> Client:
    return client_for(world.people["kapolsek"].user, second_factor=False)


@pytest.fixture
def polsek_admin_client(world: World) -> Client:
    """An administrator scoped to kecamatan 35.07.01 who has passed the second factor."""
    return client_for(world.people["polsek_admin"].user)


@pytest.fixture
def root_client(world: World) -> Client:
    return client_for(world.superuser)


def main_of(response: Any) -> str:
    """The page's own content (inside <main>), without the header, menus and region picker of base.html."""
    body = response.content.decode()
    start = body.find("<main")
    end = body.rfind("</main>")
    assert start != -1 and end != -1, "no <main> in the page"
    return body[start:end]


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    """Change the audit tables behind the application's back, as someone with database access could. On
    PostgreSQL the append-only triggers are skipped the way an owner could (session_replication_role)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params or [])
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
