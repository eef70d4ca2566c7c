"""The after-intake work (neutrality routing, duplicate linking, hoax forwarding) runs off the sender's request:
a worker thread does it after the commit, and a sweep does the work a killed server never did."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from praja.reports import afterwork, intake
from praja.reports.models import Report, ReportLink, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import file_report

TPS1 = "35.07.01.2001/001"


@pytest.fixture
def thread_mode(settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "thread"}


def routed(report: Report) -> bool:
    return report.timeline.filter(kind=TimelineEntry.Kind.ROUTED).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_routes_and_links_reports_after_they_are_answered(hworld: Any, thread_mode: Any) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    a = file_report(tps=TPS1, category="keamanan", description="Massa berkumpul di depan TPS")
    b = file_report(tps=TPS1, category="keamanan", description="Ada keributan kecil")
    assert afterwork.worker().wait_idle(20)
    assert routed(about)
    assert set(ReportLink.objects.filter(report=b).values_list("other_id", flat=True)) == {a.pk}
    assert Report.objects.filter(after_done_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_failing_hook_never_reaches_the_sender_and_the_report_is_still_done(hworld: Any, thread_mode: Any) -> None:
    def broken(_pk: int) -> None:
        raise RuntimeError("hoax desk down")

    intake.after_intake_hooks.insert(0, broken)
    try:
        polsek = hworld.agencies["polsek-donomulyo"]
        report = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
        assert report.receipt
        assert afterwork.worker().wait_idle(20)
    finally:
        intake.after_intake_hooks.remove(broken)
    report.refresh_from_db()
    assert report.after_done_at is not None
    assert routed(report)  # the other hooks went on


def test_the_sweep_does_the_work_a_killed_server_never_did(hworld: Any) -> None:
    # Inside the test's transaction the on-commit hand-over never happens: as if the server was killed
    # right after answering the receipt.
    polsek = hworld.agencies["polsek-donomulyo"]
    about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    a = file_report(tps=TPS1, category="keamanan", description="Massa berkumpul di depan TPS")
    b = file_report(tps=TPS1, category="keamanan", description="Ada keributan kecil")
    assert Report.objects.filter(after_done_at__isnull=True).count() == 3
    assert not routed(about) and not ReportLink.objects.exists()

    assert afterwork.sweep() == 0  # younger than the grace time: another process's queue may have them
    assert afterwork.sweep(grace_s=0, batch=2) == 3
    assert routed(about)
    assert set(ReportLink.objects.filter(report=b).values_list("other_id", flat=True)) == {a.pk}
    assert Report.objects.filter(after_done_at__isnull=True).count() == 0
    # done once: asking again does nothing more
    assert afterwork.process([about.pk, a.pk, b.pk]) == 0
    assert about.timeline.filter(kind=TimelineEntry.Kind.ROUTED).count() == 1


def test_praja_reports_process_pending_sweeps_from_the_command_line(hworld: Any, capsys: Any) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    call_command("reports", "process-pending")
    assert "done for 1 report(s); 1 were pending, 0 still pending" in capsys.readouterr().out
    assert routed(about)


def test_celery_mode_sends_the_id_and_falls_back_to_the_thread_when_the_broker_is_down(
        hworld: Any, settings: Any, monkeypatch: Any) -> None:
    from praja import jobs

    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "celery"}
    settings.PRAJA_CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    sent: list[Any] = []

    class App:
        def send_task(self, name: str, args: list[Any], queue: str) -> None:
            sent.append((name, args, queue))

    monkeypatch.setattr(jobs, "celery_app", lambda: App())
    afterwork.after_commit(123)
    assert sent == [(afterwork.TASK_NAME, [[123]], "praja")]

    class Down:
        def send_task(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("broker down")

    handed: list[int] = []

    class FakeWorker:
        def put(self, pk: int) -> None:
            handed.append(pk)

    monkeypatch.setattr(jobs, "celery_app", lambda: Down())
    monkeypatch.setattr(afterwork, "worker", lambda: FakeWorker())
    afterwork.after_commit(124)
    assert handed == [124]
    # the task a Celery worker runs does the work of the ids it is given
    report = file_report(category="netralitas", subject_kind="polri",
                         subject_unit=str(hworld.agencies["polsek-donomulyo"].pk))
    assert afterwork.run_task([report.pk]) == 1 and routed(report)


@pytest.mark.django_db(transaction=True)
def test_in_worker_mode_the_server_only_stores_and_the_following_process_does_the_work(
        hworld: Any, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "worker"}
    polsek = hworld.agencies["polsek-donomulyo"]
    about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    assert not routed(about) and Report.objects.filter(after_done_at__isnull=True).count() == 1
    rounds = iter(range(3))
    done = afterwork.follow(interval_s=0.01, stop=lambda: next(rounds, None) is None)
    assert done == 1 and routed(about)
    assert Report.objects.filter(after_done_at__isnull=True).count() == 0


def test_a_batch_is_read_once_per_hook_not_once_per_report(hworld: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hoax = file_report(category="hoaks", description="Kotak suara ditukar di gudang KPU, sebarkan! http://x.example/a")
    others = [file_report(tps=TPS1, category="logistik", description=f"Surat suara kurang {n} lembar di TPS")
              for n in range(9)]
    ids = [hoax.pk, *(r.pk for r in others)]
    with CaptureQueriesContext(connection) as ctx:
        assert afterwork.process(ids) == 10
    reads = [q["sql"] for q in ctx.captured_queries
             if q["sql"].startswith("SELECT") and 'FROM "reports_report" WHERE' in q["sql"] and " IN (" in q["sql"]
             and '"after_done_at"' not in q["sql"]]
    assert len(reads) == 2, reads  # routing/duplicates and the hoax forwarding: one SELECT each for all ten
    assert hoax.timeline.filter(kind=TimelineEntry.Kind.NOTE, data__has_key="infowatch_item").exists()
    assert ReportLink.objects.filter(report=others[-1]).exists()  # same TPS and category: linked
    assert Report.objects.filter(pk__in=ids, after_done_at__isnull=True).count() == 0


def test_the_hoax_reports_of_a_batch_are_forwarded_and_analysed_together(
    hworld: Any, monkeypatch: Any, request: Any
) -> None:
    from praja.infowatch import services_analysis
    from praja.infowatch.models import ForwardedReport

    calls: list[int] = []
    real = services_analysis.classify

    def counting(texts: Any) -> Any:
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(services_analysis, "classify", counting)
    services_analysis.reset()  # the place names infowatch looks for: this test's regions, not an earlier test's
    request.addfinalizer(services_analysis.reset)
    hoaxes = [file_report(category="hoaks", description=text) for text in (
        "Kotak suara di gudang KPU ditukar semalam, sebarkan sebelum dihapus",
        "Petugas KPPS diganti orang partai di Donomulyo, surat suara sudah dicoblos",
        "Beredar video DPT ganda di Kalipare, ribuan nama palsu dimasukkan")]
    plain = file_report(tps=TPS1, category="logistik", description="Surat suara kurang 20 lembar")
    assert afterwork.process([r.pk for r in (*hoaxes, plain)]) == 4
    forwarded = ForwardedReport.objects.filter(receipt__in=[r.receipt for r in hoaxes]).select_related("item")
    assert len(forwarded) == 3
    assert all(f.item.analysed_at is not None for f in forwarded)  # each item has its labels and matches
    assert calls == [3]  # one classification for the batch, not one per report
    assert not ForwardedReport.objects.filter(receipt=plain.receipt).exists()
