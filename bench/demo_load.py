"""How long `praja demo` takes to build Kabupaten Malang on a fresh SQLite database.

Runs `praja demo --no-serve` REPEATS times, each in a new empty var/ folder (migrate + regions +
boundaries + 4,042 TPS + jurisdictions + agencies + accounts), and reports the median wall time.
Target (issue 2): under 60 s on the 2-core development machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPEATS = int(os.environ.get("PRAJA_BENCH_REPEATS", "3"))
TARGET_S = 60.0


PG = "postgres://postgres@127.0.0.1:5432"


def _psql(sql: str) -> bool:
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], capture_output=True)
    return r.returncode == 0


def _one(praja: Path, database_url: str | None) -> tuple[float, bool]:
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "PRAJA_VAR_DIR": d}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        t0 = time.perf_counter()
        out = subprocess.run([str(praja), "demo", "--no-serve"], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if out.returncode != 0:
            raise RuntimeError(f"praja demo failed:\n{out.stderr[-2000:]}")
        return elapsed, " 0 batas" not in out.stdout


def _case(praja: Path, database: str) -> dict[str, Any]:
    times = []
    boundaries = False
    for i in range(REPEATS):
        url = None
        if database == "postgresql":
            name = f"praja_bench_{os.getpid()}_{i}"
            _psql(f"DROP DATABASE IF EXISTS {name}")
            _psql(f"CREATE DATABASE {name}")
            url = f"{PG}/{name}"
        try:
            t, boundaries = _one(praja, url)
        finally:
            if url:
                _psql(f"DROP DATABASE IF EXISTS {name}")
        times.append(t)
    median = statistics.median(times)
    return {
        "database": database,
        "seconds": [round(t, 2) for t in times],
        "median_s": round(median, 2),
        "within_target": median < TARGET_S,
        "boundaries_loaded": boundaries,
    }


def run() -> dict[str, Any]:
    praja = Path(sys.executable).parent / "praja"
    cases = [_case(praja, "sqlite")]
    if _psql("SELECT 1"):
        cases.append(_case(praja, "postgresql"))
    return {
        "benchmark": "demo_load",
        "what": "praja demo --no-serve on an empty database (migrate + build Kabupaten Malang)",
        "repeats": REPEATS,
        "target_s": TARGET_S,
        "cases": cases,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
