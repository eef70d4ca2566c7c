"""kill -9 the server while clients send reports: every report whose receipt was answered is stored whole.

A real `praja serve` (granian) serves the test database; 8 clients send anonymous reports; the server's whole
process group (web master and workers) gets SIGKILL at once, mid-request; the server starts again and the
clients go on. Bounded: about 10 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection

from praja.reports.models import Report, TimelineEntry

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import loadgen  # noqa: E402 - bench/loadgen.py, the benchmarks' load generator


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_no_acknowledged_report_is_lost_when_the_server_is_killed(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    env = loadgen.server_env(tmp_path, _database_url(), PRAJA_REPORTS_SEAL_KEY=Fernet.generate_key().decode())
    crash = loadgen.crash_run(env, tmp_path / "server.log", clients=8, before_s=1.5, after_s=0.5,
                              workers=1, threads=4, bodies=loadgen.report_bodies(500, seed=5))
    assert len(crash.acknowledged) > 0, (tmp_path / "server.log").read_text()[-2000:]
    assert sum(crash.connection_errors.values()) > 0  # the kill really cut requests off
    stored = set(Report.objects.filter(receipt__in=crash.acknowledged).values_list("receipt", flat=True))
    whole = set(TimelineEntry.objects.filter(report__receipt__in=crash.acknowledged, kind="dibuat")
                .values_list("report__receipt", flat=True))
    lost = set(crash.acknowledged) - (stored & whole)
    assert not lost, f"{len(lost)} of {len(crash.acknowledged)} acknowledged reports lost"
    # the after-intake work of reports answered just before the kill is not lost either: the sweep does it
    from praja.reports import afterwork

    afterwork.sweep(grace_s=0)
    assert not Report.objects.filter(receipt__in=crash.acknowledged, after_done_at__isnull=True).exists()
