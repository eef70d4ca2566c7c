"""`praja serve`: gunicorn and the background processes as children of one small supervising process.

    praja serve (this process, Django set up, no requests)
     ├─ gunicorn master ── web workers (gunicorn restarts a web worker that dies)
     ├─ praja worker × PRAJA_JOBS_WORKERS (restarted here when one dies)
     └─ praja reports process-pending --follow (the after-intake work; restarted here when it dies)

The background children run at a lower CPU priority (``nice``, PRAJA_BACKGROUND_NICE, default 10): on a
server with few cores, a burst of reports is answered first and the background work (routing, duplicate
links, the audit seal, plans) takes the CPU the web workers leave. Each of them is durable on its own (the job
table; ``Report.after_done_at``), so being slower under a burst delays that work, it never loses it.

The supervisor first recovers the jobs that a previous server left running (their workers are gone), then
starts the children in its own process group, so `kill -- -PGID` stops all of them. SIGTERM/SIGINT/SIGHUP are
passed on; when gunicorn ends, the workers are told to stop and the supervisor ends with gunicorn's status.
On Linux each child also gets SIGTERM when the supervisor itself dies (PR_SET_PDEATHSIG), so a `kill -9` of the
supervisor alone leaves no orphan serving the port.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

RESTART_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class Child:
    """A background process the supervisor keeps running: its command line and its CPU priority."""

    label: str  # in the restart message, e.g. "pekerja 1 / job worker 1"
    cmd: Sequence[str]
    nice: int = 0
    env: dict[str, str] = field(default_factory=dict)  # added to the supervisor's environment


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def worker_command() -> list[str]:
    return [sys.executable, "-m", "praja.cli", "worker"]


def after_intake_command() -> list[str]:
    return [sys.executable, "-m", "praja.cli", "reports", "process-pending", "--follow"]


def _preexec(nice: int) -> Callable[[], None]:
    def run() -> None:  # pragma: no cover - runs in the child between fork and exec
        if sys.platform == "linux":
            _die_with_parent()
        if nice:
            try:
                os.nice(nice)
            except OSError:
                pass

    return run


def _start(cmd: Sequence[str], nice: int = 0, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: PLW1509 - the pre-exec hook only sets the death signal and the priority
        list(cmd), preexec_fn=_preexec(nice), env={**os.environ, **env} if env else None,
    )


def supervise(gunicorn_cmd: Sequence[str], children: Sequence[Child], web_env: dict[str, str] | None = None) -> int:
    from django.db import connections

    from praja.jobqueue import queue

    try:
        recovered = queue.recover()
    except Exception as exc:  # noqa: BLE001 - the workers try again on their own start
        print(f"praja serve: the job queue could not be checked: {exc}", file=sys.stderr)
        recovered = []
    if recovered:
        print(f"praja serve: {len(recovered)} pekerjaan terhenti ditangani / interrupted jobs handled: "
              + ", ".join(f"#{pk} -> {state}" for pk, state in recovered), flush=True)
    connections.close_all()

    stopping = False
    web = _start(gunicorn_cmd, env=web_env)
    workers: list[subprocess.Popen[bytes]] = [_start(c.cmd, c.nice, c.env) for c in children]
    deaths: list[int] = [0] * len(children)
    next_start: list[float] = [0.0] * len(children)

    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for p in (web, *workers):
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)
                except ProcessLookupError:
                    pass

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, forward)

    while True:
        code = web.poll()
        if code is not None:
            break
        now = time.monotonic()
        for i, p in enumerate(workers):
            if stopping or p.poll() is None:
                continue
            if next_start[i] == 0.0:
                delay = RESTART_BACKOFF_S[min(deaths[i], len(RESTART_BACKOFF_S) - 1)]
                deaths[i] += 1
                next_start[i] = now + delay
                id_label, en_label = children[i].label.split(" / ", 1)
                print(f"praja serve: {id_label} berhenti (kode {p.returncode}); dimulai lagi dalam {delay:.0f} s"
                      f" / {en_label} stopped (code {p.returncode}), restarting in {delay:.0f} s",
                      file=sys.stderr, flush=True)
            elif now >= next_start[i]:
                next_start[i] = 0.0
                workers[i] = _start(children[i].cmd, children[i].nice, children[i].env)
        time.sleep(0.5)

    for p in workers:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 15
    for p in workers:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    return code if not stopping else 0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
