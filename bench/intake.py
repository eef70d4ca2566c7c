"""Reports accepted per second through ``POST /api/v1/reports``, beside the database's raw commit ceiling.

For SQLite (WAL) and PostgreSQL, each on a fresh database of its own (``praja_bench_intake``, var dir
/tmp/praja-bench-intake): migrate; measure the raw ceiling (single-row INSERT + COMMIT from 16 threads,
nothing else); start gunicorn on 127.0.0.1 (gthread, PRAJA_BENCH_WORKERS x PRAJA_BENCH_THREADS, the public
rate limit lifted: PRAJA_REPORTS_PUBLIC_RATE=0, persistent connections: PRAJA_DB_CONN_MAX_AGE=600); then for
16 and 64 keep-alive clients (bench/loadgen.py, asyncio raw sockets, in this process) send varied
anonymous reports for PRAJA_BENCH_SECONDS after a warm-up. Server, clients and database share this machine.

Per database and client count: accepted_per_s, p50_ms, p99_ms (of 201 answers), accepted, rows_found (how
many of the acknowledged receipts are in the database with their first timeline entry), raw_ceiling_per_s,
share_of_ceiling; the same under "intake_only" with the after-intake hooks emptied; on PostgreSQL also
commits and rows inserted per accepted report (pg_stat_database). The after-intake work is done off the request
by a worker thread in each server process (praja/reports/afterwork.py); after each burst the bench waits until
no report is pending and answers that drain: pending_after_burst, drain_s, drain_per_s.

Run: ``praja bench intake`` (writes bench/results/intake.json). Needs a local PostgreSQL at
PRAJA_BENCH_PG (default postgres://postgres@127.0.0.1:5432); ``PRAJA_BENCH_DATABASES=sqlite`` skips it.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen as lg  # noqa: E402 - bench/loadgen.py, beside this file

SECONDS = float(os.environ.get("PRAJA_BENCH_SECONDS", "10"))
WARMUP = float(os.environ.get("PRAJA_BENCH_WARMUP", "2"))
CLIENTS = [int(c) for c in os.environ.get("PRAJA_BENCH_CLIENTS", "16,64").split(",")]
WORKERS = int(os.environ.get("PRAJA_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("PRAJA_BENCH_THREADS", "4"))
DATABASES = os.environ.get("PRAJA_BENCH_DATABASES", "sqlite,postgresql").split(",")
PG = os.environ.get("PRAJA_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "praja_bench_intake"
VAR = Path(os.environ.get("PRAJA_BENCH_VAR", "/tmp/praja-bench-intake"))
CEILING_CLIENTS = 16
# "1": the whole path as served (the after-intake work, routing, duplicates and forwarding, done by each server
# process's worker thread after the answer: praja/reports/afterwork.py; its drain rate measured after each
# burst); "0": intake alone (the hooks emptied in each worker by a bench-only gunicorn config); "w": the
# "worker" mode, the web processes only store and answer and a separate `praja reports process-pending
# --follow` process at nice 10 does the after-intake work (its drain measured the same way).
HOOKS = os.environ.get("PRAJA_BENCH_HOOKS", "1,0,w").split(",")


# --- databases -----------------------------------------------------------------------------------------


def _pg(dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(f"{PG}/{dbname}", autocommit=True)


def prepare(db: str) -> tuple[dict[str, str], Path]:
    """A fresh, migrated database and var dir; the environment a server on it needs."""
    var = VAR / db
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    url = ""
    if db == "postgresql":
        with _pg() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        url = f"{PG}/{DB_NAME}"
    env = lg.server_env(var, url, PRAJA_REPORTS_SEAL_KEY=Fernet.generate_key().decode())
    lg.manage(env, "migrate", "--verbosity", "0")
    return env, var / "praja.sqlite3"


def _ceiling_worker(db: str, path: Path, stop: float, counts: list[int], i: int) -> None:
    n = 0
    if db == "postgresql":
        with _pg(DB_NAME) as conn:
            while time.perf_counter() < stop:
                conn.execute("INSERT INTO praja_bench_raw (body) VALUES (%s)", (f"row {i}-{n}",))
                n += 1
    else:
        conn = sqlite3.connect(path, timeout=20, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
        while time.perf_counter() < stop:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO praja_bench_raw (body) VALUES (?)", (f"row {i}-{n}",))
            conn.execute("COMMIT")
            n += 1
        conn.close()
    counts[i] = n


def raw_ceiling(db: str, path: Path, seconds: float) -> float:
    """Single-row INSERT + COMMIT from 16 threads (one connection each): what the database alone allows."""
    if db == "postgresql":
        with _pg(DB_NAME) as conn:
            conn.execute("CREATE TABLE praja_bench_raw (id bigserial PRIMARY KEY, body text, "
                         "at timestamptz DEFAULT now())")
    else:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE praja_bench_raw (id integer PRIMARY KEY, body text, "
                     "at text DEFAULT CURRENT_TIMESTAMP)")
        conn.close()
    counts = [0] * CEILING_CLIENTS
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=_ceiling_worker, args=(db, path, stop, counts, i))
               for i in range(CEILING_CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


def rows_found(db: str, path: Path, receipts: list[str]) -> int:
    """Acknowledged receipts stored whole: the report row and its first timeline entry."""
    if not receipts:
        return 0
    sql_tail = ("EXISTS (SELECT 1 FROM reports_timelineentry t WHERE t.report_id = r.id AND t.kind = 'dibuat')")
    if db == "postgresql":
        with _pg(DB_NAME) as conn:
            row = conn.execute(f"SELECT count(*) FROM reports_report r WHERE r.receipt = ANY(%s) AND {sql_tail}",
                               (receipts,)).fetchone()
            return int(row[0]) if row else 0
    conn = sqlite3.connect(path, timeout=20)
    conn.execute("CREATE TEMP TABLE acked (receipt text PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO acked VALUES (?)", [(r,) for r in receipts])
    row = conn.execute(f"SELECT count(*) FROM reports_report r JOIN acked a ON a.receipt = r.receipt "
                       f"WHERE {sql_tail}").fetchone()
    conn.close()
    return int(row[0])


def pg_counters() -> tuple[int, int]:
    with _pg(DB_NAME) as conn:
        row = conn.execute("SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = %s",
                           (DB_NAME,)).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


def pending_count(db: str, path: Path) -> int:
    """Reports whose after-intake work (routing, duplicates, forwarding) is not done yet."""
    sql = "SELECT count(*) FROM reports_report WHERE after_done_at IS NULL"
    if db == "postgresql":
        with _pg(DB_NAME) as conn:
            row = conn.execute(sql).fetchone()
            return int(row[0]) if row else 0
    conn = sqlite3.connect(path, timeout=20)
    row = conn.execute(sql).fetchone()
    conn.close()
    return int(row[0]) if row else 0


def drain(db: str, path: Path, timeout: float = 300.0) -> dict[str, Any]:
    """After a burst: how long the servers' after-intake worker threads take to finish what is pending
    (nothing else is sent meanwhile), and so their rate in reports per second."""
    t0 = time.perf_counter()
    first = pending_count(db, path)
    left = first
    while left and time.perf_counter() - t0 < timeout:
        time.sleep(0.1)
        left = pending_count(db, path)
    took = time.perf_counter() - t0
    return {"pending_after_burst": first, "drain_s": round(took, 2), "still_pending": left,
            "drain_per_s": round((first - left) / took, 1) if first and took > 0 else None}


def pg_version() -> str:
    with _pg() as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


# --- the run -------------------------------------------------------------------------------------------


def run_database(db: str) -> dict[str, Any]:
    env, path = prepare(db)
    ceiling = raw_ceiling(db, path, SECONDS)
    out: dict[str, Any] = {"raw_ceiling_per_s": round(ceiling, 1)}
    for how in HOOKS:
        if how == "w":
            out["separate_worker"] = run_cases(db, env, path, ceiling, True, separate_worker=True)
        elif how == "1":
            out.update(run_cases(db, env, path, ceiling, True))
        else:
            out["intake_only"] = run_cases(db, env, path, ceiling, False)
    return out


def run_cases(db: str, env: dict[str, str], path: Path, ceiling: float, hooks: bool,
              separate_worker: bool = False) -> dict[str, Any]:
    follower = None
    if separate_worker:
        env = {**env, "PRAJA_REPORTS_AFTER_INTAKE": "worker"}
        follower = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "praja.cli", "reports", "process-pending", "--follow"],
            env=env, cwd=lg.ROOT, stdout=subprocess.DEVNULL, stderr=open(VAR / db / "follower.log", "wb"),
        )
    server = lg.start_server(env, VAR / db / "server.log", workers=WORKERS, threads=THREADS, hooks=hooks)
    out: dict[str, Any] = {}
    try:
        lg.warm(server.port)
        for n, clients in enumerate(CLIENTS):
            bodies = lg.report_bodies(4000, seed=1000 * n + clients)
            before = pg_counters() if db == "postgresql" else (0, 0)
            t0 = time.perf_counter()
            result = asyncio.run(lg.load("127.0.0.1", server.port, "/api/v1/reports", bodies,
                                         clients=clients, seconds=SECONDS, warmup=WARMUP))
            wall = time.perf_counter() - t0
            after = pg_counters() if db == "postgresql" else (0, 0)
            sent = sum(result.status_counts.values())
            found = rows_found(db, path, result.receipts)
            case: dict[str, Any] = {
                "accepted_per_s": round(result.per_s, 1),
                "p50_ms": round(result.percentile(50), 1),
                "p99_ms": round(result.percentile(99), 1),
                "accepted": result.accepted,
                "acknowledged_incl_warmup": len(result.receipts),
                "rows_found": found,
                "raw_ceiling_per_s": round(ceiling, 1),
                "share_of_ceiling": round(result.per_s / ceiling, 3) if ceiling else None,
                "answers": {str(k): v for k, v in sorted(result.status_counts.items())},
                "connection_errors": dict(result.errors),
                "seconds_measured": round(result.seconds, 2),
                "wall_s": round(wall, 2),
            }
            if db == "postgresql" and len(result.receipts):
                # the whole load's commits and inserted rows (warm-up included) per acknowledged report
                case["commits_per_report"] = round((after[0] - before[0]) / len(result.receipts), 2)
                case["rows_inserted_per_report"] = round((after[1] - before[1]) / len(result.receipts), 2)
            if sent and found < len(result.receipts):
                case["missing"] = len(result.receipts) - found
            if hooks:
                case["after_intake"] = drain(db, path)
            case["load_average_1m"] = round(os.getloadavg()[0], 2)
            out[str(clients)] = case
            label = f"{db} {clients} clients" + (" (separate worker)" if separate_worker else
                                                 "" if hooks else " (intake only)")
            print(f"{label}: {case['accepted_per_s']}/s p50 {case['p50_ms']} ms "
                  f"p99 {case['p99_ms']} ms, {found}/{len(result.receipts)} found, ceiling {ceiling:.0f}/s"
                  + (f", after-intake {case['after_intake']}" if hooks else "")
                  + f", load {case['load_average_1m']}", flush=True)
    finally:
        server.stop()
        if follower is not None:
            follower.terminate()
            follower.wait(timeout=30)
    return out


def run() -> dict[str, Any]:
    t0 = time.perf_counter()
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "server": {"gunicorn": f"gthread, {WORKERS} workers x {THREADS} threads", "bind": "127.0.0.1",
                   "load_generator": "bench/loadgen.py (asyncio, keep-alive), same machine"},
        "seconds_per_case": SECONDS, "warmup_s": WARMUP,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    for db in DATABASES:
        if db == "postgresql":
            result["server"]["postgresql"] = pg_version()
        result[db] = run_database(db)
    result["total_s"] = round(time.perf_counter() - t0, 1)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result
