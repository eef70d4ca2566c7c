"""`praja serve` answers reports in its web processes and does their after-intake work (routing, duplicate
links, hoax forwarding) in a process of its own at a lower CPU priority, as it runs the job workers: a burst
is answered first. The real server on the test database, a report sent over HTTP."""

from __future__ import annotations

import json
import os
import signal
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.jobqueue.tests.test_restart import Server, until
from praja.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def _children(pid: int) -> dict[int, tuple[str, int]]:
    """Every descendant of ``pid``: (command line, nice value)."""
    out: dict[int, tuple[str, int]] = {}
    parents = {pid}
    for _ in range(4):  # supervisor -> web server (granian or gunicorn) -> its workers
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in out:
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat[1]) in parents:  # field 4: the parent's pid
                out[int(entry)] = (cmd, int(stat[16]))  # field 19: nice
        parents = {pid, *out}
    return out


@pytest.fixture
def served(tmp_path: Path, settings: Any, world: Any) -> Any:  # noqa: F811 - the fixture from accounts
    settings.PRAJA_JOBS_EAGER = False
    s = Server(tmp_path)
    s.env.pop("PRAJA_REPORTS_AFTER_INTAKE", None)
    s.env.pop("PRAJA_BACKGROUND_NICE", None)
    yield s
    s.stop()


def _send(port: int, tps: str) -> str:
    body = json.dumps({"category": "politik_uang", "description": "Amplop dibagikan di depan TPS pagi ini",
                       "severity": 3, "tps": tps, "client_key": "serve-bg-1"}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reports", body,
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as answer:  # noqa: S310 - our own test server
        assert answer.status == 201
        return str(json.loads(answer.read())["receipt"])


def test_the_server_answers_a_report_and_a_lower_priority_process_does_its_after_intake_work(
    served: Server, world: Any  # noqa: F811
) -> None:
    served.start()
    assert served.proc is not None
    supervisor = served.proc.pid
    procs = _children(supervisor)
    follower = [pid for pid, (cmd, _n) in procs.items() if "process-pending --follow" in cmd]
    web = [pid for pid, (cmd, _n) in procs.items() if "granian" in cmd or "gunicorn" in cmd]
    jobs = [pid for pid, (cmd, _n) in procs.items() if cmd.rstrip().endswith("praja.cli worker")]
    assert len(follower) == 1 and web and jobs, procs
    assert procs[follower[0]][1] == 10 and all(procs[p][1] == 10 for p in jobs), procs
    assert all(procs[p][1] == 0 for p in web), procs

    receipt = _send(served.port, sorted(world.tps)[0])
    until(lambda: Report.objects.filter(receipt=receipt, after_done_at__isnull=False).exists(), 30,
          "the after-intake work of the report")

    os.kill(follower[0], signal.SIGKILL)  # the follower dies: the supervisor starts it again
    until(lambda: any("process-pending --follow" in cmd and pid != follower[0]
                      for pid, (cmd, _n) in _children(supervisor).items()), 30, "a new follower")
    assert "pengolah laporan berhenti" in served.log.read_text()
