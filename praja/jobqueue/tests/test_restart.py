"""kill -9 the real server (`praja serve`: gunicorn and its job workers) while a plan runs, start it again:
the plan ends finished (run again, a re-run being safe) or failed with a retry that works; never "running".

The server serves the test database in a subprocess on a free port; the plan pauses at each step so that the
kill falls in the middle of it. Bounded: about a minute.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from praja import jobs
from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.base import audit
from praja.deployment import pattern_settings, plan_jobs, regency_pools
from praja.deployment.models import Plan
from praja.deployment.tests.conftest import dep_world  # noqa: F401 - the fixture
from praja.jobqueue.models import Job
from praja.jobqueue.tests import slow_tasks  # noqa: F401 - registers test.slow_plan here too

ROOT = Path(__file__).resolve().parents[3]
SYSTEM = audit.Actor(None, "system:test", "", "cli")
PAUSE_S = 1.0

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, var_dir: Path) -> None:
        self.port = _free_port()
        self.log = var_dir / "server.log"
        self.env = {**os.environ, "DATABASE_URL": _database_url(), "PRAJA_VAR_DIR": str(var_dir),
                    "DJANGO_SETTINGS_MODULE": "praja.settings", "PRAJA_JOBS_MODULES": "praja.jobqueue.tests.slow_tasks",
                    "PRAJA_JOBS_EAGER": ""}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "praja.cli", "serve", "--port", str(self.port), "--workers", "1",
             "--job-workers", "1"], env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        until(self._listening, 60, "the server to listen")

    def _listening(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"the server ended: {self.log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def kill9(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def until(ok: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not ok():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.2)


@pytest.fixture
def server(tmp_path: Path, settings: Any) -> Iterator[Server]:
    settings.PRAJA_JOBS_EAGER = False
    settings.PRAJA_CELERY_BROKER_URL = ""
    s = Server(tmp_path)
    yield s
    s.stop()


def _plan(name: str) -> tuple[Plan, jobs.Job]:
    with audit.acting_as(SYSTEM):
        plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                     pattern_settings.settings_for("35.07").to_core(),
                                     regency_pools.snapshot_pools("35.07"), name=name)
        job = jobs.submit("test.slow_plan", plan.pk, PAUSE_S, progress_key=plan_jobs.progress_key(plan))
    return plan, job


def _state(plan: Plan, job: jobs.Job) -> tuple[str, str, int]:
    plan.refresh_from_db()
    row = Job.objects.get(pk=job.pk)
    return plan.status, row.state, row.attempts


def _running(plan: Plan, job: jobs.Job, attempt: int) -> Callable[[], bool]:
    return lambda: _state(plan, job)[1:] == ("running", attempt) and Plan.objects.get(pk=plan.pk).progress_total > 0


@pytest.mark.usefixtures("dep_world")
def test_a_plan_interrupted_by_a_kill_9_is_run_again_or_failed_with_a_retry_never_left_running(server: Server) -> None:
    # 1. killed once: the plan is queued again and finishes when the server is back
    plan, job = _plan("dibunuh sekali")
    server.start()
    until(_running(plan, job, 1), 60, "the plan to run")
    server.kill9()
    assert _state(plan, job) == ("running", "running", 1)  # the kill cut it off mid-run
    server.start()
    until(lambda: _state(plan, job)[0] in ("done", "failed"), 120, "the plan to end after the restart")
    assert _state(plan, job) == ("done", "done", 2), server.log.read_text()[-3000:]
    assert plan.posts_count > 0 and plan.tps_count == 16

    # 2. killed on both of its attempts: failed, with a retry offered, and the retry finishes it
    plan2, job2 = _plan("dibunuh dua kali")
    until(_running(plan2, job2, 1), 60, "the second plan to run")
    server.kill9()
    server.start()
    until(_running(plan2, job2, 2), 60, "the second plan's second attempt")
    server.kill9()
    server.start()
    until(lambda: _state(plan2, job2)[1] == "failed", 30, "the second plan to be marked failed")
    row = Job.objects.get(pk=job2.pk)
    assert row.retryable and "berhenti" in row.error
    plan2.refresh_from_db()
    assert plan2.status == "failed" and "Jalankan ulang" in plan2.error
    with audit.acting_as(SYSTEM):
        again = jobs.retry(job2.pk)
    until(lambda: Job.objects.get(pk=again.pk).state in ("done", "failed"), 120, "the retry to end")
    plan2.refresh_from_db()
    assert Job.objects.get(pk=again.pk).state == "done" and plan2.status == "done"
    assert not Job.objects.filter(state="running").exists()
