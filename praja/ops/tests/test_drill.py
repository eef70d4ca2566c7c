"""Drill mode (latihan): a voting day replayed at speed, tagged, kept out of real figures, cleared in one step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from praja.accounts.tests.fixtures import client_for
from praja.base import audit
from praja.ops import drill as D
from praja.ops.models import Drill, DrillEvent, DrillPost
from praja.reports.models import Report

SYSTEM = audit.Actor(None, "system:test", "", "cli")


def signed_in(username: str) -> Client:
    from praja.base.access import needs_second_factor

    user = get_user_model().objects.get(username=username)
    return client_for(user, second_factor=needs_second_factor(user))


@pytest.fixture
def district_with_plan(demo_district: Any) -> Any:
    from praja.deployment import pattern_settings, plan_jobs, regency_pools

    with audit.acting_as(SYSTEM):
        plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                     pattern_settings.settings_for("35.07").to_core(),
                                     regency_pools.snapshot_pools("35.07"))
        plan_jobs.run_plan(plan.pk)
    plan.refresh_from_db()
    return plan


def test_the_drill_clock_runs_at_the_chosen_speed_from_the_days_start(db: Any) -> None:
    start = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    d = Drill.objects.create(speed=60, started_at=start)
    assert d.clock(start + datetime.timedelta(minutes=1)).strftime("%d-%m-%Y %H:%M") == "27-11-2024 06:30"
    assert d.clock(start + datetime.timedelta(days=1)) == d.end_at()  # never past the day's end


def test_a_drill_day_is_tagged_kept_out_of_real_figures_and_cleared_in_one_command(district_with_plan: Any) -> None:
    real = Report.objects.count()
    d = D.plan_drill(speed=600, reports=30)
    assert D.tick(d, until=d.end_at(), limit=10_000) == DrillEvent.objects.filter(drill=d).count()
    d.refresh_from_db()
    assert d.status == Drill.Status.DONE
    drill_reports = Report.objects.filter(drill=d)
    assert drill_reports.count() == 32  # 30 + the neutrality report + the Gakkumdu case
    assert {timezone.localtime(r.received_at).date() for r in drill_reports} == {datetime.date(2024, 11, 27)}
    assert Report.objects.filter(drill__isnull=True).count() == real  # nothing untagged was written
    from praja.risk.models import IncidentSignal

    # the Gakkumdu case is verified in the drill: the real risk index gets no incident from it
    assert not IncidentSignal.objects.filter(ref__in=drill_reports.values("receipt")).exists()
    # posts: most report before 07.00, some late, some understrength; the real plan's posts are untouched
    posts = DrillPost.objects.filter(drill=d)
    assert posts.count() > 0 and any(p.understrength for p in posts)
    assert not district_with_plan.posts.filter(manned_at__isnull=False).exists()
    s = D.summary(d)
    assert 0 < s.posts_late < s.posts_reported < s.posts_total + 1

    # real data for whoever does not view the drill; the LATIHAN banner says a drill is on
    ops = signed_in("ops.polres")
    case = drill_reports.get(title__startswith="Serangan fajar")
    board = ops.get("/laporan/?tampilan=semua").content.decode()
    assert case.receipt not in board
    assert "LATIHAN" in board and "data latihan tidak tercampur" in board
    # viewing the drill: its reports only
    ops.post("/latihan/lihat/", {"lihat": str(d.pk), "next": "/"})
    assert case.receipt in ops.get("/laporan/?tampilan=semua").content.decode()
    # the referred money-politics case tops Gakkumdu's queue with its deadline
    gakkumdu = signed_in("gakkumdu")
    gakkumdu.post("/latihan/lihat/", {"lihat": str(d.pk), "next": "/"})
    home = gakkumdu.get("/").content.decode()
    work = home[home.index('id="work-queue"'):]
    assert work.index(case.receipt) < work.index("</ol>")
    assert "Anda melihat data latihan" in home

    call_command("latihan", "hapus")
    assert not Report.objects.filter(drill__isnull=False).exists()
    assert not Drill.objects.exists() and not DrillPost.objects.exists()
    assert Report.objects.count() == real
    assert "LATIHAN" not in ops.get("/").content.decode()


def test_only_the_operations_staff_open_the_drill_page(demo_district: Any) -> None:
    assert signed_in("ops.polres").get("/latihan/").status_code == 200
    assert signed_in("camat.donomulyo").get("/latihan/").status_code == 403
    response = signed_in("ops.polres").post("/latihan/mulai/", {"kecepatan": "600", "laporan": "5",
                                                                 "lonjakan": "35.07.01"})
    assert response.status_code == 302
    assert Drill.objects.filter(status=Drill.Status.RUNNING, speed=600).exists()


def test_a_viewed_drill_drives_the_situation_and_the_real_picture_stays_clean(district_with_plan: Any) -> None:
    from praja.base import drillctx
    from praja.base.scope import Scope
    from praja.situation import index as I
    from praja.situation import moment
    from praja.situation import posts as P

    d = D.plan_drill(speed=600, reports=120, surge="35.07.01")
    D.tick(d, until=d.end_at(), limit=10_000)
    d.refresh_from_db()
    at = d.end_at()
    real = I.regency_index("35.07", at)["35.07.01"]
    with drillctx.view(d.pk):
        assert moment.now() == d.end_at()  # the drill's clock is the pages' now
        assert P.plan_of_day(d.day, "35.07", at).pk == district_with_plan.pk
        drilled = I.regency_index("35.07", at)["35.07.01"]
        rows = P.state_rows(P.posts_in(district_with_plan, Scope.of(["35.07"])), d.day, at)
    def reports_part(r: Any) -> Any:
        return next(p for p in r.parts if p.key == "laporan")

    # the surge lives in the drill only: siaga from its reports; the real day has none of them
    assert drilled.klass == "siaga" and reports_part(drilled).klass == "siaga"
    assert not reports_part(real).pressure
    manned = {p.post_id for p in DrillPost.objects.filter(drill=d) if p.people >= p.required}
    assert {r["pk"] for r in rows if r["state"] == P.MANNED} == manned
    assert not district_with_plan.posts.filter(manned_at__isnull=False).exists()


def test_a_lapsit_is_never_issued_from_drill_data(district_with_plan: Any) -> None:
    from praja.situation.models import Lapsit

    d = D.plan_drill(speed=600, reports=5)
    ops = signed_in("ops.polres")
    ops.post("/latihan/lihat/", {"lihat": str(d.pk), "next": "/"})
    draft = ops.get("/situasi/lapsit/draf/?wilayah=35.07&tanggal=2024-11-27").content.decode()
    assert "LATIHAN" in draft and 'id="drill-mark"' in draft
    response = ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07", "tanggal": "2024-11-27"})
    assert response.status_code == 302 and not Lapsit.objects.exists()


def test_the_days_hoax_grows_into_one_narrative_that_only_the_drill_shows(district_with_plan: Any) -> None:
    from praja.base import drillctx
    from praja.infowatch.models import Item, Narrative

    real_items, real_narratives = Item.objects.count(), Narrative.objects.count()
    d = D.plan_drill(speed=600, reports=5, surge="35.07.01")
    posts = DrillEvent.objects.filter(drill=d, kind=DrillEvent.Kind.SOCIAL).count()
    assert posts >= 20
    noon = timezone.make_aware(datetime.datetime(2024, 11, 27, 12, 0))
    D.tick(d, until=noon, limit=10_000)
    with drillctx.view(d.pk):
        at_noon = Narrative.objects.get()  # edited copies of one claim: one narrative, formed by the pipeline
    D.tick(d, until=d.end_at(), limit=10_000)
    with drillctx.view(d.pk):
        nar = Narrative.objects.get()
        assert nar.pk == at_noon.pk and nar.volume > at_noon.volume  # it grew through the afternoon
        # every post is in it: as an item of its own, or counted on the near-identical one it repeats
        assert nar.items.count() == Item.objects.count() and nar.volume == posts
        assert "35.07.01" in nar.places and "Donomulyo" in nar.title
    # real pages, figures and jobs never see the drill's posts or narrative
    assert Item.objects.count() == real_items and Narrative.objects.count() == real_narratives
    assert Item._base_manager.filter(drill=d).exists()
    humas = signed_in("humas")
    assert "Donomulyo ditukar" not in humas.get("/info/").content.decode()
    humas.post("/latihan/lihat/", {"lihat": str(d.pk), "next": "/"})
    ops = signed_in("ops.polres")
    ops.post("/latihan/lihat/", {"lihat": str(d.pk), "next": "/"})
    board = ops.get("/situasi/?wilayah=35.07").content.decode()
    assert nar.title[:60] in board  # the dashboard's growing narratives, under the LATIHAN banner

    call_command("latihan", "hapus")
    assert not Item._base_manager.filter(drill__isnull=False).exists()
    assert not Narrative._base_manager.filter(drill__isnull=False).exists()
