"""The feed sources page: an analyst adds and edits the RSS/Atom feeds Praja watches."""

from __future__ import annotations

from typing import Any

import pytest

from praja.infowatch.models import Source
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db


def test_an_analyst_adds_a_feed_typed_without_its_scheme_as_https(humas: Any) -> None:
    r = humas.post("/info/sumber/", {"name": "Berita Malang", "url": "beritamalang.example/feed", "region": "35.07",
                                     "active": "on"})
    assert r.status_code == 302
    src = Source.objects.get()
    assert src.url == "https://beritamalang.example/feed" and src.region_id == "35.07" and src.active
    page = humas.get("/info/sumber/").content.decode()
    assert "Berita Malang" in page and "Sumber ditambahkan." in page


def test_it_rejects_a_feed_that_is_already_watched_and_adds_nothing(humas: Any) -> None:
    data = {"name": "Berita Malang", "url": "https://beritamalang.example/feed", "region": "35.07", "active": "on"}
    assert humas.post("/info/sumber/", data).status_code == 302
    r = humas.post("/info/sumber/", {**data, "name": "Salinan"})
    assert r.status_code == 200
    assert r.context["form"].errors["url"]
    assert list(Source.objects.values_list("name", flat=True)) == ["Berita Malang"]


def test_an_officer_without_the_analyst_role_cannot_open_or_add_sources(officer_client: Any) -> None:
    assert officer_client.get("/info/sumber/").status_code == 403
    r = officer_client.post("/info/sumber/", {"name": "X", "url": "https://x.example/feed", "active": "on"})
    assert r.status_code == 403 and not Source.objects.exists()
