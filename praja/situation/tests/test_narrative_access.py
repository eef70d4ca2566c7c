"""Hoax narratives on the situation picture: everyone who sees a kecamatan gets the count of growing narratives
(the kondusif index's hoax part); their titles, the narrative alerts and the alert events the infowatch analysts
and the security forces (deployment.view), not a camat. The lapsit (deployment.view) prints the counts per
kecamatan, the growing narratives and the published clarifications."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from praja.base import audit
from praja.situation.tests.busy import SYSTEM, narrative
from praja.situation.tests.conftest import World, client_for, person

TITLE = "Hoaks surat suara tercoblos"  # the busy day's growing narrative in Donomulyo


def _alert(title: str = "Hoaks kotak suara dibuka malam") -> None:
    from praja.infowatch.models import NarrativeAlert

    n = narrative(["35.07.01"], title=title)
    with audit.acting_as(SYSTEM):
        NarrativeAlert.objects.create(narrative=n, window_start=timezone.now() - datetime.timedelta(hours=6),
                                      growth=4.0, volume=40, places=["35.07.01"],
                                      created_at=timezone.now() - datetime.timedelta(hours=1))


def _camat(world: World) -> Client:
    return client_for(person("camat", world.agencies["polsek-donomulyo"], [("camat", "35.07.01")]))


def _humas(world: World) -> Client:
    return client_for(person("humas", world.agencies["polres-malang"], [("humas", "35.07")]))


def test_a_camat_gets_the_narrative_count_but_not_the_titles(busy: World) -> None:
    _alert()
    client = _camat(busy)
    r = client.get("/situasi/?wilayah=35.07.01")
    assert r.status_code == 200
    body = r.content.decode()
    assert TITLE not in body and "Hoaks kotak suara dibuka malam" not in body
    assert r.context["pic"].totals["narratives"] == 2  # the count stays
    parts = {p["key"]: p for p in r.context["overall"]["parts"]}
    assert parts["hoaks"]["detail"]["growing"] == 2 and parts["hoaks"]["pressure"] is not None
    assert "alert" not in {x["e"].kind for x in r.context["events"]}
    assert 'id="narratives-count"' in body
    fragment = client.get("/situasi/peristiwa/?wilayah=35.07.01").content.decode()
    assert "Hoaks kotak suara dibuka malam" not in fragment and 'data-kind="alert"' not in fragment


def test_a_polsek_officer_reads_the_titles_of_narratives_growing_in_his_kecamatan(busy: World,
                                                                                 polsek: Client) -> None:
    _alert()
    body = polsek.get("/situasi/?wilayah=35.07.01").content.decode()
    assert TITLE in body and "Hoaks kotak suara dibuka malam" in body


def test_humas_and_bag_ops_see_the_narrative_titles_and_alerts(busy: World, polres_ops: Client) -> None:
    _alert()
    for client in (_humas(busy), polres_ops):
        r = client.get("/situasi/?wilayah=35.07")
        assert r.status_code == 200
        body = r.content.decode()
        assert TITLE in body
        assert "Hoaks kotak suara dibuka malam" in body  # in the panel and as an alert event
        assert "alert" in {x["e"].kind for x in r.context["events"]}
        assert 'id="narratives-count"' not in body


def test_the_lapsit_prints_narratives_per_kecamatan_their_titles_and_clarifications(busy: World,
                                                                                      polres_ops: Client) -> None:
    from openpyxl import load_workbook

    from praja.infowatch.models import Clarification
    from praja.situation.models import Lapsit

    with audit.acting_as(SYSTEM):
        Clarification.objects.create(title="Klarifikasi: surat suara aman", body="isi", status="published",
                                     published_at=timezone.now() - datetime.timedelta(minutes=30))
    html = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07").content.decode()
    assert TITLE in html[html.index('id="hoax-narratives"'):]
    assert 'id="hoax-kecamatan"' in html and "Donomulyo" in html
    assert "Klarifikasi: surat suara aman" in html
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01"})
    lap = Lapsit.objects.get(audience="pimpinan")
    import io

    ws = load_workbook(io.BytesIO(bytes(lap.xlsx)))["Hoaks"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert ["Narasi tumbuh", "Donomulyo", 1, None] in rows
    assert any(r[0] == "Klarifikasi" and r[3] == "Klarifikasi: surat suara aman" for r in rows)
    assert any(r[0] == "Narasi" and r[3] == TITLE for r in rows)
