"""Stakeholders: listed with contacts masked, whole only for those who may see people, scoped by region,
added and edited by coordinators inside their scope."""

from __future__ import annotations

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import HOME_KEC, OTHER_KEC, World, client_for
from praja.coordination.models import Stakeholder
from praja.coordination.tests.conftest import SYSTEM


@pytest.fixture
def people(world: World) -> dict[str, Stakeholder]:
    from praja.base import audit

    with audit.acting_as(SYSTEM):
        return {
            "fkub": Stakeholder.objects.create(name="KH Ahmad Fauzi", kind="fkub", position="Ketua FKUB",
                                               region_id="35.07", phone="081234567001", email="fauzi@example.org"),
            "adat": Stakeholder.objects.create(name="Mbah Sarip", kind="adat", region_id=HOME_KEC,
                                               phone="085700001111"),
            "media": Stakeholder.objects.create(name="Radar Kalipare", kind="media", region_id=OTHER_KEC,
                                                phone="081399998888"),
        }


def test_the_list_masks_contacts(people: dict[str, Stakeholder], ops: Client) -> None:
    body = ops.get("/koordinasi/pemangku/").content.decode()
    assert "KH Ahmad Fauzi" in body and "Radar Kalipare" in body
    assert "081234567001" not in body and "fauzi@example.org" not in body
    assert "0812******01" in body and "f****@example.org" in body


def test_a_polsek_sees_its_kecamatan_and_the_regency_never_the_neighbour(people: dict[str, Stakeholder],
                                                                      officer: Client) -> None:
    body = officer.get("/koordinasi/pemangku/").content.decode()
    assert "Mbah Sarip" in body and "KH Ahmad Fauzi" in body
    assert "Radar Kalipare" not in body
    assert officer.get(f"/koordinasi/pemangku/{people['media'].pk}/").status_code == 404


def test_the_whole_contact_only_for_those_who_see_people(people: dict[str, Stakeholder], ops: Client,
                                                         world: World) -> None:
    page = ops.get(f"/koordinasi/pemangku/{people['fkub'].pk}/").content.decode()
    assert "081234567001" in page and "fauzi@example.org" in page
    # A camat (territory.view only) sees the page, masked.
    from praja.accounts.tests.fixtures import make_person

    camat = client_for(make_person("camat1", world.agencies["polsek-donomulyo"], [("camat", HOME_KEC)]).user)
    page = camat.get(f"/koordinasi/pemangku/{people['adat'].pk}/").content.decode()
    assert "085700001111" not in page and "0857******11" in page


def test_coordinators_add_within_their_scope_others_may_not(people: dict[str, Stakeholder], ops: Client,
                                                            officer: Client) -> None:
    r = ops.post("/koordinasi/pemangku/baru/", {"name": "Pdt. Yohanes", "kind": "agama", "region": HOME_KEC,
                                                "phone": "081200002222", "active": "on"})
    assert r.status_code == 302
    assert Stakeholder.objects.filter(name="Pdt. Yohanes", region_id=HOME_KEC).exists()
    assert officer.get("/koordinasi/pemangku/baru/").status_code == 403
    r = ops.post("/koordinasi/pemangku/baru/", {"name": "Di luar", "kind": "media", "region": "35.73"})
    assert r.status_code == 200 and not Stakeholder.objects.filter(name="Di luar").exists()
