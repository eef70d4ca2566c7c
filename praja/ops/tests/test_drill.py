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
    from praja.deployment import services

    with audit.acting_as(SYSTEM):
        plan = services.create_plan("35.07", services.default_pattern("35.07"),
                                    services.settings_for("35.07").to_core(), services.snapshot_pools("35.07"))
        services.run_plan(plan.pk)
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
