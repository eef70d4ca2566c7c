"""Legal paths: recipients, calendar-day deadlines from the settings, time left, overdue per agency, and the
7-day filing window checked before a referral."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.reports import handling, legal
from praja.reports.models import Report, Status
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report
from praja.situation.tests.conftest import compiled_messages  # noqa: F401 - the fixture

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 11, day, hour, 0, tzinfo=WIB)


def referred(hworld: World, path: str = "pidana", *, now: datetime.datetime, **fields: Any) -> Report:
    report = file_report(**fields)
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.verify(report, bawaslu)
        return handling.refer(report, bawaslu, path, now=now)


def test_a_criminal_referral_goes_to_gakkumdu_with_bawaslus_three_calendar_days(hworld: World) -> None:
    report = referred(hworld, now=at(27, 10))
    assert report.referred_to == hworld.agencies["gakkumdu-malang"]
    assert report.stage == "bawaslu_review"
    # received on the 27th: three calendar days, to the end of the 30th, a Saturday included
    assert timezone.localtime(report.due_at, WIB).date() == datetime.date(2024, 11, 30)
    assert timezone.localtime(report.due_at, WIB).time() >= datetime.time(23, 59)


def test_the_deadlines_are_settings(hworld: World, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS,
                              "DEADLINES": {**settings.PRAJA_REPORTS["DEADLINES"], "bawaslu_review": 5}}
    report = referred(hworld, now=at(27, 10))
    assert timezone.localtime(report.due_at, WIB).date() == datetime.date(2024, 12, 2)


def test_bawaslus_extension_adds_two_days_to_the_deadline_and_the_police_then_have_fourteen(hworld: World) -> None:
    report = referred(hworld, now=at(27, 10))
    first_due = report.due_at
    with audit.acting_as(SYSTEM):
        report = handling.advance(report, act(hworld.people["bawaslu"]), "bawaslu_extension", now=at(29))
        assert report.due_at is not None and first_due is not None
        assert report.due_at - first_due == datetime.timedelta(days=2)
        with pytest.raises(handling.HandlingError):
            handling.advance(report, act(hworld.people["bawaslu"]), "court_decision", now=at(30))
        report = handling.advance(report, act(hworld.people["gakkumdu"]), "police_investigation", now=at(30))
    assert report.stage == "police_investigation"
    assert timezone.localtime(report.due_at, WIB).date() == datetime.date(2024, 12, 14)


def test_each_path_has_its_recipient_kind(hworld: World) -> None:
    expected = {"administrasi": "kpu-malang", "etik": "dkpp", "asn": "kasn", "polri": "propam-polda-jatim",
                "tni": "pom-tni", "kades": "pemda-malang", "pidana": "gakkumdu-malang"}
    for path, slug in expected.items():
        assert legal.recipients(path, "35.07.01.2001")[0] == hworld.agencies[slug], path


def test_time_left_is_shown_and_overdue_reports_are_counted_per_agency(hworld: World) -> None:
    a = referred(hworld, now=at(1))  # due end of 4 Nov
    b = referred(hworld, path="administrasi", now=at(1))  # KPU, 7 days: due end of 8 Nov
    now = at(6)
    assert legal.is_overdue(a, now) and not legal.is_overdue(b, now)
    assert legal.humanise(legal.time_left(b, now)).endswith("lagi")
    assert legal.humanise(legal.time_left(a, now)).startswith("terlambat 1 hari")
    rows = legal.overdue_by_agency(Report.objects.all(), now)
    assert [(r.agency, r.count) for r in rows] == [("Sentra Gakkumdu Kabupaten Malang", 1)]
    assert list(legal.due_soon(Report.objects.all(), at(8, 9))) == [b]


def test_a_closed_report_has_no_time_left(hworld: World) -> None:
    a = referred(hworld, now=at(1))
    with audit.acting_as(SYSTEM):
        handling.close(a, act(hworld.people["bawaslu"]), "dihentikan")
    a.refresh_from_db()
    assert a.status == Status.CLOSED and legal.time_left(a, at(20)) is None


def test_a_report_filed_after_the_seven_day_window_is_referred_only_when_the_handler_acknowledges_it(
        hworld: World) -> None:
    old = (timezone.now() - datetime.timedelta(days=12)).isoformat()
    report = file_report(occurred_at=old)
    check = legal.filing_check(report)
    assert check.late is True and "7 hari" in check.label
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.verify(report, bawaslu)
        with pytest.raises(handling.HandlingError, match="7 hari"):
            handling.refer(report, bawaslu, "pidana")
        handling.refer(report, bawaslu, "pidana", acknowledge_late=True)
    assert report.timeline.get(kind="rujukan").data["filing_late"] is True
    assert legal.filing_check(file_report()).late is None
    recent = file_report(occurred_at=(timezone.now() - datetime.timedelta(days=2)).isoformat())
    assert legal.filing_check(recent).late is False



@pytest.mark.parametrize(("delta", "english", "indonesian"), [
    (datetime.timedelta(days=1, hours=1), "1 day 1 hour left", "1 hari 1 jam lagi"),
    (datetime.timedelta(days=-2, hours=-5), "2 days 5 hours overdue", "terlambat 2 hari 5 jam"),
    (datetime.timedelta(hours=-1), "1 hour overdue", "terlambat 1 jam"),
    (datetime.timedelta(minutes=1), "1 minute left", "1 menit lagi"),
])
def test_the_time_left_reads_one_day_and_two_days(
    compiled_messages: Any, delta: datetime.timedelta, english: str, indonesian: str  # noqa: F811
) -> None:
    from django.utils import translation

    with translation.override("id"):
        assert legal.humanise(delta) == indonesian
    with translation.override("en"):
        assert legal.humanise(delta) == english
