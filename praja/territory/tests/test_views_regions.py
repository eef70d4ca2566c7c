"""Region and jurisdiction pages and their API."""

# Fixtures imported from praja.accounts.tests.fixtures reappear as test parameters:
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import (  # noqa: F401 - fixtures
    HOME_DESA,
    HOME_KEC,
    OTHER_KEC,
    World,
    client_for,
    main_of,
    officer_client,
    root_client,
    world,
)

pytestmark = pytest.mark.django_db


def test_national_user_starts_at_the_provinces(root_client: Client) -> None:
    body = main_of(root_client.get(reverse("territory:region_list")))
    assert "Jawa Timur" in body and "Donomulyo" not in body
    r = root_client.get("/api/v1/territory/regions").json()
    assert [x["code"] for x in r["items"]] == ["35"]


def test_kecamatan_page_lists_desa_with_tps_and_voters(officer_client: Client) -> None:
    r = officer_client.get(reverse("territory:region_detail", args=[HOME_KEC]))
    body = r.content.decode()
    assert "3 TPS, 840 pemilih" in body  # 250 + 310 + 280
    row = body.split("Tulungrejo</td>")[1].split("</tr>")[0]
    assert "<td>2</td>" in row and "<td>560</td>" in row


def test_desa_page_lists_its_tps(officer_client: Client) -> None:
    body = officer_client.get(reverse("territory:region_detail", args=[HOME_DESA])).content.decode()
    assert f"{HOME_DESA}/001" in body and f"{HOME_DESA}/002" in body and "35.07.01.2002/001" not in body
    assert reverse("territory:region_detail", args=[HOME_KEC]) in body  # link up to the kecamatan


def test_jurisdiction_detail_shows_only_kecamatan_in_scope(officer_client: Client, world: World) -> None:
    body = officer_client.get(
        reverse("territory:jurisdiction_detail", args=["polres-malang"])
    ).content.decode()
    assert "Donomulyo" in body and "Kalipare" not in body
    assert "dan 1 kecamatan di luar wilayah Anda" in body
    ops = client_for(world.people["polres_ops"].user, second_factor=False)
    body = ops.get(reverse("territory:jurisdiction_detail", args=["polres-malang"])).content.decode()
    assert "Donomulyo" in body and "Kalipare" in body and "di luar wilayah" not in body
    assert "Polsek Kalipare" in body  # its Polsek are listed below it


def test_jurisdiction_list_filters_by_kind(world: World) -> None:
    ops = client_for(world.people["polres_ops"].user, second_factor=False)
    body = main_of(ops.get(reverse("territory:jurisdiction_list"), {"jenis": "polsek"}))
    assert "Polsek Donomulyo" in body and "Polsek Kalipare" in body
    assert reverse("territory:jurisdiction_detail", args=["polres-malang"]) not in body
    items = ops.get("/api/v1/territory/jurisdictions?kind=polres").json()["items"]
    assert [j["slug"] for j in items] == ["polres-malang"]
    assert items[0]["kecamatan"] == [HOME_KEC, OTHER_KEC]
