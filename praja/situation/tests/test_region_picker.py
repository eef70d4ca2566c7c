"""The active region: chosen inside the person's scope, kept in the session, narrowing the home page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from praja.base.scope import Scope
from praja.situation.tests.conftest import World
from praja.territory import regionpick

pytestmark = pytest.mark.django_db

PICK = reverse("situation:pick_region")
HOME = reverse("situation:home")


def tps_figure(client: Client) -> str:
    m = re.search(r'data-figure="tps">([^<]*)<', client.get(HOME).content.decode())
    assert m
    return m.group(1)


def options(html: str, field: str) -> list[str]:
    m = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert m, f"no {field} select"
    return [v for v in re.findall(r'<option value="([^"]*)"', m.group(0)) if v]


def test_picking_a_kecamatan_narrows_the_home_figures(polres_ops: Client) -> None:
    assert tps_figure(polres_ops) == "6"
    response = polres_ops.post(PICK, {"kecamatan": "35.07.02", "desa": "", "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert polres_ops.session[regionpick.SESSION_KEY] == "35.07.02"
    assert tps_figure(polres_ops) == "2"
    html = polres_ops.get(HOME).content.decode()
    assert "Wilayah aktif: Kecamatan Kalipare" in html
    assert 'id="desa-table"' in html  # one kecamatan chosen: its desa are listed


def test_picking_a_desa_narrows_to_that_desa(polres_ops: Client) -> None:
    polres_ops.post(PICK, {"kecamatan": "35.07.01", "desa": "35.07.01.2002"})
    assert polres_ops.session[regionpick.SESSION_KEY] == "35.07.01.2002"
    assert tps_figure(polres_ops) == "1"


def test_a_desa_left_over_from_another_kecamatan_is_ignored(polres_ops: Client) -> None:
    polres_ops.post(PICK, {"kecamatan": "35.07.02", "desa": "35.07.01.2001"})
    assert polres_ops.session[regionpick.SESSION_KEY] == "35.07.02"


def test_a_region_outside_the_scope_cannot_be_picked(polsek: Client) -> None:
    response = polsek.post(PICK, {"kecamatan": "35.07.02", "next": HOME}, follow=True)
    assert regionpick.SESSION_KEY not in polsek.session
    assert "di luar cakupan Anda" in response.content.decode()
    assert tps_figure(polsek) == "4"


def test_clearing_returns_to_the_whole_scope(polres_ops: Client) -> None:
    polres_ops.post(PICK, {"kecamatan": "35.07.01"})
    assert tps_figure(polres_ops) == "4"
    polres_ops.post(PICK, {"clear": "1"})
    assert regionpick.SESSION_KEY not in polres_ops.session
    assert tps_figure(polres_ops) == "6"


def test_the_picker_offers_only_regions_in_scope(polres_ops: Client, polsek: Client) -> None:
    assert options(polres_ops.get(HOME).content.decode(), "kecamatan") == ["35.07.01", "35.07.02"]
    assert options(polsek.get(HOME).content.decode(), "kecamatan") == ["35.07.01"]


def test_desa_options_come_once_a_kecamatan_is_chosen(polres_ops: Client) -> None:
    html = polres_ops.get(HOME).content.decode()
    assert options(html, "desa") == []
    polres_ops.post(PICK, {"kecamatan": "35.07.01"})
    html = polres_ops.get(HOME).content.decode()
    assert options(html, "desa") == ["35.07.01.2001", "35.07.01.2002"]
    assert re.search(r'<option value="35.07.01" selected>', html)


def test_htmx_desa_options_are_bounded_by_the_scope(polres_ops: Client, polsek: Client) -> None:
    url = reverse("situation:region_options")
    html = polres_ops.get(url, {"field": "desa", "kecamatan": "35.07.02"}).content.decode()
    assert options(html, "desa") == ["35.07.02.2001", "35.07.02.2002"]
    assert options(polsek.get(url, {"field": "desa", "kecamatan": "35.07.02"}).content.decode(), "desa") == []
    assert options(polres_ops.get(url, {"field": "desa", "kecamatan": "35.73.01"}).content.decode(), "desa") == []


def test_a_national_user_first_picks_the_regency(national: Client) -> None:
    html = national.get(HOME).content.decode()
    assert options(html, "kabupaten") == ["35.07", "35.73"]
    assert options(html, "kecamatan") == []
    national.post(PICK, {"kabupaten": "35.73", "kecamatan": ""})
    html = national.get(HOME).content.decode()
    assert options(html, "kecamatan") == ["35.73.01"]
    assert tps_figure(national) == "1"
    url = reverse("situation:region_options")
    kec = national.get(url, {"field": "kecamatan", "kabupaten": "35.07"}).content.decode()
    assert options(kec, "kecamatan") == ["35.07.01", "35.07.02"]


def test_an_active_region_that_left_the_scope_is_forgotten(world: World, polres_ops: Client) -> None:
    session = polres_ops.session
    session[regionpick.SESSION_KEY] = "35.73.01"  # e.g. the person's role moved to another regency
    session.save()
    assert tps_figure(polres_ops) == "6"


def test_next_must_stay_on_this_site(polres_ops: Client) -> None:
    response = polres_ops.post(PICK, {"kecamatan": "35.07.01", "next": "https://evil.example/"})
    assert response["Location"] == HOME


def test_picking_needs_post(polres_ops: Client) -> None:
    assert polres_ops.get(PICK, {"kecamatan": "35.07.01"}).status_code == 405


def test_choose_takes_the_deepest_consistent_field() -> None:
    scope = Scope.of(["35.07"])
    assert regionpick.choose(scope, "", "35.07.01", "35.07.01.2001") == "35.07.01.2001"
    assert regionpick.choose(scope, "", "35.07.01", "35.07.02.2001") == "35.07.01"
    assert regionpick.choose(scope, "", "", "") == ""
    assert regionpick.choose(scope, "", "35.73.01", "") is None
    assert regionpick.choose(scope, "", "35.07.01.2001", "") is None  # a desa code in the kecamatan field
