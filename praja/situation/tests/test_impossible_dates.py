"""Issue 14 (hardening): an impossible date in a page's address answers 400 with a message in Indonesian, never
a 500 (the probe: /situasi/?tanggal=0001-01-01 answered 500 with an OverflowError)."""

from __future__ import annotations

import pytest
from django.test import Client

from praja.situation.tests.conftest import World

BAD = ["tanggal=0001-01-01", "tanggal=9999-12-31", "tanggal=2024-02-30", "tanggal=kemarin",
       "saat=0001-01-01T00:00", "saat=9999-12-31T23:59", "saat=besok"]
# pages reading ?saat (the moment) and ?tanggal; the home page's stage panel and the stage calendar read ?tanggal only
MOMENT_PAGES = ["/situasi/", "/peta/", "/situasi/lapsit/draf/", "/situasi/peristiwa/"]
DAY_PAGES = ["/", "/koordinasi/tahapan/"]


@pytest.mark.parametrize("query", BAD)
def test_an_impossible_date_answers_400_with_an_indonesian_message_on_every_situation_page(
        world: World, polres_ops: Client, query: str) -> None:
    for page in MOMENT_PAGES + (DAY_PAGES if query.startswith("tanggal=") else []):
        r = polres_ops.get(f"{page}?{query}")
        assert r.status_code == 400, (page, query, r.status_code)
        text = r.content.decode()
        assert "Tanggal atau waktu tidak sah" in text, (page, query)


def test_the_probe_address_without_a_region_answers_400_not_500(world: World, polres_ops: Client) -> None:
    r = polres_ops.get("/situasi/?tanggal=0001-01-01")
    assert r.status_code == 400
    assert "0001-01-01" in r.content.decode()  # the page names what it could not read
