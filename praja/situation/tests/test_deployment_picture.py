"""The deployment side of the situation picture: the plan's posts in the kondusif index ('pos' part), the posts
card, posts manned on voting day, the lapsit's deployment and shortfalls section; the plan in force on the day
looked at (not a later one); nothing of it for a viewer without deployment.view."""

from __future__ import annotations

import datetime
import io

from django.test import Client
from django.utils import timezone

from praja.base import audit
from praja.situation.tests.busy import SYSTEM, make_plan
from praja.situation.tests.conftest import World, client_for, person


def _voting_today() -> None:
    from praja.coordination.models import Election, Stage

    with audit.acting_as(SYSTEM):
        e = Election.objects.create(slug="uji", name="Uji")
        Stage.objects.create(election=e, order=1, name="Pemungutan suara", start=timezone.localdate(),
                             end=timezone.localdate())


def test_uncovered_posts_lower_the_index_and_show_on_the_posts_card(busy: World, polres_ops: Client) -> None:
    make_plan()
    r = polres_ops.get("/situasi/?wilayah=35.07")
    rows = {x["row"].code: x for x in r.context["rows"]}
    dono = {p["key"]: p for p in rows["35.07.01"]["k"]["parts"]}["pos"]
    kali = {p["key"]: p for p in rows["35.07.02"]["k"]["parts"]}["pos"]
    assert dono["pressure"] == 50  # 1 of 2 not covered
    assert (dono["detail"]["uncovered"], dono["detail"]["posts"]) == (1.0, 2.0)
    assert dono["deduction"] > 0
    assert kali["pressure"] == 0 and kali["deduction"] == 0
    body = r.content.decode()
    assert 'data-figure="posts">2/3<' in body  # covered / posts of the plan in the regency
    dep = r.context["pic"].deployment
    assert (dep.posts, dep.covered, dep.uncovered, dep.police, dep.tni, dep.linmas) == (3, 2, 1, 8, 3, 6)
    assert [s["code"] for s in dep.shortfalls] == ["P1-002"]


def test_voting_day_counts_the_posts_reported_manned_and_those_covered_on_paper(busy: World,
                                                                              polres_ops: Client) -> None:
    from praja.deployment.models import Post

    plan = make_plan()
    _voting_today()
    r = polres_ops.get("/situasi/?wilayah=35.07")
    v = r.context["voting"]
    assert (v.manned, v.covered, v.posts) == (0, 2, 3)  # nobody has reported from the field yet
    with audit.acting_as(SYSTEM):
        Post.objects.filter(plan=plan, number=1).update(manned_at=timezone.now(), manned_people=7)  # 4 + 1 + 2
        Post.objects.filter(plan=plan, number=2).update(manned_at=timezone.now(), manned_people=2)  # of 2 + 1 + 2
        Post.objects.filter(plan=plan, number=3).update(manned_at=timezone.now() - datetime.timedelta(days=2),
                                                        manned_people=2)  # a rehearsal two days ago: not today
    r = polres_ops.get("/situasi/?wilayah=35.07")
    v = r.context["voting"]
    assert (v.manned, v.covered, v.day_posts.understrength, v.day_posts.missing) == (1, 2, 1, 1)
    body = r.content.decode()
    assert 'data-figure="manned">1/3<' in body and 'data-figure="covered">2/3<' in body
    assert 'data-figure="understrength">1<' in body


def test_a_polsek_counts_only_the_posts_of_its_kecamatan(busy: World, polsek: Client) -> None:
    make_plan()
    r = polsek.get("/situasi/?wilayah=35.07")
    dep = r.context["pic"].deployment
    assert (dep.posts, dep.covered, dep.uncovered) == (2, 1, 1)


def test_a_viewer_without_deployment_view_sees_no_post_detail(busy: World) -> None:
    make_plan()
    _voting_today()
    camat = client_for(person("camat", busy.agencies["polsek-donomulyo"], [("camat", "35.07.01")]))
    r = camat.get("/situasi/?wilayah=35.07.01")
    assert r.status_code == 200
    body = r.content.decode()
    parts = {p["key"]: p for p in r.context["overall"]["parts"]}
    assert parts["pos"]["pressure"] is not None  # the index is computed from everything, the same for everyone
    assert r.context["pic"].deployment.plan is None and r.context["pic"].deployment.posts == 0
    assert 'id="voting-day"' in body  # the panel, without its deployment figures
    assert 'data-figure="posts"' not in body and 'data-figure="manned"' not in body and "P1-002" not in body
    assert 'data-figure="covered"' not in body
    assert camat.get("/situasi/lapsit/draf/?wilayah=35.07.01").status_code == 403


def test_the_lapsit_section_on_deployment_lists_the_shortfalls(busy: World, polres_ops: Client) -> None:
    from openpyxl import load_workbook

    from praja.situation.models import Lapsit

    make_plan(name="Skenario siaga")
    html = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07").content.decode()
    section = html.split("Pengamanan dan kekurangan", 1)[1].split("Kegiatan per bidang", 1)[0]
    assert "Skenario siaga" in section
    assert "di atas kertas: 3 pos, 2 terpenuhi, 1 belum terpenuhi; 8 personel Polri, 3 TNI, 6 Linmas." in section
    assert "P1-002" in section and "P1-001" not in section  # only the shortfall is listed
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    ws = load_workbook(io.BytesIO(bytes(Lapsit.objects.get(audience="pimpinan").xlsx)))["Pengamanan"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [["P1-002", "Donomulyo", "Aman", 2, 2]]


def test_a_lapsit_of_a_past_day_uses_the_plan_in_force_that_day(busy: World, polres_ops: Client) -> None:
    old = make_plan(number=1, finished_hours_ago=72)
    new = make_plan(number=2, finished_hours_ago=1,
                    posts=[("35.07.02", "35.07.02.2002", "rawan", 3, False), ("35.07.01", "35.07.01.2001", "aman", 2,
                                                                                True)])
    two_days_ago = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    past = polres_ops.get(f"/situasi/lapsit/draf/?wilayah=35.07&tanggal={two_days_ago}").content.decode()
    assert "P1-002" in past and "P2-001" not in past
    today = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07").content.decode()
    assert "P2-001" in today and "P1-002" not in today
    # The dashboard of a chosen day too.
    assert polres_ops.get(f"/situasi/?wilayah=35.07&tanggal={two_days_ago}").context["pic"].deployment.plan == old
    assert polres_ops.get("/situasi/?wilayah=35.07").context["pic"].deployment.plan == new
    # Before any plan was finished: none.
    long_ago = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert polres_ops.get(f"/situasi/?wilayah=35.07&tanggal={long_ago}").context["pic"].deployment.plan is None
