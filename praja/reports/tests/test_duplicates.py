"""Duplicates and related reports are linked (both ways, in both timelines), never merged; verification
feeds the risk index and rejection withdraws it."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from praja.accounts.tests.fixtures import HOME_DESA, HOME_DESA_2, OTHER_DESA, World, client_for, main_of
from praja.base import audit
from praja.reports import duplicates, handling
from praja.reports.models import Report, ReportLink, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report

TPS1 = "35.07.01.2001/001"


def filed(capture: DjangoCaptureOnCommitCallbacks, **fields: Any) -> Report:
    with capture(execute=True):
        return file_report(**fields)


def test_same_tps_and_category_within_hours_are_linked_not_merged(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    a = filed(django_capture_on_commit_callbacks, tps=TPS1, category="keamanan", description="Massa berkumpul")
    b = filed(django_capture_on_commit_callbacks, tps=TPS1, category="keamanan", description="Ada keributan kecil")
    c = filed(django_capture_on_commit_callbacks, tps=TPS1, category="logistik", description="Surat suara kurang")
    assert Report.objects.count() == 3  # nothing merged
    assert set(ReportLink.objects.filter(report=b).values_list("other_id", flat=True)) == {a.pk}
    assert set(ReportLink.objects.filter(report=a).values_list("other_id", flat=True)) == {b.pk}
    assert not ReportLink.objects.filter(report=c).exists()
    assert b.timeline.filter(kind=TimelineEntry.Kind.LINKED, data__receipt=a.receipt).exists()
    assert a.timeline.filter(kind=TimelineEntry.Kind.LINKED, data__receipt=b.receipt).exists()


def test_reports_outside_the_window_are_not_linked_by_place(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    a = file_report(tps=TPS1, category="keamanan", description="Massa berkumpul pagi")
    Report.objects.filter(pk=a.pk).update(received_at=timezone.now() - datetime.timedelta(hours=30))
    b = filed(django_capture_on_commit_callbacks, tps=TPS1, category="keamanan", description="Spanduk dibakar")
    assert not ReportLink.objects.filter(report=b).exists()


def test_near_identical_text_of_the_same_category_and_kecamatan_is_linked(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    text = "Ada pembagian amplop berisi uang lima puluh ribu di depan masjid desa oleh tim paslon nomor 2"
    a = filed(django_capture_on_commit_callbacks, region=HOME_DESA, description=text, category="politik_uang")
    b = filed(django_capture_on_commit_callbacks, region=HOME_DESA_2, description=text.upper() + "!!",
              category="politik_uang")
    far = filed(django_capture_on_commit_callbacks, region=OTHER_DESA, description=text, category="politik_uang")
    other = filed(django_capture_on_commit_callbacks, region=OTHER_DESA, description="Jalan ke TPS banjir",
                  category="logistik")
    assert ReportLink.objects.filter(report=b, other=a).exists()  # another desa of the same kecamatan
    assert not ReportLink.objects.filter(report=far).exists()  # another kecamatan
    assert not ReportLink.objects.filter(report=other).exists()
    assert duplicates.similarity(duplicates.normalise(text), duplicates.normalise("Jalan ke TPS banjir")) == 0.0


def test_a_handler_links_related_reports_by_receipt(hworld: World) -> None:
    a, b = file_report(region=HOME_DESA), file_report(region=HOME_DESA, description="Kejadian lain")
    c = client_for(hworld.people["bawaslu"].user)
    c.post(f"/laporan/r/{a.receipt}/aksi/link/",
           {"receipt": b.receipt.lower(), "kind": "terkait", "reason": "Pelaku sama"})
    assert ReportLink.objects.get(report=a, other=b).kind == "terkait"
    assert b.receipt in main_of(c.get(f"/laporan/r/{a.receipt}/"))


def test_verification_records_an_incident_in_the_risk_index_and_rejection_withdraws_it(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    from praja.risk.models import IncidentSignal

    report = file_report(tps=TPS1, category="kekerasan", severity="4", description="Perkelahian di TPS")
    with audit.acting_as(SYSTEM), django_capture_on_commit_callbacks(execute=True):
        handling.verify(report, act(hworld.people["bawaslu"]))
    _run_risk_jobs()  # what the job worker does next
    signal = IncidentSignal.objects.get(ref=report.receipt)
    assert signal.place_code == TPS1 and signal.severity == 3.0
    with audit.acting_as(SYSTEM), django_capture_on_commit_callbacks(execute=True):
        handling.reject(report, act(hworld.people["bawaslu"]), "Ternyata latihan simulasi")
    assert not IncidentSignal.objects.filter(ref=report.receipt).exists()
    hoax = file_report(tps=TPS1, category="hoaks", description="Kabar bohong")
    with audit.acting_as(SYSTEM), django_capture_on_commit_callbacks(execute=True):
        handling.verify(hoax, act(hworld.people["bawaslu"]))
    _run_risk_jobs()
    assert not IncidentSignal.objects.filter(ref=hoax.receipt).exists()  # not a security incident


def _run_risk_jobs() -> None:
    from praja.jobqueue import queue
    from praja.jobqueue.models import Job

    for name in ("reports.risk_incident", "risk.score_pending"):
        for pk in Job.objects.filter(name=name, state="queued").values_list("pk", flat=True):
            queue.run_now(pk)


def test_a_flood_of_near_identical_reports_makes_a_few_links_each(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    text = "Massa dari luar desa datang membawa bendera dan berteriak di depan TPS satu"
    reports = [filed(django_capture_on_commit_callbacks, region=OTHER_DESA if i % 2 else HOME_DESA,
                     description=f"{text} ({i})", category="keamanan") for i in range(12)]
    # the last one is linked to the newest few, not to all eleven before it
    assert ReportLink.objects.filter(report=reports[-1]).count() == duplicates.MAX_LINKS
    assert Report.objects.count() == 12


def test_a_link_to_a_report_about_a_polsek_officer_is_left_out_of_the_timeline_that_polsek_sees(
        hworld: World) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    plain = file_report(region=HOME_DESA, description="Amplop di balai desa")
    hidden = file_report(region=HOME_DESA, category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk),
                         description="Anggota Polsek ikut membagi amplop")
    with audit.acting_as(SYSTEM):
        duplicates.link(plain, hidden, "terkait", "Pembagi amplopnya anggota Polsek Donomulyo")
    kapolsek = client_for(hworld.people["kapolsek"].user, second_factor=False)
    page = main_of(kapolsek.get(f"/laporan/r/{plain.receipt}/"))
    assert "Amplop di balai desa" in page
    assert hidden.receipt not in page and "anggota Polsek Donomulyo" not in page
    assert kapolsek.get(f"/laporan/r/{hidden.receipt}/").status_code == 404
    bawaslu = main_of(client_for(hworld.people["bawaslu"].user).get(f"/laporan/r/{plain.receipt}/"))
    assert hidden.receipt in bawaslu and "anggota Polsek Donomulyo" in bawaslu  # whoever may see it, does


def test_a_verification_reaches_the_risk_index_through_its_job_not_in_the_request(hworld: World) -> None:
    """A verification queues the job `reports.risk_incident` in its own transaction; the job records the incident,
    notes the desa and queues `risk.score_pending`, whose first run scores every desa noted by then (one recompute
    for a burst), all off the handler's request. A report rejected before its job runs records nothing; a category
    the index does not weigh queues no job."""
    from praja.jobqueue import queue
    from praja.jobqueue.models import Job
    from praja.risk.models import IncidentSignal, PendingIncidentScore, TPSScore

    reports = [file_report(tps=TPS1, category="kekerasan", description="Perkelahian di TPS"),
               file_report(region=HOME_DESA_2, category="keamanan", description="Warga diancam"),
               file_report(region=HOME_DESA_2, category="kekerasan", description="Pemukulan di balai desa")]
    other = file_report(tps=TPS1, category="logistik", description="Surat suara kurang")
    with audit.acting_as(SYSTEM):
        for report in [*reports, other]:
            handling.verify(report, act(hworld.people["bawaslu"]))
        handling.reject(reports[2], act(hworld.people["bawaslu"]), "Ternyata laporan ganda")
    assert not IncidentSignal.objects.exists() and not PendingIncidentScore.objects.exists()  # not in the request
    jobs = list(Job.objects.filter(name="reports.risk_incident").order_by("pk"))
    assert [j.args for j in jobs] == [[r.pk] for r in reports] and {j.state for j in jobs} == {"queued"}
    for j in jobs:
        queue.run_now(j.pk)
    assert [Job.objects.get(pk=j.pk).result for j in jobs] == [1, 1, 0]  # the rejected one recorded nothing
    assert set(IncidentSignal.objects.values_list("ref", flat=True)) == {reports[0].receipt, reports[1].receipt}
    assert set(PendingIncidentScore.objects.values_list("desa", flat=True)) == {HOME_DESA, HOME_DESA_2}
    assert not TPSScore.objects.filter(tps_id=TPS1).exists()  # not scored yet
    scoring = list(Job.objects.filter(name="risk.score_pending").order_by("pk"))
    assert len(scoring) == 2 and {j.state for j in scoring} == {"queued"}
    for j in scoring:
        queue.run_now(j.pk)
    assert [Job.objects.get(pk=j.pk).result for j in scoring] == [2, 0]  # the first run scored both desa
    assert not PendingIncidentScore.objects.exists()
    assert TPSScore.objects.filter(tps_id=TPS1).exists()


def test_a_batchs_same_place_candidates_are_each_reports_own(hworld: World) -> None:
    # The after-intake work reads the same-place candidates of a whole batch in one statement on PostgreSQL
    # (duplicates.place_candidates_by_tps); it must find exactly what each report would find alone.
    from django.db import connection

    now = timezone.now()
    made = [file_report(tps=TPS1, category="keamanan", description=f"Massa berkumpul {i}") for i in range(8)]
    made.append(file_report(tps=TPS1, category="logistik", description="Surat suara kurang"))
    made.append(file_report(tps="35.07.01.2001/002", category="keamanan", description="Lain TPS"))
    made.append(file_report(region=HOME_DESA, category="keamanan", description="Tanpa TPS"))
    for i, r in enumerate(made):  # distinct times, one of them outside the window
        hours = 30 if i == 2 else i * 0.1
        Report.objects.filter(pk=r.pk).update(received_at=now - datetime.timedelta(hours=hours))
    reports = list(Report.objects.filter(pk__in=[r.pk for r in made]).only(*duplicates.FIELDS))
    many = duplicates.place_candidates_by_tps(reports)
    if connection.vendor != "postgresql":
        assert many == {}  # elsewhere each report asks on its own
        return
    with_tps = [r for r in reports if r.tps_id]
    assert set(many) == {r.pk for r in with_tps}  # the desa-only report is left to candidates_same_place
    for r in with_tps:
        assert many[r.pk] == duplicates.candidates_same_place(r), r.description
    first = next(r for r in reports if r.description == "Massa berkumpul 0")
    assert len(many[first.pk]) == duplicates.MAX_PLACE_CANDIDATES  # 6 others in the window: the newest 5
    assert many[next(r.pk for r in reports if r.description == "Lain TPS")] == []


def test_a_batchs_links_are_written_together_once_each(hworld: World) -> None:
    # The after-intake work of a batch writes its links and timeline entries together (duplicates.LinkWrites);
    # two new reports of one batch and an older one make three pairs, each linked once, and a second run of
    # the same batch adds nothing.
    now = timezone.now()
    older, a, b = (file_report(tps=TPS1, category="keamanan", description=f"Massa berkumpul {i}") for i in range(3))
    for i, r in enumerate((older, a, b)):
        Report.objects.filter(pk=r.pk).update(received_at=now - datetime.timedelta(minutes=30 - 10 * i))
    assert not ReportLink.objects.exists()  # filed without their after-intake work
    handling.after_intake_batch([a.pk, b.pk])
    pairs = set(ReportLink.objects.values_list("report_id", "other_id"))
    assert pairs == {(a.pk, older.pk), (older.pk, a.pk), (b.pk, older.pk), (older.pk, b.pk), (b.pk, a.pk),
                     (a.pk, b.pk)}
    linked = TimelineEntry.objects.filter(kind=TimelineEntry.Kind.LINKED)
    assert linked.count() == 6 and {e.report_id for e in linked} == {older.pk, a.pk, b.pk}
    handling.after_intake_batch([a.pk, b.pk])
    assert ReportLink.objects.count() == 6 and linked.count() == 6
