"""The work after a report is stored (routing, duplicate linking, hoax forwarding), off the sender's request.

A report is stored and its receipt answered first; what ``intake.after_intake_hooks`` do comes after, here:

- ``PRAJA_REPORTS["AFTER_INTAKE"] = "thread"`` (default): on commit, intake hands the report's id to this
  process's background worker thread (a bounded queue; the thread takes the ids in small batches). Handing
  over never raises into the request: a full queue or a dead thread only leaves the report to the sweep.
- ``"celery"`` (needs ``PRAJA_CELERY_BROKER_URL``): the id goes to a Celery task ``reports.after_intake`` on
  the jobs queue; a worker that runs it needs Django settings and the database (see ``run_task``). If the
  broker cannot be reached the id goes to the thread instead.
- ``"worker"``: the web processes only store and answer; a separate process does the work:
  ``praja reports process-pending --follow`` (run it beside the server at a lower CPU priority, e.g.
  ``nice -n 10``, so a burst of reports is answered first and the work follows when the CPU is free).
- ``"inline"``: at once, in the request, on commit (tests that look at routing right after intake; a
  single-process demo).

Durable: ``Report.after_done_at`` is null until the work is done, and set in the same transaction as the
work's own writes. A **sweep** picks up every report whose work was never done (a server killed after
answering, a full queue, a lost Celery message): when the worker thread starts, every
``AFTER_INTAKE_SWEEP_S`` seconds after that, and by ``praja reports process-pending``. Only reports older
than ``AFTER_INTAKE_GRACE_S`` are swept, so a process does not take what another process's queue is about to
do; when that happens anyway the claim below makes sure the work is done once.

Claiming: the rows are taken in a transaction (PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` of the rows
still pending, so two processes never take the same report and neither waits for the other; SQLite: the
transaction itself, which takes the database's write lock at its start). The hooks of a batch run in one
savepoint; when one fails, the batch is rolled back to it and redone with each hook in its own savepoint: a
failing hook is logged, the report is still marked done (its own failure is in the log; re-running it
forever would not help), and the other hooks and reports go on.

No Django import at module level, so ``praja.jobs``'s Celery worker can import this module.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

log = logging.getLogger("praja.reports.afterwork")

TASK_NAME = "reports.after_intake"
DISPATCH_UID = "praja.reports.afterwork"
MODES = ("thread", "celery", "worker", "inline")
DEFAULTS: dict[str, Any] = {
    "AFTER_INTAKE": "thread",
    "AFTER_INTAKE_BATCH": 20,  # reports per transaction
    "AFTER_INTAKE_SWEEP_S": 60,  # seconds between two sweeps of a worker thread
    "AFTER_INTAKE_GRACE_S": 30,  # a report is swept only when it is older than this
    "AFTER_INTAKE_QUEUE_MAX": 50_000,  # ids waiting in one process; beyond that the sweep takes them
}


def conf(name: str) -> Any:
    from django.conf import settings

    return dict(getattr(settings, "PRAJA_REPORTS", {}) or {}).get(name, DEFAULTS[name])


def mode() -> str:
    value = str(conf("AFTER_INTAKE") or "thread").lower()
    if value not in MODES:
        log.warning("PRAJA_REPORTS['AFTER_INTAKE']=%r unknown; using 'thread'", value)
        return "thread"
    if value == "celery":
        from praja import jobs

        if not jobs.uses_celery():
            return "thread"
    return value


# --- doing the work -------------------------------------------------------------------------------------


def _hooks() -> list[Any]:
    from praja.reports import intake

    return list(intake.after_intake_hooks)


def _run_claimed(ids: Sequence[int]) -> None:
    """Run every after-intake hook for ``ids`` (rows already claimed, inside the claiming transaction).

    First all of them in one savepoint (the hooks catch their own failures: no round trips spent on a
    savepoint per hook; a hook with a ``for_batch`` function is given the whole batch, e.g. one SELECT for 20
    reports instead of 20); if something escapes that or breaks the transaction, the savepoint is rolled back
    and each hook of each report runs again in its own savepoint, so one failing hook spoils nothing else."""
    from django.db import transaction

    hooks = _hooks()
    try:
        with transaction.atomic():
            for hook in hooks:
                for_batch = getattr(hook, "for_batch", None)  # the hook's own way with many reports at once
                if for_batch is not None:
                    for_batch(list(ids))
                    continue
                for pk in ids:
                    hook(pk)
        return
    except Exception:  # noqa: BLE001 - redone one by one below
        log.warning("after-intake batch of %s report(s) failed; redoing them one hook at a time", len(ids),
                    exc_info=True)
    for pk in ids:
        for hook in hooks:
            try:
                with transaction.atomic():
                    hook(pk)
            except Exception:  # noqa: BLE001 - one report's failing hook must not stop the others
                log.exception("after-intake hook %s failed for report %s", getattr(hook, "__name__", hook), pk)


def _claim(qs: Any) -> Any:
    from django.db import connection

    if connection.vendor == "postgresql":
        return qs.select_for_update(skip_locked=True)
    return qs  # SQLite: the IMMEDIATE transaction holds the write lock


def process(ids: Iterable[int]) -> int:
    """Do the after-intake work of those of ``ids`` still pending (each once, whichever process asks);
    answers how many were done here. Raises only when the database fails (the sweep retries)."""
    from django.db import transaction
    from django.utils import timezone

    from praja.reports.models import Report

    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    with transaction.atomic():
        claimed = list(
            _claim(Report.objects.filter(pk__in=wanted, after_done_at__isnull=True).order_by("pk"))
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        _run_claimed(claimed)
        Report.objects.filter(pk__in=claimed).update(after_done_at=timezone.now())
    return len(claimed)


def sweep(*, grace_s: float | None = None, batch: int | None = None, limit: int | None = None) -> int:
    """Do the work of every report still pending that was received more than ``grace_s`` seconds ago,
    ``batch`` per transaction, at most ``limit`` (None: all); answers how many were done here."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from praja.reports.models import Report

    grace = float(conf("AFTER_INTAKE_GRACE_S") if grace_s is None else grace_s)
    size = max(1, int(conf("AFTER_INTAKE_BATCH") if batch is None else batch))
    done = 0
    while limit is None or done < limit:
        cutoff = timezone.now() - datetime.timedelta(seconds=grace)
        waiting = Report.objects.filter(after_done_at__isnull=True, received_at__lte=cutoff)
        if not waiting.exists():  # the usual answer: a plain read, no transaction, no lock
            break
        take = size if limit is None else min(size, limit - done)
        with transaction.atomic():
            claimed = list(_claim(waiting.order_by("pk")).values_list("pk", flat=True)[:take])
            if not claimed:
                break
            _run_claimed(claimed)
            Report.objects.filter(pk__in=claimed).update(after_done_at=timezone.now())
        done += len(claimed)
    return done


def pending() -> int:
    from praja.reports.models import Report

    return Report.objects.filter(after_done_at__isnull=True).count()


# --- handing over (called on commit of every intake) ------------------------------------------------------


def after_commit(report_id: int) -> None:
    """Hand the stored report's after-intake work on (the mode's way). Never raises."""
    try:
        how = mode()
        if how == "inline":
            process([report_id])
            return
        if how == "worker":
            return  # the separate `praja reports process-pending --follow` process takes it from the table
        if how == "celery" and _send_celery(report_id):
            return
        worker().put(report_id)
    except Exception:  # noqa: BLE001 - the sender's report is stored; the sweep does what was not handed on
        log.exception("after-intake work of report %s not handed on; the sweep will do it", report_id)


def _send_celery(report_id: int) -> bool:
    from praja import jobs

    try:
        jobs.celery_app().send_task(TASK_NAME, args=[[report_id]], queue=jobs.queue_name())
    except Exception:  # noqa: BLE001 - broker down: this process's thread does it
        log.warning("Celery broker not reached; report %s goes to the worker thread", report_id, exc_info=True)
        return False
    return True


def run_task(ids: list[int]) -> int:
    """The Celery task: a worker started with Django settings and the database (DJANGO_SETTINGS_MODULE,
    DATABASE_URL) does the work. Without them it fails, and the sweep does the work later."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:  # a long-lived worker: a fresh connection when the old one is stale
        close_old_connections()
    return process(ids)


def _register_task() -> None:
    from praja import jobs

    jobs.task(TASK_NAME)(run_task)


_register_task()


# --- the worker thread (one per process) -----------------------------------------------------------------


class Worker:
    """A daemon thread taking report ids from a bounded queue, a small batch per transaction, and sweeping
    for forgotten reports when it starts and every ``AFTER_INTAKE_SWEEP_S`` seconds."""

    def __init__(self) -> None:
        self.queue: queue.Queue[int] = queue.Queue(maxsize=int(conf("AFTER_INTAKE_QUEUE_MAX")))
        self.pid = os.getpid()
        self.done = 0
        self.outstanding = 0  # handed over and not yet through a batch
        self._count_lock = threading.Lock()
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._main, name="praja-reports-afterwork", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive() and self.pid == os.getpid()

    def put(self, report_id: int) -> None:
        try:
            self.queue.put_nowait(report_id)
        except queue.Full:
            log.warning("after-intake queue full; report %s left to the sweep", report_id)
            return
        with self._count_lock:
            self.outstanding += 1

    def wait_idle(self, timeout: float) -> bool:
        """Tests and benchmarks: wait until everything handed over so far is done."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.outstanding <= 0:
                return True
            time.sleep(0.02)
        return False

    def _take(self, timeout: float) -> list[int]:
        first = self.queue.get(timeout=timeout)
        ids = [first]
        size = int(conf("AFTER_INTAKE_BATCH"))
        while len(ids) < size:
            try:
                ids.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return ids

    def _safely(self, what: str, fn: Any, *args: Any) -> int:
        from django.db import close_old_connections, connection

        try:
            return int(fn(*args))
        except Exception:  # noqa: BLE001 - the thread lives on; the sweep retries what failed
            log.exception("after-intake %s failed", what)
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.5)
            return 0
        finally:
            close_old_connections()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the batch in hand and end the thread (the test session's end: its database is going away)."""
        self.stopping.set()
        self._thread.join(timeout)

    def _main(self) -> None:
        every = float(conf("AFTER_INTAKE_SWEEP_S"))
        self.done += self._safely("sweep", sweep)
        next_sweep = time.monotonic() + every
        while not self.stopping.is_set():
            try:
                ids = self._take(min(1.0, max(0.05, next_sweep - time.monotonic())))
            except queue.Empty:
                ids = []
            if ids:
                self.done += self._safely("batch", process, ids)
                with self._count_lock:
                    self.outstanding -= len(ids)
            if time.monotonic() >= next_sweep and not self.stopping.is_set():
                self.done += self._safely("sweep", sweep)
                next_sweep = time.monotonic() + every


_worker: Worker | None = None
_worker_lock = threading.Lock()


def worker() -> Worker:
    """This process's worker thread, started on first use (and again in a forked child)."""
    global _worker
    w = _worker
    if w is not None and w.alive():
        return w
    with _worker_lock:
        if _worker is None or not _worker.alive():
            _worker = Worker()
        return _worker


def stop_worker() -> None:
    """End this process's worker thread, if it runs (tests: before the test database is dropped)."""
    global _worker
    with _worker_lock:
        w, _worker = _worker, None
    if w is not None and w.alive():
        w.stop()


def start_on_first_request(**_kwargs: Any) -> None:
    """A ``request_started`` receiver (apps.py, thread mode): starts the worker (and so its first sweep)
    when a server process serves its first request, then disconnects itself."""
    from django.core.signals import request_started

    request_started.disconnect(dispatch_uid=DISPATCH_UID)
    try:
        if mode() == "thread":
            worker()
    except Exception:  # noqa: BLE001
        log.exception("after-intake worker not started")


def follow(*, interval_s: float = 0.5, stop: Any = None) -> int:
    """Do the work of every pending report as it arrives (the "worker" mode's process), until ``stop()``
    answers true (never, from the command line). Returns how many reports were done."""
    import time

    done = 0
    while stop is None or not stop():
        n = sweep(grace_s=0.0)
        done += n
        if n == 0:
            time.sleep(interval_s)
    return done
