"""The durable queue behind praja/jobs.py: enqueue, claim, run, heartbeat, recover.

Claiming: on PostgreSQL the oldest queued row is taken with `SELECT ... FOR UPDATE SKIP LOCKED` inside a
transaction, so two workers never take the same row and never wait for each other; elsewhere (SQLite,
whose writers are serialised anyway) a conditional `UPDATE ... WHERE id = X AND state = 'queued'` takes
it, and a worker that updated no row looks for the next.

A worker is named `host:pid:start` (the process start time from /proc, so a pid reused by another
process does not pass for the worker). A running job is lost when its worker on this host is gone, or
when its heartbeat is older than PRAJA_JOBS_STALE_S (a worker on another host): `recover()` then queues it
again if its task allows more attempts, else marks it failed with a retry offered.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from praja import jobs
from praja.jobqueue.models import Job

log = logging.getLogger("praja.jobs")

HEARTBEAT_S = 5.0
PROGRESS_EVERY_S = 1.0
State = Job.State


def stale_s() -> float:
    return float(getattr(settings, "PRAJA_JOBS_STALE_S", 60) or 60)


# --- who runs it --------------------------------------------------------------------------------------------


def _start_time(pid: int) -> str:
    """The start time of process `pid` in clock ticks since boot ("" when unknown or gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed
    return stat.rsplit(")", 1)[1].split()[19]


_HOST = socket.gethostname()


def worker_name(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{_HOST}:{pid}:{_start_time(pid)}"


def worker_alive(name: str) -> bool | None:
    """True/False for a worker on this host; None when it runs elsewhere (only the heartbeat can tell)."""
    m = re.fullmatch(r"(.*):(\d+):(\d*)(?:/\d+)?", name)
    if not m or m.group(1) != _HOST:
        return None
    pid, started = int(m.group(2)), m.group(3)
    now = _start_time(pid)
    if not now:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not started  # no /proc: the pid exists
    return now == started


# --- enqueue and look ---------------------------------------------------------------------------------------


def enqueue(t: jobs.Task, args: list[Any], *, key: str = "", actor: dict[str, Any] | None = None,
            retry_of: int | None = None, title: str = "") -> Job:
    user_id = (actor or {}).get("user_id")
    row = Job(name=t.name, args=args, key=key[:200], max_attempts=t.attempts, actor=actor, title=title[:200],
              submitted_by_id=user_id, retry_of_id=retry_of)
    # bulk_create: the queue's own rows are not audited one by one (the work of the job is, as its submitter)
    Job.objects.bulk_create([row])
    if row.pk is None:  # a backend that does not return ids from bulk inserts
        row = Job.objects.filter(name=t.name, key=key[:200]).order_by("-pk").first() or row
    return row


def row(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def latest(key: str) -> Job | None:
    return Job.objects.filter(key=key).order_by("-pk").first()


def wait(job_id: int, timeout: float | None = None) -> Any:
    deadline = time.monotonic() + (timeout if timeout is not None else jobs.timeout_s())
    while True:
        j = row(job_id)
        if j.state == State.DONE:
            return j.result
        if j.state == State.FAILED:
            raise jobs.JobError(f"{j.name} #{j.pk}: {j.error}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {j.name} #{j.pk} still {j.state} after {timeout} s")
        time.sleep(0.1)


# --- claim --------------------------------------------------------------------------------------------------


def claim(worker: str) -> Job | None:
    """Take the oldest queued job for `worker`, or None."""
    now = timezone.now()
    fields = {"state": State.RUNNING, "worker": worker, "started_at": now, "heartbeat_at": now,
              "attempts": F("attempts") + 1, "finished_at": None}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            j = Job.objects.select_for_update(skip_locked=True).filter(state=State.QUEUED).order_by("pk").first()
            if j is None:
                return None
            Job.objects.filter(pk=j.pk).update(**fields)
        return row(j.pk)
    for _ in range(20):
        pk = Job.objects.filter(state=State.QUEUED).order_by("pk").values_list("pk", flat=True).first()
        if pk is None:
            return None
        if Job.objects.filter(pk=pk, state=State.QUEUED).update(**fields) == 1:
            return row(pk)
    return None


# --- run ----------------------------------------------------------------------------------------------------


_last_progress: dict[int, float] = {}


def store_progress(job_id: int, done: int, total: int, label: str) -> None:
    """The job's progress in its row (at most once a second, and always the last step); also a heartbeat."""
    now = time.monotonic()
    if done < total and now - _last_progress.get(job_id, 0.0) < PROGRESS_EVERY_S:
        return
    _last_progress[job_id] = now
    Job.objects.filter(pk=job_id, state=State.RUNNING).update(
        progress_done=done, progress_total=total, progress_label=label[:100], heartbeat_at=timezone.now())


class _Heartbeat(threading.Thread):
    def __init__(self, job_id: int, worker: str) -> None:
        super().__init__(name=f"praja-heartbeat-{job_id}", daemon=True)
        self.job_id, self.worker = job_id, worker
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_S):
                try:
                    Job.objects.filter(pk=self.job_id, state=State.RUNNING, worker=self.worker).update(
                        heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - a busy database: the next beat tries again
                    log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            from django.db import connections

            connections.close_all()


def execute(j: Job, worker: str, *, heartbeat: bool = True) -> None:
    """Run a claimed job to its end: done (result) or failed (error). A `jobs.Stop` (the worker was told
    to stop) leaves it to `lost`."""
    from praja.base import audit

    t = jobs.lookup(j.name)
    beat = _Heartbeat(j.pk, worker)
    if heartbeat:
        beat.start()
    token_key = jobs._current_key.set(j.key or None)
    token_job = jobs._current_job.set(j.pk)
    try:
        actor = audit.Actor(**j.actor) if j.actor else audit.system_actor(f"job {j.name}")
        with audit.acting_as(actor):
            result = t.fn(*j.args)
    except jobs.Stop:
        raise
    except Exception as exc:  # noqa: BLE001 - kept on the job
        log.exception("job %s #%s failed", j.name, j.pk)
        msg = (str(exc) or exc.__class__.__name__)[:4000]
        Job.objects.filter(pk=j.pk).update(state=State.FAILED, error=msg, finished_at=timezone.now(),
                                           retryable=False)
        if j.key:
            jobs.set_progress(j.key, 0, 0, "", "failed", msg[:500])
    else:
        done = Job.objects.filter(pk=j.pk).values_list("progress_total", "progress_label").first() or (0, "")
        total = done[0] or 1
        Job.objects.filter(pk=j.pk).update(state=State.DONE, result=_jsonable(result), finished_at=timezone.now(),
                                           progress_done=total, progress_total=total, error="")
        if j.key:
            p = jobs.progress(j.key)
            n = p.total if p and p.total else total
            jobs.set_progress(j.key, n, n, p.label if p else done[1], "done")
    finally:
        jobs._current_key.reset(token_key)
        jobs._current_job.reset(token_job)
        beat.stop.set()
        _last_progress.pop(j.pk, None)


def _jsonable(value: Any) -> Any:
    import json

    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)[:2000]


def run_now(job_id: int) -> None:
    """Eager mode (tests): claim this one job and run it in the calling thread."""
    fields = {"state": State.RUNNING, "worker": worker_name(), "started_at": timezone.now(),
              "heartbeat_at": timezone.now(), "attempts": F("attempts") + 1}
    Job.objects.filter(pk=job_id, state=State.QUEUED).update(**fields)
    j = row(job_id)
    execute(j, j.worker, heartbeat=False)


def save_file(job_id: int, filename: str, content_type: str, data: bytes) -> dict[str, Any]:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "berkas"
    rel = Path("jobs") / str(job_id) / safe
    path = Path(settings.MEDIA_ROOT) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    Job.objects.filter(pk=job_id).update(file=str(rel))
    return {"file": str(rel), "filename": safe, "content_type": content_type, "bytes": len(data)}


def file_path(j: Job) -> Path | None:
    if not j.file:
        return None
    path = (Path(settings.MEDIA_ROOT) / j.file).resolve()
    root = (Path(settings.MEDIA_ROOT) / "jobs").resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


# --- lost jobs ----------------------------------------------------------------------------------------------


def lost(j: Job, reason: str) -> str:
    """A running job whose worker is gone: queue it again (attempts remain and its task allows it) or mark
    it failed with a retry offered. Returns the new state. Only a job still running under the same worker
    is touched, so a recovery racing the worker's own end changes nothing."""
    try:
        t: jobs.Task | None = jobs.lookup(j.name)
    except KeyError:
        t = None
    requeue = t is not None and j.attempts < j.max_attempts
    now = timezone.now()
    # One transaction: whoever looks (the plan page, the job page) sees the job and what its task's `on_lost`
    # writes (the plan marked failed with "run again") change together, never one without the other.
    with transaction.atomic():
        if requeue:
            n = Job.objects.filter(pk=j.pk, state=State.RUNNING, worker=j.worker).update(
                state=State.QUEUED, worker="", error=reason[:4000], heartbeat_at=None, progress_done=0)
        else:
            n = Job.objects.filter(pk=j.pk, state=State.RUNNING, worker=j.worker).update(
                state=State.FAILED, error=reason[:4000], retryable=True, finished_at=now)
        if not n:
            return row(j.pk).state
        log.warning("job %s #%s lost (%s): %s", j.name, j.pk, reason, "queued again" if requeue else "failed")
        if t is not None and t.on_lost is not None:
            try:
                with transaction.atomic():
                    t.on_lost(list(j.args), requeue)
            except Exception:  # noqa: BLE001 - the queue's own state is already right
                log.exception("on_lost of %s #%s failed", j.name, j.pk)
    if j.key:
        jobs.set_progress(j.key, 0, 0, "", "queued" if requeue else "failed", "" if requeue else reason[:500])
    return State.QUEUED if requeue else State.FAILED


def recover(now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Find running jobs whose worker is gone and deal with them (see `lost`); [(job id, new state)]."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=stale_s())
    out: list[tuple[int, str]] = []
    for j in Job.objects.filter(state=State.RUNNING).order_by("pk"):
        alive = worker_alive(j.worker)
        beat = j.heartbeat_at or j.started_at or j.created_at
        if alive is False:
            reason = "Proses pekerja berhenti di tengah pekerjaan (server dimulai ulang atau dihentikan)."
        elif beat < limit and (alive is None or beat < now - dt.timedelta(seconds=10 * stale_s())):
            reason = f"Pekerja tidak melapor sejak {timezone.localtime(beat):%d-%m-%Y %H.%M.%S}."
        else:
            continue
        out.append((j.pk, lost(j, reason)))
    return out

