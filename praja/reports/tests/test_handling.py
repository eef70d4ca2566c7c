"""The state machine: each step appends to the timeline; steps out of order are refused; nothing in a
timeline can be changed or deleted; outcomes as the police keep them."""

from __future__ import annotations

import pytest

from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.reports import handling
from praja.reports.models import Report, Status, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report

K = TimelineEntry.Kind


@pytest.fixture
def report(hworld: World) -> Report:
    return file_report()


def kinds(report: Report) -> list[str]:
    return list(report.timeline.order_by("at", "pk").values_list("kind", flat=True))


def test_a_report_goes_from_new_to_closed_and_every_step_is_in_its_timeline(hworld: World, report: Report) -> None:
    kapolsek, bawaslu = act(hworld.people["kapolsek"]), act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.verify(report, bawaslu, severity=3, note="Saksi dua orang")
        handling.assign(report, bawaslu, hworld.agencies["polsek-donomulyo"])
        handling.take(report, kapolsek)
        handling.note(report, kapolsek, "Tim ke lokasi")
        handling.refer(report, bawaslu, "pidana")
        handling.record_outcome(report, act(hworld.people["gakkumdu"]), respondents="Tim sukses X", arrests="2",
                                steps_taken="Pemeriksaan saksi", case_number="LP/B/12/XI/2024", outcome="P21")
        handling.close(report, bawaslu, "Putusan berkekuatan hukum tetap")
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.severity == 3 and report.arrests == 2 and report.case_number == "LP/B/12/XI/2024"
    assert kinds(report) == [K.CREATED, K.STATUS, K.ASSIGNED, K.TAKEN, K.NOTE, K.REFERRED, K.OUTCOME, K.STATUS]
    entries = list(report.timeline.order_by("pk"))
    assert entries[1].actor == hworld.people["bawaslu"].user and entries[1].channel == "web"
    assert entries[1].data == {"severity": [2, 3]}
    assert [e.to_status for e in entries if e.to_status][-1] == Status.CLOSED


def test_rejecting_needs_a_reason_and_the_sender_sees_the_rejection(hworld: World, report: Report) -> None:
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM), pytest.raises(handling.HandlingError):
        handling.reject(report, bawaslu, "  ")
    with audit.acting_as(SYSTEM):
        handling.reject(report, bawaslu, "Bukan pelanggaran pemilihan")
    report.refresh_from_db()
    assert report.status == Status.REJECTED and report.status_reason == "Bukan pelanggaran pemilihan"
    last = report.timeline.order_by("-pk").first()
    assert last is not None
    assert last.visible_to_sender and last.text == "Bukan pelanggaran pemilihan"


def test_steps_out_of_order_are_refused(hworld: World, report: Report) -> None:
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        with pytest.raises(handling.HandlingError):
            handling.assign(report, bawaslu, hworld.agencies["polsek-donomulyo"])  # not verified yet
        with pytest.raises(handling.HandlingError):
            handling.close(report, bawaslu, "selesai")
        with pytest.raises(handling.HandlingError):
            handling.reopen(report, bawaslu, "salah")
    assert kinds(report) == [K.CREATED]


def test_a_rejected_report_reopens_as_new_and_a_closed_one_where_it_was_handled(hworld: World, report: Report) -> None:
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.reject(report, bawaslu, "Tidak jelas")
        handling.reopen(report, bawaslu, "Pelapor mengirim foto")
        report.refresh_from_db()
        assert report.status == Status.NEW
        handling.verify(report, bawaslu)
        handling.assign(report, bawaslu, hworld.agencies["polsek-donomulyo"])
        handling.close(report, bawaslu, "Sudah ditangani")
        handling.reopen(report, bawaslu, "Terulang")
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    assert kinds(report).count(K.REOPENED) == 2


def test_timeline_entries_cannot_be_changed_or_deleted(hworld: World, report: Report) -> None:
    entry = report.timeline.get()
    entry.text = "diubah"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_an_outcome_needs_something_that_happened_and_arrests_as_a_number(hworld: World, report: Report) -> None:
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.verify(report, bawaslu)
        handling.assign(report, bawaslu, hworld.agencies["polsek-donomulyo"])
        with pytest.raises(handling.HandlingError):
            handling.record_outcome(report, bawaslu, arrests="dua", outcome="x")
        with pytest.raises(handling.HandlingError):
            handling.record_outcome(report, bawaslu, case_number="LP/1")
        handling.record_outcome(report, bawaslu, steps_taken="Mediasi di balai desa")
    report.refresh_from_db()
    assert report.status == Status.OUTCOME and report.steps_taken == "Mediasi di balai desa"


def test_questions_to_the_sender_are_visible_to_the_sender_and_notes_are_not(hworld: World, report: Report) -> None:
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        q = handling.ask_sender(report, bawaslu, "Jam berapa kejadiannya?")
        n = handling.note(report, bawaslu, "Nomor saksi ada di berkas")
    assert q.visible_to_sender and q.kind == K.QUESTION
    assert not n.visible_to_sender


def test_demo_reports_are_generated_along_every_step_once(hworld: World) -> None:
    from praja.reports.demo import build_demo_reports
    from praja.reports.models import Report

    assert build_demo_reports("35.07", count=18) == 18
    reports = Report.objects.all()
    assert reports.count() == 18 and not reports.filter(generated=False).exists()
    assert {Status.NEW, Status.VERIFIED, Status.REFERRED, Status.OUTCOME, Status.REJECTED} <= set(
        reports.values_list("status", flat=True))
    for r in reports:
        first, last = r.timeline.order_by("pk").first(), r.timeline.order_by("pk").last()
        assert first is not None and last is not None and first.at <= last.at
    assert build_demo_reports("35.07") == 0  # never twice


def test_timeline_entries_cannot_be_changed_or_deleted_in_bulk(hworld: World, report: Report) -> None:
    with pytest.raises(ValueError):
        TimelineEntry.objects.filter(report=report).update(text="diubah")
    with pytest.raises(ValueError):
        report.timeline.all().delete()
    with pytest.raises(ValueError):
        TimelineEntry.objects.all().delete()
    entry = report.timeline.get()
    entry.text = "diubah"
    with pytest.raises(ValueError):
        TimelineEntry.objects.bulk_update([entry], ["text"])
    assert report.timeline.get().text == "" and report.timeline.count() == 1


def test_the_admin_shows_reports_and_timelines_read_only(hworld: World, report: Report) -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import Client, RequestFactory

    from praja.reports.admin import LinkInline, ReportAdmin, TimelineInline

    user = get_user_model().objects.create_superuser("admin-laporan", "a@example.org", "x-Pass-12345")
    request = RequestFactory().get("/admin/reports/report/")
    request.user = user
    report_admin = ReportAdmin(Report, admin.site)
    assert not report_admin.has_change_permission(request, report)
    assert not report_admin.has_delete_permission(request, report)
    assert not report_admin.has_add_permission(request)
    assert report_admin.get_actions(request) == {}
    for inline in (TimelineInline, LinkInline):
        i = inline(Report, admin.site)
        assert not (i.has_change_permission(request, report) or i.has_delete_permission(request, report)
                    or i.has_add_permission(request, report))
    client = Client()
    client.force_login(user)
    client.post(f"/admin/reports/report/{report.pk}/change/", {"category": "hoaks", "severity": "4",
                                                                "title": "diubah", "description": "diubah"})
    report.refresh_from_db()
    assert report.category == "politik_uang" and report.title != "diubah" and report.timeline.count() == 1
