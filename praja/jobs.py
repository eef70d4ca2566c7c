"""Background work: the one place where Praja queues it.

    job = jobs.submit("deployment.run_plan", plan_id, progress_key="deployment.plan:7")
    for i, result in jobs.map("deployment.solve_regency", payloads, on_progress=...): ...

Two kinds of task, both registered with `@jobs.task(name)` in a module `praja/<app>/tasks.py`:

- **pure** tasks take plain data (JSON-able arguments) and return plain data. They never touch the
  database, so they can run anywhere: in Praja's queue, or on a Celery worker on another machine.
- **local** tasks (`@jobs.task(name, local=True)`) read and write the database: they run in Praja's own
  queue and fan their heavy part out as pure tasks through `jobs.map`. The plan of a province is one
  local task that sends one pure task per regency.

Where jobs run:

- `submit` writes a row in the database queue (praja.jobqueue.models.Job: name, JSON args, state
  queued/running/done/failed, attempts, progress, error, result and file, who submitted it, heartbeat).
  Worker processes claim rows (PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`, SQLite a conditional
  UPDATE), run them as the person who submitted them, and heartbeat. `praja serve` (and `praja demo`)
  start the workers next to gunicorn and restart one that dies; `praja worker` runs one on its own.
  A job whose worker died (its pid gone, or no heartbeat for PRAJA_JOBS_STALE_S) is queued again when
  its task says a re-run is safe and attempts remain, else marked failed with a retry offered: never
  "running" for ever. With `settings.PRAJA_JOBS_EAGER` (tests) `submit` runs the job at once.
- Celery, for pure fan-out only: `PRAJA_CELERY_BROKER_URL` set (e.g. ``redis://127.0.0.1:6379/0``);
  `map` sends the items there, results come back through `PRAJA_CELERY_RESULT_BACKEND` (default: the
  broker URL), on queue `PRAJA_CELERY_QUEUE` (default ``praja``). Workers: ``celery -A praja.celery
  worker -Q praja``. They need no database. Without a broker `map` runs the items one after another.

Progress: `report(done, total, label)` inside a job writes the job's progress (the cache, so every web
worker sees it, and the job's row); `progress(key)` reads it. The command line shows the same numbers
as a tqdm bar. A job that makes a file keeps it with `save_file(...)`; the job page
(`/tugas/<id>/`) shows the progress line and then the download.

No Django import at module level: a Celery worker imports this module without Django settings.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("praja.jobs")

# Modules whose import registers tasks. A Celery worker imports them all (praja/celery.py).
TASK_MODULES: tuple[str, ...] = (
    "praja.deployment.tasks", "praja.infowatch.tasks", "praja.ops.tasks", "praja.reports.tasks", "praja.risk.tasks",
)
DEFAULT_QUEUE = "praja"
DEFAULT_TIMEOUT_S = 3600.0
POLL_S = 0.1


@dataclass(frozen=True)
class Task:
    name: str
    fn: Callable[..., Any]
    local: bool = False  # needs the database: runs in Praja's own queue, never on Celery
    attempts: int = 1  # how many times the queue may start it (more than 1 only when a re-run is safe)
    on_lost: Callable[[list[Any], bool], None] | None = None  # (args, requeued): its worker stopped mid-run


_REGISTRY: dict[str, Task] = {}


def task(
    name: str,
    *,
    local: bool = False,
    attempts: int = 1,
    on_lost: Callable[[list[Any], bool], None] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn` as the task `name` ("app.verb"); returns `fn` unchanged.

    `attempts` > 1 says a re-run is safe (the task replaces what an earlier run wrote): a job whose worker
    died is then queued again while attempts remain, else it is marked failed with a retry offered.
    `on_lost(args, requeued)` lets the task's own records follow (a plan back to "queued" or "failed")."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = Task(name, fn, local, max(1, attempts), on_lost)
        return fn

    return register


def task_modules() -> tuple[str, ...]:
    """TASK_MODULES and those named in PRAJA_JOBS_MODULES (comma-separated: a site's own tasks)."""
    extra = str(_setting("PRAJA_JOBS_MODULES", "") or os.environ.get("PRAJA_JOBS_MODULES", ""))
    return TASK_MODULES + tuple(m.strip() for m in extra.split(",") if m.strip())


def load_tasks() -> dict[str, Task]:
    for module in task_modules():
        importlib.import_module(module)
    return dict(_REGISTRY)


def lookup(name: str) -> Task:
    if name not in _REGISTRY:
        load_tasks()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no job named {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


# --- configuration -----------------------------------------------------------------------------------


def _setting(name: str, default: Any = None) -> Any:
    """A Django setting when Django is configured (web, command line, tests), else the environment (a worker)."""
    try:
        from django.conf import settings

        if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
            return getattr(settings, name, default)
    except Exception:  # noqa: BLE001 - Django missing or its settings not importable: fall back to env
        pass
    return os.environ.get(name, default)


def broker_url() -> str:
    return str(_setting("PRAJA_CELERY_BROKER_URL", "") or "")


def result_backend() -> str:
    return str(_setting("PRAJA_CELERY_RESULT_BACKEND", "") or broker_url())


def queue_name() -> str:
    return str(_setting("PRAJA_CELERY_QUEUE", "") or DEFAULT_QUEUE)


def uses_celery() -> bool:
    return bool(broker_url())


def eager() -> bool:
    return bool(_setting("PRAJA_JOBS_EAGER", False))


def timeout_s() -> float:
    return float(_setting("PRAJA_JOBS_TIMEOUT_S", DEFAULT_TIMEOUT_S) or DEFAULT_TIMEOUT_S)


_apps: dict[tuple[str, str, str], Any] = {}
_apps_lock = threading.Lock()


def celery_app() -> Any:
    """The Celery app for the configured broker (one per broker, backend and queue)."""
    key = (broker_url(), result_backend(), queue_name())
    with _apps_lock:
        if key not in _apps:
            from praja.celery import make_app

            _apps[key] = make_app(*key)
        return _apps[key]


# --- progress -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str = ""  # what is counted: "kecamatan", "kabupaten/kota"
    state: str = "running"  # queued, running, done, failed
    error: str = ""
    at: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "label": self.label, "state": self.state,
                "error": self.error, "at": self.at}


_current_key: contextvars.ContextVar[str | None] = contextvars.ContextVar("praja_job_progress", default=None)
_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("praja_job_row", default=None)
_local_progress: dict[str, Progress] = {}  # without Django (a worker, a bare script)
_PROGRESS_TTL_S = 24 * 3600


def _cache() -> Any | None:
    try:
        from django.conf import settings

        if not settings.configured:
            return None
        from django.core.cache import cache

        return cache
    except Exception:  # noqa: BLE001
        return None


def set_progress(key: str, done: int, total: int, label: str = "", state: str = "running", error: str = "") -> None:
    p = Progress(done, total, label, state, error, time.time())
    cache = _cache()
    if cache is None:
        _local_progress[key] = p
        return
    try:
        cache.set(f"praja:job:{key}", p.as_dict(), _PROGRESS_TTL_S)
    except Exception:  # noqa: BLE001 - progress is best effort, never the reason a job fails
        log.warning("progress of %s not stored", key, exc_info=True)


def progress(key: str) -> Progress | None:
    cache = _cache()
    if cache is None:
        return _local_progress.get(key)
    d = cache.get(f"praja:job:{key}")
    if isinstance(d, dict):
        return Progress(**d)
    try:  # the cache was cleared or the job ran elsewhere: its row in the queue knows
        from praja.jobqueue.models import Job as Row

        r = Row.objects.filter(key=key).order_by("-pk").first()
    except Exception:  # noqa: BLE001 - no database at hand
        return None
    if r is None:
        return None
    at = (r.heartbeat_at or r.finished_at or r.created_at).timestamp()
    return Progress(r.progress_done, r.progress_total, r.progress_label, r.state, r.error[:500], at)


def report(done: int, total: int, label: str = "") -> None:
    """Inside a job: report its progress under the job's progress key (no-op without one)."""
    key = _current_key.get()
    if key:
        set_progress(key, done, total, label)
    job_id = _current_job.get()
    if job_id is not None:
        from praja.jobqueue import queue

        queue.store_progress(job_id, done, total, label)


# --- jobs ---------------------------------------------------------------------------------------------------


class JobError(RuntimeError):
    pass


class Stop(BaseException):  # noqa: N818 - not an error: the worker was told to stop mid-job
    """Raised inside a running job when its worker is told to stop (SIGTERM): the job is then queued again
    or marked failed with a retry offered, as when its worker dies."""


@dataclass
class Job:
    """A submitted job: `wait()` returns its result or raises its error. `pk` is its row in the queue
    (praja.jobqueue.models.Job); 0 for a pure task sent to Celery, which has none."""

    id: str
    name: str
    progress_key: str | None = None
    pk: int = 0
    _async: Any = None  # celery AsyncResult

    def ready(self) -> bool:
        if self._async is not None:
            return bool(self._async.ready())
        from praja.jobqueue import queue

        return queue.row(self.pk).is_finished

    def wait(self, timeout: float | None = None) -> Any:
        if self._async is not None:
            return self._async.get(timeout=timeout if timeout is not None else timeout_s(), propagate=True)
        from praja.jobqueue import queue

        return queue.wait(self.pk, timeout)


def _actor_dict() -> dict[str, Any] | None:
    try:
        from praja.base import audit
    except Exception:  # noqa: BLE001 - no Django (a worker): no actor
        return None
    actor = audit.current_actor()
    if actor is None:
        return None
    return {"user_id": actor.user_id, "label": actor.label, "address": actor.address, "channel": actor.channel}


def submit(name: str, *args: Any, progress_key: str | None = None, title: str = "") -> Job:
    """Queue the task `name` with `args` (JSON-able). A pure task goes to Celery when a broker is
    configured; every other job is a row in the database queue, run by a worker process (`praja serve`
    starts them, or `praja worker`), at once in this thread when jobs run eagerly (tests). The worker
    acts as whoever submitted the job (the audit actor of the caller). Returns at once."""
    t = lookup(name)
    if uses_celery() and not t.local:
        job = Job(id=uuid.uuid4().hex, name=name, progress_key=progress_key)
        if progress_key:
            set_progress(progress_key, 0, 0, "", "queued")
        job._async = celery_app().send_task(name, args=list(args), queue=queue_name(), task_id=job.id)
        return job
    from praja.jobqueue import queue

    row = queue.enqueue(t, list(args), key=progress_key or "", actor=_actor_dict(), title=title)
    if progress_key:
        set_progress(progress_key, 0, 0, "", "queued")
    if eager():
        queue.run_now(row.pk)
    return Job(id=str(row.pk), name=name, progress_key=progress_key, pk=row.pk)


def retry(job_id: int) -> Job:
    """Run again a job that failed (a new row that points at the old one); the caller's actor submits it."""
    from praja.jobqueue import queue

    old = queue.row(job_id)
    job = submit(old.name, *old.args, progress_key=old.key or None, title=old.title)
    from praja.jobqueue.models import Job as Row

    Row.objects.filter(pk=job.pk).update(retry_of=old.pk)
    return job


def current_job() -> int | None:
    """Inside a job: its row id (None outside a job or in a Celery worker)."""
    return _current_job.get()


def save_file(filename: str, content_type: str, data: bytes) -> dict[str, Any]:
    """Inside a job: keep `data` as the job's file (under MEDIA_ROOT/jobs/<id>/); returns the result to
    return from the task. The job page offers it for download to whoever submitted the job."""
    from praja.jobqueue import queue

    job_id = current_job()
    if job_id is None:
        raise RuntimeError("save_file is for a job running in the queue")
    return queue.save_file(job_id, filename, content_type, data)


# (done, total, unit): unit is what `map` counts ("items"), or a finer unit a single item reports.
OnProgress = Callable[[int, int, str], None]


def map(  # noqa: A001 - the name says what it does: the task over every argument
    name: str,
    items: Sequence[Any],
    *,
    on_progress: OnProgress | None = None,
    unit: str = "",
    timeout: float | None = None,
    workers: int | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run the pure task `name` on each item (one argument each); yield (index, result) as they finish.

    In-process: one after another in this thread; a single item may report finer progress (the task
    gets `progress=` when it accepts it). With `workers` > 1 (or the setting PRAJA_MAP_WORKERS) and
    no broker: a pool of that many local processes, results as they finish. Celery: all sent at once,
    collected as they finish; one that fails raises JobError naming it, after the others are revoked.
    `timeout` bounds the whole map.
    """
    t = lookup(name)
    if t.local:
        raise ValueError(f"{name} is a local task; map runs pure tasks")
    n = len(items)
    say = on_progress or (lambda _d, _t, _u: None)
    say(0, n, unit)
    if not uses_celery() and n > 1 and local_workers(workers) > 1:
        yield from _map_processes(name, items, local_workers(workers), say, unit, timeout)
        return
    if not uses_celery():
        for i, item in enumerate(items):
            if n == 1 and _accepts_progress(t.fn):
                yield i, t.fn(item, progress=lambda d, tot, u: say(d, tot, u))
            else:
                yield i, t.fn(item)
            say(i + 1, n, unit)
        return
    app = celery_app()
    deadline = time.monotonic() + (timeout if timeout is not None else timeout_s())
    pending = {i: app.send_task(name, args=[item], queue=queue_name()) for i, item in enumerate(items)}
    finished = 0
    try:
        while pending:
            progressed = False
            for i in sorted(pending):
                r = pending[i]
                if not r.ready():
                    continue
                del pending[i]
                progressed = True
                if r.failed():
                    raise JobError(f"{name} item {i} failed on a worker: {r.result!r}")
                value = r.get(timeout=10, propagate=True)
                r.forget()
                finished += 1
                say(finished, n, unit)
                yield i, value
            if not progressed:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{name}: {len(pending)} of {n} items unfinished after the time limit; is a Celery "
                        f"worker listening on queue {queue_name()!r} of {broker_url()}?"
                    )
                time.sleep(POLL_S)
    finally:
        for r in pending.values():
            try:
                r.revoke()
            except Exception:  # noqa: BLE001
                pass


def local_workers(workers: int | None = None) -> int:
    """Local worker processes for `map` without a broker: `workers`, else PRAJA_MAP_WORKERS, else 1."""
    if workers is None:
        workers = int(_setting("PRAJA_MAP_WORKERS", 1) or 1)
    return max(1, int(workers))


def _call_task(name: str, item: Any) -> Any:
    """In a worker process: run the pure task `name` on one item (the module is imported afresh there)."""
    return lookup(name).fn(item)


def _map_processes(name: str, items: Sequence[Any], workers: int, say: OnProgress, unit: str,
                   timeout: float | None) -> Iterator[tuple[int, Any]]:
    """`map` over a pool of local processes (spawned: a fresh interpreter that imports the task's module,
    shares nothing with this one and never touches its database connections)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    n = len(items)
    deadline = time.monotonic() + (timeout if timeout is not None else timeout_s())
    with ProcessPoolExecutor(max_workers=min(workers, n), mp_context=multiprocessing.get_context("spawn")) as ex:
        pending = {ex.submit(_call_task, name, item): i for i, item in enumerate(items)}
        finished = 0
        try:
            while pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{name}: {len(pending)} of {n} items unfinished after the time limit")
                done, _rest = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                for f in sorted(done, key=lambda f: pending[f]):
                    i = pending.pop(f)
                    exc = f.exception()
                    if exc is not None:
                        raise JobError(f"{name} item {i} failed in a worker process: {exc!r}") from exc
                    finished += 1
                    say(finished, n, unit)
                    yield i, f.result()
        finally:
            for f in pending:
                f.cancel()


def _accepts_progress(fn: Callable[..., Any]) -> bool:
    import inspect

    try:
        return "progress" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
