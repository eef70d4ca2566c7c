"""The durable queue: a worker runs what was submitted (as who submitted it), keeps errors, reports progress;
a job whose worker died is queued again when a re-run is safe, else failed with a retry; two workers never
run the same job."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from praja import jobs
from praja.base import audit
from praja.jobqueue import queue
from praja.jobqueue.models import Job
from praja.jobqueue.worker import ThreadWorker

LOST: list[tuple[list[Any], bool]] = []
RAN: list[tuple[int, str]] = []
_ran_lock = threading.Lock()


@jobs.task("test.add")
def _add(a: int, b: int) -> int:
    jobs.report(1, 2, "langkah")
    return a + b


@jobs.task("test.boom")
def _boom() -> None:
    raise ValueError("meledak")


@jobs.task("test.who")
def _who() -> str:
    actor = audit.current_actor()
    return actor.label if actor else ""


@jobs.task("test.once", attempts=2, on_lost=lambda args, requeued: LOST.append((args, requeued)))
def _once(n: int) -> int:
    with _ran_lock:
        RAN.append((n, threading.current_thread().name))
    time.sleep(0.01)
    return n


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _not_eager(settings: Any) -> None:
    settings.PRAJA_JOBS_EAGER = False
    settings.PRAJA_CELERY_BROKER_URL = ""


def test_a_submitted_job_waits_in_the_queue_until_a_worker_runs_it_and_reports_progress() -> None:
    job = jobs.submit("test.add", 2, 3, progress_key="test:add")
    time.sleep(0.3)
    assert Job.objects.get(pk=job.pk).state == "queued"  # nothing runs it without a worker
    with ThreadWorker():
        assert job.wait(timeout=20) == 5
    row = Job.objects.get(pk=job.pk)
    assert row.state == "done" and row.attempts == 1 and row.result == 5 and row.progress_label == "langkah"
    p = jobs.progress("test:add")
    assert p is not None and p.state == "done" and p.label == "langkah"


def test_a_failing_job_keeps_its_error_for_wait_and_its_progress() -> None:
    with ThreadWorker():
        job = jobs.submit("test.boom", progress_key="test:boom")
        with pytest.raises(jobs.JobError, match="meledak"):
            job.wait(timeout=20)
    row = Job.objects.get(pk=job.pk)
    assert row.state == "failed" and not row.retryable  # the work failed: no automatic retry offered
    p = jobs.progress("test:boom")
    assert p is not None and p.state == "failed" and "meledak" in p.error


def test_the_worker_acts_as_whoever_submitted_the_job() -> None:
    with audit.acting_as(audit.Actor(None, "ops.polres", "10.0.0.1", "web")):
        job = jobs.submit("test.who")
    with ThreadWorker():
        assert job.wait(timeout=20) == "ops.polres"


def test_two_workers_never_run_the_same_job() -> None:
    RAN.clear()
    submitted = [jobs.submit("test.once", n) for n in range(30)]
    with ThreadWorker(poll_s=0.05), ThreadWorker(poll_s=0.05), ThreadWorker(poll_s=0.05):
        for job in submitted:
            job.wait(timeout=60)
    assert sorted(n for n, _ in RAN) == list(range(30))  # each exactly once
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}


def _dead_worker() -> str:
    """The worker name of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    name = queue.worker_name(proc.pid)
    proc.wait()
    assert queue.worker_alive(name) is False
    return name


def _running(name: str, worker: str, attempts: int, max_attempts: int, **extra: Any) -> Job:
    now = timezone.now()
    return Job.objects.create(name=name, args=[7], key="test:lost", state="running", worker=worker,
                              attempts=attempts, max_attempts=max_attempts, started_at=now, heartbeat_at=now, **extra)


def test_a_job_whose_worker_died_is_queued_again_while_attempts_remain_then_failed_with_a_retry() -> None:
    LOST.clear()
    dead = _dead_worker()
    j = _running("test.once", dead, attempts=1, max_attempts=2)
    assert queue.recover() == [(j.pk, "queued")]
    j.refresh_from_db()
    assert j.state == "queued" and j.worker == "" and "berhenti" in j.error
    assert LOST == [([7], True)]
    # its second run dies too: no attempt left, so it fails, with a retry offered
    Job.objects.filter(pk=j.pk).update(state="running", worker=dead, attempts=2)
    assert queue.recover() == [(j.pk, "failed")]
    j.refresh_from_db()
    assert j.state == "failed" and j.retryable and j.finished_at is not None
    assert LOST[-1] == ([7], False)
    # and the retry runs it again
    with ThreadWorker():
        again = jobs.retry(j.pk)
        assert again.wait(timeout=20) == 7
    assert Job.objects.get(pk=again.pk).retry_of_id == j.pk


def test_a_job_that_must_not_run_twice_is_failed_with_a_retry_at_once() -> None:
    j = _running("test.add", _dead_worker(), attempts=1, max_attempts=1)
    assert queue.recover() == [(j.pk, "failed")]
    assert Job.objects.get(pk=j.pk).retryable


def test_a_job_of_a_worker_elsewhere_is_lost_only_when_its_heartbeat_stops(settings: Any) -> None:
    settings.PRAJA_JOBS_STALE_S = 60
    elsewhere = "another-host:4242:99/1"
    fresh = _running("test.add", elsewhere, attempts=1, max_attempts=1)
    old = _running("test.add", elsewhere, attempts=1, max_attempts=1)
    Job.objects.filter(pk=old.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    assert queue.recover() == [(old.pk, "failed")]
    assert Job.objects.get(pk=fresh.pk).state == "running"


def test_a_live_worker_keeps_its_job() -> None:
    j = _running("test.add", queue.worker_name() + "/9", attempts=1, max_attempts=1)
    assert queue.recover() == []
    assert Job.objects.get(pk=j.pk).state == "running"


def test_a_worker_seals_the_audit_log_between_jobs_and_the_web_starts_no_sealer_thread() -> None:
    import importlib

    from praja.base.models import AuditBatch
    from praja.jobqueue.worker import Worker

    with audit.acting_as(audit.Actor(None, "system:test", "", "cli")):
        entry = audit.record("create", "test.thing", "1", "35.07", {"name": "x"})
    assert not AuditBatch.objects.filter(last_seq__gte=entry.seq).exists()
    w = Worker(poll_s=0.05, seal_every_s=0.05)
    t = threading.Thread(target=w.run, daemon=True)
    t.start()
    try:
        deadline = time.monotonic() + 20
        while not AuditBatch.objects.filter(first_seq__lte=entry.seq, last_seq__gte=entry.seq).exists():
            assert time.monotonic() < deadline, "the worker did not seal the entry"
            time.sleep(0.1)
    finally:
        w.stop()
        t.join(timeout=10)
    importlib.import_module("praja.wsgi")
    assert not [th for th in threading.enumerate() if th.name == "praja-audit-sealer"]
