"""A busy day in the situation tests' world: scored TPS, reports (one severe, one closed, one in Kota Malang)
and a growing hoax narrative in Donomulyo. The `busy` fixture is registered in conftest.py."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from praja.base import audit

if TYPE_CHECKING:
    from praja.situation.tests.conftest import World

SYSTEM = audit.Actor(None, "system:test", "", "cli")


def make_report(tps: str | None, region: str, severity: int = 2, status: str = "baru", title: str = "Laporan",
                hours_ago: float = 1.0, category: str = "keamanan") -> Any:
    from praja.reports.models import Report

    n = Report.objects.count() + 1
    with audit.acting_as(SYSTEM):
        return Report.objects.create(
            receipt=f"R{n:06d}", channel="staf", category=category, severity=severity, title=title,
            description="uraian", received_at=timezone.now() - datetime.timedelta(hours=hours_ago),
            region_id=region, tps_id=tps, status=status,
        )


def score_tps(world: World, klass: dict[str, str]) -> None:
    from praja.risk.models import TPSScore

    with audit.acting_as(SYSTEM):
        for code, k in klass.items():
            TPSScore.objects.create(tps=world.tps[code], score=80 if "rawan" in k else 10, klass=k, score_klass=k,
                                    assessed_share=1.0, computed_at=timezone.now())


def narrative(places: list[str], growth: float = 3.0, title: str = "Hoaks surat suara tercoblos") -> Any:
    from praja.infowatch.models import Narrative

    now = timezone.now()
    with audit.acting_as(SYSTEM):
        return Narrative.objects.create(key=title[:60], title=title, first_seen=now - datetime.timedelta(hours=30),
                                        last_seen=now, volume=40, growth=growth, places=places)


# kecamatan, desa, class, police, covered: Donomulyo has two posts (one not covered), Kalipare one.
POSTS = [
    ("35.07.01", "35.07.01.2001", "sangat_rawan", 4, True),
    ("35.07.01", "35.07.01.2002", "aman", 2, False),
    ("35.07.02", "35.07.02.2001", "aman", 2, True),
]


def make_plan(number: int = 1, finished_hours_ago: float = 2.0, posts: list[tuple[str, str, str, int, bool]] | None
              = None, name: str = "") -> Any:
    """A finished deployment plan of Kabupaten Malang with a few posts (by default POSTS: one uncovered)."""
    from praja.deployment.models import Plan, Post

    posts = POSTS if posts is None else posts
    finished = timezone.now() - datetime.timedelta(hours=finished_hours_ago)
    with audit.acting_as(SYSTEM):
        plan = Plan.objects.create(region_id="35.07", number=number, name=name, status=Plan.Status.DONE,
                                   finished_at=finished, posts_count=len(posts))
        for i, (kec, desa, cls, police, covered) in enumerate(posts, start=1):
            Post.objects.create(plan=plan, number=i, code=f"P{number}-{i:03d}", kecamatan_code=kec, area_code=desa,
                                lat=-8.3, lng=112.4, cls=cls, police=police, tni=1, linmas=2, tps_count=2,
                                covered=covered)
    return plan


def make_rakor(world: World, title: str = "Rakor lintas sektoral", hours_ago: float = 3.0,
               decisions: list[tuple[str, str, int, bool]] | None = None) -> Any:
    """A rakor in Kabupaten Malang with decisions that became commitments: (text, owner agency slug, days until
    due (negative: overdue), done)."""
    from praja.coordination.models import Commitment, Decision, Meeting

    now = timezone.now()
    decisions = decisions if decisions is not None else [
        ("Patroli gabungan di Donomulyo", "polsek-donomulyo", 5, False),
        ("Pemetaan titik kampanye", "polres-malang", -2, False),
        ("Sosialisasi netralitas ASN", "pemprov", 20, True),
    ]
    with audit.acting_as(SYSTEM):
        meeting = Meeting.objects.create(title=title, held_at=now - datetime.timedelta(hours=hours_ago),
                                         place="Aula Polres", chair="Kapolres", region_id="35.07")
        for i, (text, owner, due_in, done) in enumerate(decisions, start=1):
            d = Decision.objects.create(meeting=meeting, number=i, text=text)
            Commitment.objects.create(
                decision=d, owner=world.agencies[owner],
                due_date=timezone.localdate() + datetime.timedelta(days=due_in),
                status=Commitment.Status.DONE if done else Commitment.Status.OPEN, evidence="foto" if done else "",
                closed_at=now - datetime.timedelta(hours=1) if done else None)
    return meeting


def make_activity(what: str = "Patroli dialogis di pasar", kind: str = "preventive", region: str = "35.07.01",
                  people: int = 6) -> Any:
    """A daily activity report of one line of the operation, today."""
    from praja.coordination.models import ActivityReport, Line, Operation

    with audit.acting_as(SYSTEM):
        op = Operation.objects.first() or Operation.objects.create(
            name="Mantap Praja Semeru", region_id="35.07", start=timezone.localdate() - datetime.timedelta(days=30),
            end=timezone.localdate() + datetime.timedelta(days=30))
        line, _new = Line.objects.get_or_create(operation=op, kind=kind)
        return ActivityReport.objects.create(line=line, day=timezone.localdate(), region_id=region, what=what,
                                             place="Pasar Donomulyo", people=people)


@pytest.fixture
def busy(world: World) -> World:
    score_tps(world, {"35.07.01.2001/001": "sangat_rawan", "35.07.01.2001/002": "rawan",
                      "35.07.01.2002/001": "aman", "35.07.02.2001/001": "aman", "35.07.02.2001/002": "aman"})
    make_report("35.07.01.2001/001", "35.07.01.2001", severity=4, title="Bentrok massa di TPS 1")
    make_report(None, "35.07.01.2002", severity=2, title="Baliho dirusak")
    make_report(None, "35.07.01.2002", severity=2, status="ditutup", title="Sudah selesai")
    make_report(None, "35.73.01.1001", severity=4, title="Kota: tidak boleh terlihat")
    narrative(["35.07.01"])
    return world


