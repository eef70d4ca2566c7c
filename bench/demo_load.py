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


def run() -> dict[str, Any]:
    praja = Path(sys.executable).parent / "praja"
    times = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "PRAJA_VAR_DIR": d}
            env.pop("DATABASE_URL", None)
            t0 = time.perf_counter()
            out = subprocess.run([str(praja), "demo", "--no-serve"], env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - t0
            if out.returncode != 0:
                raise RuntimeError(f"praja demo failed:\n{out.stderr[-2000:]}")
            times.append(elapsed)
            boundaries_loaded = " 0 batas" not in out.stdout
    median = statistics.median(times)
    return {
        "benchmark": "demo_load",
        "what": "praja demo --no-serve on an empty SQLite database (migrate + build Kabupaten Malang)",
        "repeats": REPEATS,
        "seconds": [round(t, 2) for t in times],
        "median_s": round(median, 2),
        "target_s": TARGET_S,
        "within_target": median < TARGET_S,
        "boundaries_loaded": boundaries_loaded,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
