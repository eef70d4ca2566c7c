"""Handling actions (verify, refer, close) at 50 concurrent handlers, as a district's server answers them.

The database, settings and server of ``praja bench intake`` (bench/intake.py: ``praja serve`` under
``praja.settings_production``, the demo district and 100,000 earlier reports). ``PRAJA_HANDLERS`` (50) handlers,
each a signed-in session of the demo Polres operations account (``ops.polres``, which may handle every report
of the regency), take new reports one after the other from a pool filed just before (through the public API, as
a sender would) and on each do what the report page's buttons do: verify (``POST /laporan/r/<kode>/aksi/verify/``),
refer along the criminal path to Sentra Gakkumdu (``.../refer/``) and close (``.../close/``), each answered by a
redirect to the report page (which is not fetched). For ``PRAJA_BENCH_SECONDS`` after a warm-up.

Per action: count, per second, p50, p99 (ms); reports whose three steps all took effect (status closed in the
database) against those a handler finished; the 1-minute load average at the end (the machine is shared).
Run: ``praja bench handling`` (writes bench/results/handling.json).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HANDLERS = int(os.environ.get("PRAJA_HANDLERS", "50"))
POOL = int(os.environ.get("PRAJA_HANDLING_POOL", "600"))
HANDLER_ACCOUNT = "ops.polres"


def _intake_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_intake_helpers", Path(__file__).with_name("intake.py"))
    assert spec and spec.loader
    mod: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SESSIONS_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(username=%(user)r)
backend = next(b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend"))
keys = []
for _ in range(%(n)d):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = backend; s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create(); keys.append(s.session_key)
print(json.dumps(keys))
"""


async def _file_pool(lg: Any, port: int, n: int, tag: str) -> list[str]:
    """``n`` new reports through the public API (a desa of Donomulyo, as senders file them); their receipts."""
    import random

    rng = random.Random(tag)
    numbers = iter(range(n))
    receipts: list[str] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i in numbers:
            body = json.dumps({"category": "politik_uang", "description": " ".join(rng.choices(lg.WORDS, k=20)),
                               "region": "35.07.01.2001", "client_key": f"{tag}-{i}"}).encode()
            writer.write(lg.http_request("127.0.0.1", "POST", "/api/v1/reports", body,
                                         {"Content-Type": "application/json"}))
            status, close, answer = await lg._read_response(reader)
            if status == 201:
                receipts.append(json.loads(answer)["receipt"])
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()

    await asyncio.gather(*(client() for _ in range(8)))
    return receipts


async def _handlers(lg: Any, port: int, receipts: list[str], sessions: list[str], cookie_names: tuple[str, str],
                    seconds: float, warmup: float) -> tuple[dict[str, list[float]], list[str], Any]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    pool = iter(receipts)
    times: dict[str, list[float]] = {"verify": [], "refer": [], "close": []}
    finished: list[str] = []
    statuses: Any = {}
    csrf = "c" * 32
    steps = [("verify", {"severity": "3", "note": "Dicek di lapangan"}),
             ("refer", {"path": "pidana", "recipient": "", "note": ""}),
             ("close", {"reason": "Selesai ditangani"})]

    async def handler(i: int) -> None:
        cookie = f"{cookie_names[0]}={sessions[i % len(sessions)]}; {cookie_names[1]}={csrf}"
        reader = writer = None
        while loop.time() < stop_at:
            receipt = next(pool, None)
            if receipt is None:
                return
            for name, form in steps:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                body = urlencode({**form, "csrfmiddlewaretoken": csrf}).encode()
                request = lg.http_request("127.0.0.1", "POST", f"/laporan/r/{receipt}/aksi/{name}/", body, {
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
                t0 = time.perf_counter()
                writer.write(request)
                status, close, _body = await lg._read_response(reader)
                ms = (time.perf_counter() - t0) * 1000
                if loop.time() >= measure_from:
                    times[name].append(ms)
                    statuses[status] = statuses.get(status, 0) + 1
                if close:
                    writer.close()
                    reader = writer = None
            if loop.time() >= measure_from:
                finished.append(receipt)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(handler(i) for i in range(HANDLERS)))
    return times, finished, statuses


def _pct(data: list[float], p: float) -> float:
    if not data:
        return 0.0
    s = sorted(data)
    return round(s[min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))], 1)


def run() -> dict[str, Any]:
    ib = _intake_bench()
    lg = ib.lg
    t0 = time.perf_counter()
    env = ib.server_env()
    out: dict[str, Any] = {"load_average_start": [round(x, 2) for x in os.getloadavg()], "handlers": HANDLERS,
                           "server": f"praja serve --workers {ib.WORKERS}, praja.settings_production",
                           "seconds": ib.SECONDS, "warmup_s": ib.WARMUP}
    out["database"] = ib.prepare(env)
    info = ib.setup_clients(env)
    sessions = json.loads(ib.praja(env, "manage", "shell", "-c", SESSIONS_SCRIPT % {
        "user": HANDLER_ACCOUNT, "n": HANDLERS}).strip().splitlines()[-1])
    proc, port = ib.start_serve(env, ib.VAR / "handling.log")
    try:
        tag = "hd-" + uuid.uuid4().hex[:8]
        receipts = asyncio.run(_file_pool(lg, port, POOL, tag))
        ib.drain()
        times, finished, statuses = asyncio.run(_handlers(
            lg, port, receipts, sessions, (info["session_cookie"], info["csrf_cookie"]), ib.SECONDS, ib.WARMUP))
    finally:
        ib.stop(proc)
    with ib._pg(ib.DB_NAME) as conn:
        closed = conn.execute("SELECT count(*) FROM reports_report WHERE receipt = ANY(%s) AND status = 'ditutup'",
                              (finished,)).fetchone()[0]
    out["actions"] = {name: {"count": len(v), "per_s": round(len(v) / ib.SECONDS, 1), "p50_ms": _pct(v, 50),
                             "p99_ms": _pct(v, 99)} for name, v in times.items()}
    every = [ms for v in times.values() for ms in v]
    out["all_actions"] = {"count": len(every), "per_s": round(len(every) / ib.SECONDS, 1), "p50_ms": _pct(every, 50),
                          "p99_ms": _pct(every, 99)}
    out["reports_finished"] = len(finished)
    out["reports_closed_in_database"] = int(closed)
    out["answers"] = {str(k): v for k, v in sorted(statuses.items())}
    out["pool_filed"] = len(receipts)
    out["total_s"] = round(time.perf_counter() - t0, 1)
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"handling at {HANDLERS} handlers: {out['actions']}, all {out['all_actions']}, "
          f"closed {closed} of {len(finished)}, load {out['load_average_end'][0]}", flush=True)
    return out
