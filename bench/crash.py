"""kill -9 the server while clients send reports through each channel; start it again; is every acknowledged
report in the database?

The same database, settings and server as ``praja bench intake`` (bench/intake.py: ``praja serve`` under
``praja.settings_production`` on the demo district and 100,000 earlier reports). Per channel (the API without
and with a partner token, the officers' queue sync and form, SMS, WhatsApp, the public form): 16 keep-alive
clients send reports; after ``PRAJA_CRASH_BEFORE_S`` (3 s) the server's whole process group (``praja serve``'s
gunicorn master and every worker) gets SIGKILL at once, mid-request and mid-transaction; ``praja serve`` is
started again on the same port and the clients go on for ``PRAJA_CRASH_AFTER_S`` (2 s) once it answers. Then
every request that was acknowledged (201, the gateway's 200 with a receipt, the forms' redirect) is looked up
by its client key: the report with its first timeline entry.

Writes bench/results/crash.json: per channel acknowledged, found, lost (must be 0), answers, connection errors
(requests the kill cut off: never acknowledged), restart time. Run: ``praja bench crash``
(``PRAJA_BENCH_CHANNELS`` picks channels).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import time
from pathlib import Path
from typing import Any

BEFORE_S = float(os.environ.get("PRAJA_CRASH_BEFORE_S", "3"))
AFTER_S = float(os.environ.get("PRAJA_CRASH_AFTER_S", "2"))
CLIENTS = int(os.environ.get("PRAJA_CRASH_CLIENTS", "16"))


def _intake_bench() -> Any:
    """bench/intake.py: its database, server and request makers."""
    spec = importlib.util.spec_from_file_location("bench_intake_helpers", Path(__file__).with_name("intake.py"))
    assert spec and spec.loader
    mod: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def crash_channel(ib: Any, env: dict[str, str], name: str, make: Any, ok: int) -> dict[str, Any]:
    lg = ib.lg
    log = ib.VAR / f"crash-{name}.log"
    proc, port = ib.start_serve(env, log)
    state: dict[str, Any] = {"proc": proc}

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        result = lg.LoadResult(clients=CLIENTS)
        until: dict[str, float] = {}

        async def killer() -> None:
            await asyncio.sleep(BEFORE_S)
            t0 = loop.time()
            try:
                os.killpg(state["proc"].pid, signal.SIGKILL)  # master and workers at once
            except ProcessLookupError:
                pass
            await loop.run_in_executor(None, state["proc"].wait)
            new, _port = await loop.run_in_executor(None, lambda: _restart(ib, env, log, port))
            state["proc"] = new
            state["restart_s"] = loop.time() - t0
            until["t"] = loop.time() + AFTER_S

        async def one() -> None:
            while "t" not in until or loop.time() < until["t"]:
                stop_at = until.get("t", loop.time() + 0.25)
                await lg._run_client("127.0.0.1", port, make, ok, stop_at, result, loop.time())

        task = asyncio.create_task(killer())
        await asyncio.gather(*(one() for _ in range(CLIENTS)))
        await task
        return result

    try:
        result = asyncio.run(main())
    finally:
        ib.stop(state["proc"])
    acknowledged = list(result.receipts)
    found = ib.found(acknowledged)
    return {
        "acknowledged": len(acknowledged), "found": found, "lost": len(acknowledged) - found,
        "answers": {str(k): v for k, v in sorted(result.status_counts.items())},
        "connection_errors": dict(result.errors), "killed_after_s": BEFORE_S,
        "restart_s": round(state.get("restart_s", 0.0), 2), "load_average_1m_end": round(os.getloadavg()[0], 2),
    }


def _restart(ib: Any, env: dict[str, str], log: Path, port: int) -> tuple[Any, int]:
    """``praja serve`` again on the same port (the old socket may linger a moment)."""
    import subprocess
    import sys

    deadline = time.monotonic() + 60
    while True:
        out = open(log, "ab")  # noqa: SIM115 - lives as long as the server
        proc = subprocess.Popen(
            [sys.executable, "-m", "praja.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(ib.WORKERS)], env=env, cwd=ib.lg.ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            ib.lg.wait_answering(proc, port, log)
            return proc, port
        except RuntimeError:
            ib.stop(proc)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def run() -> dict[str, Any]:
    import uuid

    ib = _intake_bench()
    t0 = time.perf_counter()
    env = ib.server_env()
    out: dict[str, Any] = {"load_average_start": [round(x, 2) for x in os.getloadavg()],
                           "server": f"praja serve --workers {ib.WORKERS}, praja.settings_production",
                           "clients": CLIENTS}
    out["database"] = ib.prepare(env)
    info = ib.setup_clients(env)
    makers = ib.factories(info, "crash-" + uuid.uuid4().hex[:8])
    channels: dict[str, Any] = {}
    for name in ib.CHANNELS:
        if name not in makers:
            continue
        make, ok = makers[name]
        channels[name] = crash_channel(ib, env, name, make, ok)
        c = channels[name]
        print(f"{name}: acknowledged {c['acknowledged']}, found {c['found']}, lost {c['lost']}, "
              f"cut off {sum(c['connection_errors'].values())}, restart {c['restart_s']} s", flush=True)
    out["channels"] = channels
    out["total_s"] = round(time.perf_counter() - t0, 1)
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return out
