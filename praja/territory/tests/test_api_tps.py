"""The TPS API: list with filters, one TPS, and PATCH with the same validation as the edit page."""

# Fixtures imported from praja.accounts.tests.fixtures reappear as test parameters:
# ruff: noqa: F811

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import (  # noqa: F401 - fixtures
    HOME_DESA,
    HOME_DESA_2,
    HOME_KEC,
    OTHER_DESA,
    OTHER_KEC,
    World,
    client_for,
    make_person,
    officer_client,
    world,
)
from praja.base.models import AuditEntry
from praja.territory.models import TPS

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(world: World) -> Client:
    return client_for(world.people["polres_ops"].user, second_factor=False)


def patch(client: Client, desa: str, number: int, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/v1/territory/tps/{desa}/{number}", json.dumps(body), content_type="application/json"
    )


def codes(client: Client, query: str = "") -> list[str]:
    r = client.get(f"/api/v1/territory/tps{query}")
    assert r.status_code == 200
    return [t["code"] for t in r.json()["items"]]


def test_list_filters_by_kecamatan_desa_code_and_generated(ops_client: Client) -> None:
    assert len(codes(ops_client)) == 4
    assert codes(ops_client, f"?kecamatan={OTHER_KEC}") == [f"{OTHER_DESA}/001"]
    assert codes(ops_client, f"?desa={HOME_DESA_2}") == [f"{HOME_DESA_2}/001"]
    assert codes(ops_client, "?q=2001/002") == [f"{HOME_DESA}/002"]
    assert codes(ops_client, "?generated=true") == [f"{HOME_DESA}/001", f"{OTHER_DESA}/001"]


def test_list_is_paginated(ops_client: Client) -> None:
    r = ops_client.get("/api/v1/territory/tps?limit=2&offset=1").json()
    assert r["count"] == 4 and [t["code"] for t in r["items"]] == [f"{HOME_DESA}/002", f"{HOME_DESA_2}/001"]


def test_get_returns_the_fields_a_user_needs(officer_client: Client) -> None:
    t = officer_client.get(f"/api/v1/territory/tps/{HOME_DESA}/1").json()
    assert t == {
        "code": f"{HOME_DESA}/001",
        "desa": HOME_DESA,
        "desa_name": "Tulungrejo",
        "kecamatan": HOME_KEC,
        "number": 1,
        "voters": 250,
        "address": f"Balai {HOME_DESA} 1",
        "lat": -8.30,
        "lng": 112.41,
        "voters_generated": True,
        "location_generated": True,
        "source": "",
    }


def test_patch_changes_only_what_is_sent_and_clears_its_generated_flag(officer_client: Client) -> None:
    r = patch(officer_client, HOME_DESA, 1, {"voters": 260})
    assert r.status_code == 200
    assert r.json()["tps"]["voters"] == 260 and r.json()["warnings"] == []
    t = TPS.objects.get(desa_id=HOME_DESA, number=1)
    assert (t.voters, t.address, t.lat, t.voters_generated, t.location_generated) == (
        260,
        f"Balai {HOME_DESA} 1",
        -8.30,
        False,
        True,
    )
    r = patch(officer_client, HOME_DESA, 1, {"lat": -8.2995, "lng": 112.4105})
    t.refresh_from_db()
    assert (t.lat, t.lng, t.location_generated) == (-8.2995, 112.4105, False)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"voters": 0}, "voters"),
        ({"voters": 5000}, "voters"),
        ({"voters": None}, "voters"),
        ({"lat": 50.0}, "lat"),
        ({"lng": 10.0}, "lng"),
        ({"lat": None}, "__all__"),
    ],
)
def test_patch_refuses_bad_values_and_says_which_field(
    officer_client: Client,
    body: dict[str, Any],
    field: str,
) -> None:
    n = AuditEntry.objects.count()
    r = patch(officer_client, HOME_DESA, 2, body)
    assert r.status_code == 400
    assert field in r.json()["errors"]
    t = TPS.objects.get(desa_id=HOME_DESA, number=2)
    assert (t.voters, t.lat, t.lng) == (310, -8.30, 112.41)
    assert AuditEntry.objects.count() == n


def test_patch_warns_above_the_legal_maximum(officer_client: Client) -> None:
    r = patch(officer_client, HOME_DESA, 2, {"voters": 700})
    assert r.status_code == 200 and "600" in r.json()["warnings"][0]


def test_patch_needs_the_edit_capability(world: World) -> None:
    camat = make_person("camat", world.agencies["polsek-donomulyo"], [("camat", HOME_KEC)])
    client = client_for(camat.user, second_factor=False)
    assert client.get(f"/api/v1/territory/tps/{HOME_DESA}/1").status_code == 200
    assert patch(client, HOME_DESA, 1, {"voters": 1}).status_code == 403
    assert TPS.objects.get(desa_id=HOME_DESA, number=1).voters == 250


def test_anonymous_callers_get_401(world: World) -> None:
    assert Client().get(f"/api/v1/territory/tps/{HOME_DESA}/1").status_code == 401
    assert patch(Client(), HOME_DESA, 1, {"voters": 1}).status_code == 401


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "limit=0", "limit=5000", "offset=-1"])
def test_out_of_range_paging_is_a_clear_422(ops_client: Client, query: str) -> None:
    r = ops_client.get(f"/api/v1/territory/tps?{query}")
    assert r.status_code == 422
