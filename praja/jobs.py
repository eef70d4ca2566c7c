"""Background work: the one place where Praja queues it.

    job = jobs.submit("deployment.run_plan", plan_id, progress_key="deployment.plan:7")
    for i, result in jobs.map("deployment.solve_regency", payloads, on_progress=...): ...

Two kinds of task, both registered with `@jobs.task(name)` in a module `praja/<app>/tasks.py`:

- **pure** tasks take plain data (JSON-able arguments) and return plain data. They never touch the
  database, so they can run anywhere: in this process, or on a Celery worker on another machine.
- **local** tasks (`@jobs.task(name, local=True)`) read and write the database: they always run in
  this process (a thread, or at once when jobs run eagerly) and fan their heavy part out as pure tasks
  through `jobs.map`. The plan of a province is one local task that sends one pure task per regency.

Where pure tasks run:

- in-process (default): `PRAJA_CELERY_BROKER_URL` empty. `submit` runs a local or pure task in a
  daemon thread (or at once with `settings.PRAJA_JOBS_EAGER`, as tests do); `map` runs the items one
  after another in the calling thread.
- Celery: `PRAJA_CELERY_BROKER_URL` set (e.g. ``redis://127.0.0.1:6379/0``); results come back through
  `PRAJA_CELERY_RESULT_BACKEND` (default: the broker URL), on queue `PRAJA_CELERY_QUEUE` (default
  ``praja``). Workers: ``celery -A praja.celery worker -Q praja``. They need no database.

Progress: `report(done, total, label)` inside a job writes the job's progress (the cache, so every web
worker sees it); `progress(key)` reads it. The command line shows the same numbers as a tqdm bar.

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
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("praja.jobs")

# Modules whose import registers tasks. A Celery worker imports them all (praja/celery.py).
TASK_MODULES: tuple[str, ...] = ("praja.deployment.tasks", "praja.infowatch.tasks")
DEFAULT_QUEUE = "praja"
DEFAULT_TIMEOUT_S = 3600.0
POLL_S = 0.1


@dataclass(frozen=True)
class Task:
    name: str
    fn: Callable[..., Any]
    local: bool = False  # needs the database: always runs in this process


_REGISTRY: dict[str, Task] = {}


def task(name: str, *, local: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn` as the task `name` ("app.verb"); returns `fn` unchanged."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = Task(name, fn, local)
        return fn

    return register


def load_tasks() -> dict[str, Task]:
    for module in TASK_MODULES:
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
    return Progress(**d) if isinstance(d, dict) else None


def report(done: int, total: int, label: str = "") -> None:
    """Inside a job: report its progress under the job's progress key (no-op without one)."""
    key = _current_key.get()
    if key:
        set_progress(key, done, total, label)


# --- jobs ---------------------------------------------------------------------------------------------------


class JobError(RuntimeError):
    pass


@dataclass
class Job:
    """A submitted job: `wait()` returns its result or raises its error."""

    id: str
    name: str
    progress_key: str | None = None
    _thread: threading.Thread | None = None
    _async: Any = None  # celery AsyncResult
    _result: Any = None
    _error: BaseException | None = None
    _done: threading.Event = field(default_factory=threading.Event)

    def ready(self) -> bool:
        if self._async is not None:
            return bool(self._async.ready())
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> Any:
        if self._async is not None:
            return self._async.get(timeout=timeout if timeout is not None else timeout_s(), propagate=True)
        if not self._done.wait(timeout):
            raise TimeoutError(f"job {self.name} {self.id} still running after {timeout} s")
        if self._error is not None:
            raise self._error
        return self._result


def _run(job: Job, t: Task, args: tuple[Any, ...]) -> None:
    token = _current_key.set(job.progress_key)
    try:
        job._result = t.fn(*args)
        if job.progress_key:
            p = progress(job.progress_key)
            set_progress(job.progress_key, p.total if p else 1, p.total if p else 1, p.label if p else "", "done")
    except BaseException as exc:  # noqa: BLE001 - kept on the job, raised by wait()
        job._error = exc
        log.exception("job %s %s failed", t.name, job.id)
        if job.progress_key:
            set_progress(job.progress_key, 0, 0, "", "failed", str(exc)[:500])
    finally:
        _current_key.reset(token)
        job._done.set()


def _thread_main(job: Job, t: Task, args: tuple[Any, ...], ctx: contextvars.Context) -> None:
    try:
        ctx.run(_run, job, t, args)
    finally:
        try:  # a thread's own database connection must not outlive it
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001
            pass


def submit(name: str, *args: Any, progress_key: str | None = None) -> Job:
    """Run the task `name` with `args`: on Celery when configured and the task is pure, else in this
    process (a daemon thread; at once when jobs run eagerly). Returns a Job at once (eager: already done).
    The thread runs in a copy of the caller's context, so the audit actor goes with it."""
    t = lookup(name)
    job = Job(id=uuid.uuid4().hex, name=name, progress_key=progress_key)
    if progress_key:
        set_progress(progress_key, 0, 0, "", "queued")
    if uses_celery() and not t.local:
        job._async = celery_app().send_task(name, args=list(args), queue=queue_name(), task_id=job.id)
        return job
    if eager():
        _run(job, t, args)
        return job
    ctx = contextvars.copy_context()
    job._thread = threading.Thread(target=_thread_main, args=(job, t, args, ctx), name=f"praja-job-{name}",
                                   daemon=True)
    job._thread.start()
    return job


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
    gets `progress=` when it accepts it). With `workers` > 1 (or the setting PRAJA_JOBS_WORKERS) and
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
    """Local worker processes for `map` without a broker: `workers`, else PRAJA_JOBS_WORKERS, else 1."""
    if workers is None:
        workers = int(_setting("PRAJA_JOBS_WORKERS", 1) or 1)
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
