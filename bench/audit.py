"""Audited writes per second at 1, 16 and 64 concurrent writers on PostgreSQL: the old chain vs the new one.

Each writer is a thread with its own database connection that repeats one transaction: append an audit
entry, insert one business row (the write being audited), commit. Two designs in the same process, the same
database and the same moment:

- ``locked_head`` (the design before issue 17, as main had it): lock the one head row
  (``SELECT ... FOR UPDATE``), hash the entry over the previous hash, insert it, move the head; the lock is
  held until the transaction commits, so every audited write in the system waits for the one before it.
  Run here on its own two tables (``bench_audit_old_head``, ``bench_audit_old_entry``) with the same
  canonical form and SHA-256 as the old ``chain.py``.
- ``sealed_batches`` (now): ``praja.base.audit.record`` (one INSERT numbered by the database, no lock);
  after the run, ``audit.seal()`` chains everything that was written, and its time is reported too.

Writes bench/results/audit.json. Run on a scratch PostgreSQL database (it writes audit entries):

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE praja_bench_audit'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/praja_bench_audit praja manage migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/praja_bench_audit praja bench audit

``PRAJA_BENCH_SECONDS`` (default 5) is the length of each measurement; ``PRAJA_BENCH_WRITERS`` (default
"1,16,64") the writer counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import threading
import time
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from praja.base import audit

SECONDS = float(os.environ.get("PRAJA_BENCH_SECONDS", "5"))
WRITERS = [int(n) for n in os.environ.get("PRAJA_BENCH_WRITERS", "1,16,64").split(",")]
ACTOR = audit.Actor(None, "bench:audit", "127.0.0.1", "bench")

OLD_TABLES = """
CREATE TABLE IF NOT EXISTS bench_audit_old_head (id int PRIMARY KEY, last_seq bigint NOT NULL,
    last_hash varchar(64) NOT NULL);
CREATE TABLE IF NOT EXISTS bench_audit_old_entry (id bigserial PRIMARY KEY, seq bigint UNIQUE NOT NULL,
    at timestamptz NOT NULL, actor_label varchar(150) NOT NULL, address varchar(64) NOT NULL,
    channel varchar(16) NOT NULL, action varchar(32) NOT NULL, target_type varchar(64) NOT NULL,
    target_id varchar(64) NOT NULL, region_code varchar(20) NOT NULL, changes jsonb NOT NULL,
    prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL);
CREATE TABLE IF NOT EXISTS bench_audit_business (id bigserial PRIMARY KEY, writer int NOT NULL,
    n int NOT NULL, payload text NOT NULL);
INSERT INTO bench_audit_old_head VALUES (1, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
"""
OLD_FIELDS = ("seq", "at", "actor_label", "address", "channel", "action", "target_type", "target_id",
              "region_code", "changes")


def _old_append(cursor: Any, writer: int, n: int) -> None:
    """main's audit.record, step by step, on the bench's own tables."""
    cursor.execute("SELECT last_seq, last_hash FROM bench_audit_old_head WHERE id = 1 FOR UPDATE")
    last_seq, last_hash = cursor.fetchone()
    fields = {
        "seq": last_seq + 1, "at": timezone.now().isoformat(timespec="microseconds"), "actor_label": ACTOR.label,
        "address": ACTOR.address, "channel": ACTOR.channel, "action": "create", "target_type": "bench.row",
        "target_id": f"{writer}-{n}", "region_code": "35.07", "changes": {"writer": writer, "n": n},
    }
    body = json.dumps({k: fields[k] for k in OLD_FIELDS}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    h = hashlib.sha256((last_hash + "\n" + body).encode("utf-8")).hexdigest()
    cursor.execute(
        "INSERT INTO bench_audit_old_entry (seq, at, actor_label, address, channel, action, target_type, "
        "target_id, region_code, changes, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [fields["seq"], fields["at"], fields["actor_label"], fields["address"], fields["channel"], fields["action"],
         fields["target_type"], fields["target_id"], fields["region_code"], json.dumps(fields["changes"]),
         last_hash, h],
    )
    cursor.execute("UPDATE bench_audit_old_head SET last_seq = %s, last_hash = %s WHERE id = 1", [fields["seq"], h])


def _one(design: str, writer: int, n: int) -> None:
    with transaction.atomic():
        if design == "locked_head":
            with connection.cursor() as c:
                _old_append(c, writer, n)
        else:
            audit.record("create", "bench.row", f"{writer}-{n}", "35.07", {"writer": writer, "n": n}, actor=ACTOR)
        with connection.cursor() as c:  # the business write the entry is about
            c.execute("INSERT INTO bench_audit_business (writer, n, payload) VALUES (%s, %s, %s)",
                      [writer, n, "x" * 200])


def measure(design: str, writers: int) -> dict[str, Any]:
    stop = time.perf_counter() + SECONDS
    counts = [0] * writers
    latencies: list[list[float]] = [[] for _ in range(writers)]
    errors: list[str] = []
    start = threading.Barrier(writers + 1)

    def work(w: int) -> None:
        try:
            connection.ensure_connection()
            start.wait()
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                _one(design, w, counts[w])
                latencies[w].append(time.perf_counter() - t0)
                counts[w] += 1
        except Exception as e:  # noqa: BLE001 - reported in the result
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(x for ls in latencies for x in ls)
    done = sum(counts)
    return {
        "design": design, "writers": writers, "writes": done, "seconds": round(elapsed, 2),
        "writes_per_s": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1) if lat else None,
        "errors": errors[:3],
    }


def run() -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise SystemExit("bench audit: set DATABASE_URL to a scratch PostgreSQL database (see the docstring)")
    with connection.cursor() as c:
        c.execute(OLD_TABLES)
        c.execute("SELECT version()")
        version = c.fetchone()[0]
    audit.seal(wait=5)
    rows = []
    for writers in WRITERS:
        for design in ("locked_head", "sealed_batches"):
            r = measure(design, writers)
            print(f"{design:15s} {writers:3d} writers: {r['writes_per_s']:8.1f} writes/s  p50 {r['p50_ms']} ms  "
                  f"p99 {r['p99_ms']} ms", flush=True)
            rows.append(r)
    t0 = time.perf_counter()
    sealed = audit.seal(wait=10)
    seal_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    verified = audit.verify_log(seal_first=False)
    verify_s = time.perf_counter() - t0
    return {
        "what": "audited writes/s (append + one business row + commit), threads with their own connections",
        "seconds_each": SECONDS,
        "machine": f"{platform.node()} {os.cpu_count()} cores (shared with other work: measured under load)",
        "database": version,
        "results": rows,
        "seal": {"entries": sealed.sealed, "batches": len(sealed.batches), "seconds": round(seal_s, 2),
                 "entries_per_s": round(sealed.sealed / seal_s, 1) if seal_s else None},
        "verify": {"entries": verified.entries, "ok": verified.ok, "seconds": round(verify_s, 2),
                   "entries_per_s": round(verified.entries / verify_s, 1) if verify_s else None},
        "command": "DATABASE_URL=postgres://postgres@127.0.0.1:5432/praja_bench_audit praja bench audit",
    }
