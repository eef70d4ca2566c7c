"""TPS pages: the list with its filters, the detail, and the edit form with its validation."""

# Fixtures imported from praja.accounts.tests.fixtures reappear as test parameters:
# ruff: noqa: F811

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

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
    """Polres operations staff: scope is the whole regency 35.07."""
    return client_for(world.people["polres_ops"].user, second_factor=False)


@pytest.fixture
def camat_client(world: World) -> Client:
    """A camat sees the territory of the kecamatan but may not edit TPS."""
    p = make_person("camat", world.agencies["polsek-donomulyo"], [("camat", HOME_KEC)])
    return client_for(p.user, second_factor=False)


def rows(response: Any) -> list[str]:
    """TPS codes of the rows of the list, in order."""
    return re.findall(r'<td><a href="/wilayah/tps/[^"/]+/\d+/">([^<]+)</a></td>', response.content.decode())


def edit(client: Client, desa: str, number: int, **data: str) -> Any:
    tps = TPS.objects.get(desa_id=desa, number=number)
    form = {
        "voters": str(tps.voters),
        "address": tps.address,
        "lat": "" if tps.lat is None else str(tps.lat),
        "lng": "" if tps.lng is None else str(tps.lng),
    }
    form.update(data)
    return client.post(reverse("territory:tps_edit", args=[desa, number]), form)


class TestList:
    url = reverse("territory:tps_list")

    def test_lists_every_tps_in_scope_with_its_columns(self, ops_client: Client) -> None:
        r = ops_client.get(self.url)
        assert rows(r) == [f"{HOME_DESA}/001", f"{HOME_DESA}/002", f"{HOME_DESA_2}/001", f"{OTHER_DESA}/001"]
        body = r.content.decode()
        assert "Tulungrejo" in body and "Balai 35.07.01.2001 1" in body and "-8.30000, 112.41000" in body
        assert "4 TPS, 1240 pemilih" in body

    def test_filters_by_kecamatan_and_desa(self, ops_client: Client) -> None:
        assert rows(ops_client.get(self.url, {"kecamatan": OTHER_KEC})) == [f"{OTHER_DESA}/001"]
        r = ops_client.get(self.url, {"kecamatan": HOME_KEC, "desa": HOME_DESA_2})
        assert rows(r) == [f"{HOME_DESA_2}/001"]

    def test_searches_by_code(self, ops_client: Client) -> None:
        assert rows(ops_client.get(self.url, {"q": "2001/002"})) == [f"{HOME_DESA}/002"]

    def test_marks_generated_values(self, ops_client: Client) -> None:
        body = ops_client.get(self.url, {"kecamatan": HOME_KEC}).content.decode()
        first, second = body.split(f"{HOME_DESA}/002")[0], body.split(f"{HOME_DESA}/002")[1]
        assert "bangkitan</span>" in first.split(f"{HOME_DESA}/001")[-1]  # TPS 001 was generated
        assert "bangkitan</span>" not in second.split(f"{HOME_DESA_2}/001")[0]  # TPS 002 was not
        assert rows(ops_client.get(self.url, {"bangkitan": "1"})) == [f"{HOME_DESA}/001", f"{OTHER_DESA}/001"]
        assert rows(ops_client.get(self.url, {"bangkitan": "0"})) == [
            f"{HOME_DESA}/002",
            f"{HOME_DESA_2}/001",
        ]

    def test_is_paginated(self, ops_client: Client, world: World) -> None:
        TPS.objects.bulk_create(
            [
                TPS(code=f"{HOME_DESA_2}/{n:03d}", desa_id=HOME_DESA_2, number=n, voters=200)
                for n in range(2, 62)
            ]
        )
        first = ops_client.get(self.url)
        assert len(rows(first)) == 50 and "Halaman 1 dari 2" in first.content.decode()
        second = ops_client.get(self.url, {"page": 2})
        assert len(rows(second)) == 14
        assert not set(rows(first)) & set(rows(second))


class TestDetailAndEdit:
    def test_detail_shows_the_tps_and_an_edit_link_for_editors(
        self, officer_client: Client, camat_client: Client
    ) -> None:
        body = officer_client.get(reverse("territory:tps_detail", args=[HOME_DESA, 1])).content.decode()
        assert f"{HOME_DESA}/001" in body and "250" in body
        assert reverse("territory:tps_edit", args=[HOME_DESA, 1]) in body
        body = camat_client.get(reverse("territory:tps_detail", args=[HOME_DESA, 1])).content.decode()
        assert reverse("territory:tps_edit", args=[HOME_DESA, 1]) not in body

    def test_edit_needs_the_edit_capability(self, camat_client: Client) -> None:
        assert camat_client.get(reverse("territory:tps_edit", args=[HOME_DESA, 1])).status_code == 403
        assert edit(camat_client, HOME_DESA, 1, voters="200").status_code == 403
        assert TPS.objects.get(desa_id=HOME_DESA, number=1).voters == 250

    def test_edit_saves_and_returns_to_the_detail(self, officer_client: Client) -> None:
        r = edit(
            officer_client,
            HOME_DESA,
            2,
            voters="333",
            address="SDN 1 Tulungrejo",
            lat="-8.301",
            lng="112.412",
        )
        assert r.status_code == 302 and r["Location"] == reverse("territory:tps_detail", args=[HOME_DESA, 2])
        t = TPS.objects.get(desa_id=HOME_DESA, number=2)
        assert (t.voters, t.address, t.lat, t.lng) == (333, "SDN 1 Tulungrejo", -8.301, 112.412)

    @pytest.mark.parametrize("voters", ["0", "1001", "-5", "abc", ""])
    def test_voters_outside_the_bounds_are_refused(self, officer_client: Client, voters: str) -> None:
        r = edit(officer_client, HOME_DESA, 2, voters=voters)
        assert r.status_code == 200 and 'class="errorlist' in r.content.decode()
        assert TPS.objects.get(desa_id=HOME_DESA, number=2).voters == 310

    def test_voter_bounds_come_from_settings(self, officer_client: Client, settings: Any) -> None:
        settings.PRAJA = {**settings.PRAJA, "TPS_MAX_VOTERS": 500}
        r = edit(officer_client, HOME_DESA, 2, voters="550")
        assert r.status_code == 200 and "500" in r.content.decode()
        assert TPS.objects.get(desa_id=HOME_DESA, number=2).voters == 310

    def test_voters_above_the_legal_maximum_are_saved_with_a_warning(self, officer_client: Client) -> None:
        r = edit(officer_client, HOME_DESA, 2, voters="650")
        assert r.status_code == 302
        assert TPS.objects.get(desa_id=HOME_DESA, number=2).voters == 650
        body = officer_client.get(r["Location"]).content.decode()
        assert "melebihi batas 600" in body

    @pytest.mark.parametrize(
        "lat,lng",
        [("-8.3", ""), ("", "112.4"), ("48.85", "2.35"), ("-8.3", "200"), ("-95", "112.4"), ("x", "112.4")],
    )
    def test_bad_coordinates_are_refused(self, officer_client: Client, lat: str, lng: str) -> None:
        r = edit(officer_client, HOME_DESA, 2, lat=lat, lng=lng)
        assert r.status_code == 200 and 'class="errorlist' in r.content.decode()
        assert TPS.objects.get(desa_id=HOME_DESA, number=2).lat == -8.30

    def test_clearing_both_coordinates_is_allowed(self, officer_client: Client) -> None:
        assert edit(officer_client, HOME_DESA, 2, lat="", lng="").status_code == 302
        t = TPS.objects.get(desa_id=HOME_DESA, number=2)
        assert t.lat is None and t.lng is None

    def test_editing_voters_clears_only_the_voters_generated_flag(self, officer_client: Client) -> None:
        edit(officer_client, HOME_DESA, 1, voters="251")
        t = TPS.objects.get(desa_id=HOME_DESA, number=1)
        assert (t.voters_generated, t.location_generated) == (False, True)

    def test_editing_coordinates_clears_only_the_location_generated_flag(
        self, officer_client: Client
    ) -> None:
        edit(officer_client, HOME_DESA, 1, lat="-8.2999", lng="112.4101")
        t = TPS.objects.get(desa_id=HOME_DESA, number=1)
        assert (t.voters_generated, t.location_generated) == (True, False)

    def test_editing_the_address_alone_keeps_the_generated_flags(self, officer_client: Client) -> None:
        edit(officer_client, HOME_DESA, 1, address="Balai Desa")
        t = TPS.objects.get(desa_id=HOME_DESA, number=1)
        assert t.address == "Balai Desa" and (t.voters_generated, t.location_generated) == (True, True)

    def test_saving_without_changes_writes_nothing(self, officer_client: Client) -> None:
        n = AuditEntry.objects.count()
        assert edit(officer_client, HOME_DESA, 1).status_code == 302
        assert AuditEntry.objects.count() == n
        t = TPS.objects.get(desa_id=HOME_DESA, number=1)
        assert (t.voters_generated, t.location_generated) == (True, True)
