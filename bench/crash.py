"""kill -9 the server while clients send reports; restart it; is every acknowledged report in the database?

For SQLite (WAL, synchronous=NORMAL as in praja/settings.py) and PostgreSQL, each on a fresh database of its
own (praja_bench_crash, var dir /tmp/praja-bench-crash): 16 keep-alive clients send anonymous reports through
POST /api/v1/reports; after 3 s the gunicorn master and all its workers get SIGKILL at once (mid-request,
mid-transaction); the server is started again on the same port and the clients go on for 2 s. Then every
receipt that was answered with 201 is looked up: the report row with its first timeline entry.

Writes bench/results/crash.json: per database acknowledged, found, lost (must be 0), answers, restart time.
Run: ``praja bench crash``. ``PRAJA_BENCH_DATABASES=sqlite`` skips PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen as lg  # noqa: E402 - bench/loadgen.py, beside this file

DATABASES = os.environ.get("PRAJA_BENCH_DATABASES", "sqlite,postgresql").split(",")
VAR = Path(os.environ.get("PRAJA_BENCH_VAR", "/tmp/praja-bench-crash"))


def _intake_bench() -> Any:
    """bench/intake.py's database helpers, on this bench's own database name and var dir."""
    spec = importlib.util.spec_from_file_location("bench_intake_helpers", Path(__file__).with_name("intake.py"))
    assert spec and spec.loader
    mod: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.DB_NAME = "praja_bench_crash"
    mod.VAR = VAR
    return mod


def run() -> dict[str, Any]:
    helpers = _intake_bench()
    out: dict[str, Any] = {}
    for db in DATABASES:
        env, path = helpers.prepare(db)
        t0 = time.perf_counter()
        crash = lg.crash_run(env, VAR / db / "server.log", clients=16, before_s=3.0, after_s=2.0)
        found = helpers.rows_found(db, path, crash.acknowledged)
        out[db] = {
            "acknowledged": len(crash.acknowledged),
            "found": found,
            "lost": len(crash.acknowledged) - found,
            "answers": {str(k): v for k, v in sorted(crash.answers.items())},
            "connection_errors": dict(crash.connection_errors),
            "killed_after_s": crash.killed_at_s,
            "restart_s": round(crash.restarted_after_s, 2),
            "wall_s": round(time.perf_counter() - t0, 1),
        }
        print(f"{db}: acknowledged {len(crash.acknowledged)}, found {found}, lost {len(crash.acknowledged) - found}",
              flush=True)
    return out
