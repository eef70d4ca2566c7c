"""The situation dashboard: the kondusif index per kecamatan from risk, reports, hoax narratives and the
plan's posts, within the person's scope; drill-down; the 24-hour events polled by htmx; voting day."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from praja.base import audit
from praja.situation.tests.busy import SYSTEM, make_report
from praja.situation.tests.conftest import World


def test_the_commander_sees_each_kecamatan_with_its_index_and_parts(busy: World, polres_ops: Client) -> None:
    r = polres_ops.get("/situasi/?wilayah=35.07")
    assert r.status_code == 200
    body = r.content.decode()
    rows = {x["row"].code: x for x in r.context["rows"]}
    assert set(rows) == {"35.07.01", "35.07.02"}
    dono, kali = rows["35.07.01"]["k"], rows["35.07.02"]["k"]
    # Donomulyo: 2 of 3 scored TPS rawan, two open reports (one severe), a growing narrative: worse than Kalipare.
    assert dono["index"] < kali["index"]
    parts = {p["key"]: p for p in dono["parts"]}
    assert parts["kerawanan"]["pressure"] == 67
    assert parts["laporan"]["detail"]["open"] == 2 and parts["laporan"]["detail"]["severe"] == 1
    assert parts["hoaks"]["detail"]["growing"] == 1
    assert parts["pos"]["pressure"] is None  # no plan yet: left out
    assert "Bentrok massa di TPS 1" in body  # in the last 24 hours
    assert "Kota: tidak boleh terlihat" not in body
    assert 'id="map-config"' in body and '"shading"' in body
    assert "<svg" in body  # charts drawn on the server


def test_drill_down_to_desa_and_tps(busy: World, polres_ops: Client) -> None:
    r = polres_ops.get("/situasi/?wilayah=35.07.01")
    assert [x["row"].code for x in r.context["rows"]] == ["35.07.01.2001", "35.07.01.2002"]
    desa = r.context["rows"][0]["row"]
    assert (desa.tps, desa.rawan, desa.open_reports, desa.severe) == (3, 2, 1, 1)
    r = polres_ops.get("/situasi/?wilayah=35.07.01.2001")
    tps = {x["row"].code: x["row"] for x in r.context["rows"]}
    assert tps["35.07.01.2001/001"].klass == "sangat_rawan"
    assert tps["35.07.01.2001/001"].severe == 1
    assert tps["35.07.01.2001/001"].url == "/wilayah/tps/35.07.01.2001/1/"


def test_a_polsek_sees_only_its_kecamatan_and_other_regions_answer_404(busy: World, polsek: Client) -> None:
    r = polsek.get("/situasi/")
    assert r.status_code == 200
    assert r.context["region"].code == "35.07.01"
    assert polsek.get("/situasi/?wilayah=35.07.02").status_code == 404
    assert polsek.get("/situasi/?wilayah=35.73").status_code == 404
    # The regency page shows only the part of it the Polsek covers.
    r = polsek.get("/situasi/?wilayah=35.07")
    assert [x["row"].code for x in r.context["rows"]] == ["35.07.01"]


def test_new_events_arrive_through_the_polled_fragment(busy: World, polres_ops: Client) -> None:
    r = polres_ops.get("/situasi/peristiwa/?wilayah=35.07")
    assert r.status_code == 200
    assert "Baliho dirusak" in r.content.decode()
    make_report(None, "35.07.02.2001", severity=3, title="Intimidasi pemilih", hours_ago=0)
    body = polres_ops.get("/situasi/peristiwa/?wilayah=35.07").content.decode()
    assert "Intimidasi pemilih" in body
    assert 'hx-swap-oob="true"' in body  # the counts come along


def _voting_today() -> None:
    """An election whose only stage, the vote, is today."""
    from praja.coordination.models import Election, Stage

    with audit.acting_as(SYSTEM):
        e = Election.objects.create(slug="uji", name="Uji")
        Stage.objects.create(election=e, order=1, name="Pemungutan suara", start=timezone.localdate(),
                             end=timezone.localdate())


def test_the_voting_day_panel_shows_reports_per_hour_and_severe_tps(busy: World, polres_ops: Client) -> None:
    _voting_today()
    r = polres_ops.get("/situasi/?wilayah=35.07")
    v = r.context["voting"]
    assert v is not None and v.is_today
    assert [t["code"] for t in v.severe_tps] == ["35.07.01.2001/001"]
    assert sum(v.per_hour) >= 2
    assert 'id="voting-day"' in r.content.decode()


def test_a_viewer_without_reports_access_gets_the_same_index_but_no_report(busy: World,
                                                                           polres_ops: Client) -> None:
    # A camat has no reports.view: the index is computed once from everything (the same for every viewer of the
    # kecamatan, issue 13), but no report of it is shown.
    from praja.situation.tests.conftest import client_for, person

    camat = client_for(person("camat", busy.agencies["polsek-donomulyo"], [("camat", "35.07.01")]))
    r = camat.get("/situasi/")
    assert r.status_code == 200
    ops = polres_ops.get("/situasi/?wilayah=35.07.01").context["overall"]
    assert (r.context["overall"]["index"], r.context["overall"]["klass"]) == (ops["index"], ops["klass"])
    assert "Bentrok massa" not in r.content.decode()
    assert not r.context["pic"].sees_reports


def test_voting_day_tps_with_open_severe_reports_link_to_their_page(busy: World, polres_ops: Client) -> None:
    _voting_today()
    r = polres_ops.get("/situasi/?wilayah=35.07")
    assert r.context["voting"].severe_tps == [{"code": "35.07.01.2001/001", "n": 1,
                                               "url": "/wilayah/tps/35.07.01.2001/1/"}]
    assert '<a href="/wilayah/tps/35.07.01.2001/1/">35.07.01.2001/001</a> (1)' in r.content.decode()
    assert polres_ops.get("/wilayah/tps/35.07.01.2001/1/").status_code == 200
