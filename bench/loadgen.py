"""A cheap HTTP/1.1 load generator and a server starter for the intake benchmark and the crash test.

A benchmark helper (bench/intake.py, bench/crash.py and praja/reports/tests/test_crash.py import it with
bench/ on sys.path); nothing in the ``praja`` package imports it.

Pure Python (asyncio, raw sockets, keep-alive), so it runs wherever Praja runs and costs little CPU beside
the server on the same 2-core machine. No Django import: the bench and the crash test run it beside a
gunicorn that serves Praja from its own database.

    result = asyncio.run(load(host, port, path, bodies, clients=64, seconds=10))
    result.accepted, result.latencies_ms, result.receipts, result.status_counts
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LoadResult:
    clients: int
    seconds: float = 0.0
    accepted: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # of accepted answers only
    receipts: list[str] = field(default_factory=list)
    status_counts: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # connection errors by kind

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        data = sorted(self.latencies_ms)
        k = min(len(data) - 1, max(0, int(round(p / 100 * (len(data) - 1)))))
        return data[k]

    @property
    def per_s(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0


WORDS = (
    "amplop uang sembako dibagikan tim sukses calon warga antre tps kotak suara terlambat datang petugas kpps "
    "saksi ditolak masuk spanduk dirusak malam hari kepala desa mengarahkan pilih nomor tertentu aparat berseragam "
    "hadir kampanye listrik padam internet putus formulir c hasil tidak ditempel surat suara kurang pemilih "
    "tidak terdaftar dpt ganda intimidasi ancaman massa berkumpul jalan ditutup hoaks pesan berantai grup whatsapp "
    "masjid gereja ceramah politik asn ikut kampanye foto bersama pasangan calon logistik basah hujan banjir"
).split()



def run_async(coro: Any) -> Any:
    """asyncio.run(coro), in a thread of its own when this thread already runs an event loop (a test process
    whose earlier test drove Playwright's sync API leaves one running), so the load generator works anywhere."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()

def report_bodies(n: int, seed: int = 0) -> list[bytes]:
    """``n`` distinct, valid anonymous reports (JSON bodies) with varied text, as real senders write them
    (so duplicate detection sees what it would see on voting day, not ``n`` copies of one sentence)."""
    import random

    rng = random.Random(seed)
    cats = ["politik_uang", "keamanan", "logistik", "hak_pilih", "netralitas", "listrik_internet"]
    out = []
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(12, 60))
        out.append(json.dumps({
            "category": cats[rng.randrange(len(cats))],
            "description": f"{' '.join(words).capitalize()}. Pukul {rng.randint(6, 14)}:{rng.randint(0, 59):02d}.",
            "severity": rng.randint(1, 4),
            "place_text": f"Balai desa {rng.randint(1, 400)}",
        }).encode())
    return out


def _request(host: str, path: str, body: bytes, token: str = "") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    return head.encode() + b"\r\n" + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lname = name.strip().lower()
        if lname == "content-length":
            length = int(value.strip())
        elif lname == "connection" and value.strip().lower() == "close":
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, close, body


async def _client(
    host: str, port: int, path: str, bodies: Iterator[bytes], stop_at: float, result: LoadResult, token: str,
    measure_from: float,
) -> None:
    """One keep-alive client of ``POST path`` with JSON ``bodies``: a 201's receipt is the acknowledgement."""

    def make() -> tuple[bytes, str]:
        return _request(host, path, next(bodies), token), ""

    await _run_client(host, port, make, 201, stop_at, result, measure_from)


async def _run_client(
    host: str, port: int, make: Callable[[], tuple[bytes, str]], ok: int, stop_at: float, result: LoadResult,
    measure_from: float,
) -> None:
    """Send ``make()``'s requests one after the other on a keep-alive connection (reconnecting when the server
    closes it) until ``stop_at``. An answer with status ``ok`` acknowledges the request: its key (``make``'s
    second value) is kept, or, without one, the receipt of the JSON answer."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    loop = asyncio.get_running_loop()
    while loop.time() < stop_at:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError as exc:
                result.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                continue
        assert reader is not None
        request, key = make()
        t0 = time.perf_counter()
        try:
            writer.write(request)
            status, close, body = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            result.errors[type(exc).__name__] += 1
            writer.close()
            writer = None
            await asyncio.sleep(0.01)
            continue
        ms = (time.perf_counter() - t0) * 1000
        if loop.time() >= measure_from:
            result.status_counts[status] += 1
        if status == ok:
            # every acknowledged request is kept (the crash test checks them all); timings only after warm-up
            result.receipts.append(key or json.loads(body)["receipt"])
            if loop.time() >= measure_from:
                result.accepted += 1
                result.latencies_ms.append(ms)
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def load(
    host: str, port: int, path: str, bodies: Sequence[bytes], *, clients: int, seconds: float,
    warmup: float = 0.0, token: str = "",
) -> LoadResult:
    """``clients`` keep-alive connections each sending one request after the other for ``seconds``
    (after ``warmup`` seconds that are sent but not counted)."""
    result = LoadResult(clients=clients)
    loop = asyncio.get_running_loop()
    start = loop.time()
    measure_from = start + warmup
    stop_at = measure_from + seconds
    cycle = itertools.cycle(bodies)
    await asyncio.gather(*(
        _client(host, port, path, cycle, stop_at, result, token, measure_from) for _ in range(clients)
    ))
    result.seconds = max(1e-9, loop.time() - measure_from)
    return result


async def load_requests(
    host: str, port: int, make: Callable[[], tuple[bytes, str]], *, ok: int, clients: int, seconds: float,
    warmup: float = 0.0,
) -> LoadResult:
    """Like ``load``, for any request: ``make()`` answers the raw HTTP request and the key that says it was
    acknowledged (its client key); an answer with status ``ok`` acknowledges it."""
    result = LoadResult(clients=clients)
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup
    stop_at = measure_from + seconds
    await asyncio.gather(*(
        _run_client(host, port, make, ok, stop_at, result, measure_from) for _ in range(clients)
    ))
    result.seconds = max(1e-9, loop.time() - measure_from)
    return result


def http_request(host: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
                 ) -> bytes:
    """A raw HTTP/1.1 keep-alive request."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    return head.encode() + b"\r\n" + body


# --- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(var_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a Praja process on its own database and var dir (public limit lifted)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({
        "PRAJA_VAR_DIR": str(var_dir),
        "PRAJA_CACHE_DIR": str(var_dir / "cache"),
        "PRAJA_REPORTS_PUBLIC_RATE": "0",
        "PRAJA_DB_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "praja.settings",
        "PYTHONUNBUFFERED": "1",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    subprocess.run(
        [sys.executable, "-m", "praja.cli", "manage", *args], env=env, cwd=ROOT, check=True, timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def kill9(self) -> None:
        """kill -9 the master and every worker at once (a power cut of the process group)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill9()


def gunicorn_args(workers: int, threads: int) -> list[str]:
    exe = Path(sys.executable).parent / "gunicorn"
    args = [str(exe) if exe.exists() else "gunicorn", "praja.wsgi:application",
            "--workers", str(workers), "--graceful-timeout", "5", "--timeout", "60", "--backlog", "2048"]
    if threads > 1:
        args += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    return args


NO_HOOKS_CONFIG = """
def post_worker_init(worker):
    # bench only: measure intake alone, without the after-intake work (routing, duplicates, forwarding)
    from praja.reports import intake
    intake.after_intake_hooks.clear()
"""


def start_server(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 4, port: int = 0,
                 ready_timeout: float = 60, hooks: bool = True) -> Server:
    """gunicorn serving Praja on 127.0.0.1 in its own process group; waits until it answers.

    ``hooks=False`` (benchmarks only) empties intake.after_intake_hooks in every worker."""
    port = port or free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the server
    extra: list[str] = []
    if not hooks:
        conf = log.parent / "gunicorn_nohooks.py"
        conf.write_text(NO_HOOKS_CONFIG)
        extra = ["-c", str(conf)]
    proc = subprocess.Popen(
        [*gunicorn_args(workers, threads), *extra, "--bind", f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Server(proc, port, log)
    try:
        wait_answering(proc, port, log, ready_timeout)
    except RuntimeError:
        server.kill9()
        raise
    return server


def wait_answering(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60) -> None:
    """Wait until the server on ``port`` answers HTTP at all (any status: the settings decide which pages
    are open); raise when its process ends first or it stays silent for ``timeout`` seconds."""
    import urllib.error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server ended with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/lapor/", timeout=2) as r:
                r.read()
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout} s; see {log}")


def warm(port: int, n: int = 40) -> None:
    """A few reports so every worker has imported everything and opened its database connection."""
    body = report_bodies(1, seed=hash(uuid.uuid4()) % 1000)[0]
    for _ in range(n):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reports", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()


@dataclass
class CrashResult:
    acknowledged: list[str]
    answers: Counter[int]
    connection_errors: Counter[str]
    killed_at_s: float
    restarted_after_s: float


def crash_run(env: dict[str, str], log: Path, *, clients: int = 16, before_s: float = 2.0, after_s: float = 1.5,
              workers: int = 2, threads: int = 4, bodies: Sequence[bytes] | None = None) -> CrashResult:
    """Clients send reports; after ``before_s`` the server (master and workers) is killed with SIGKILL and
    started again on the same port; the clients go on (reconnecting) for ``after_s`` more seconds once it
    answers. Answers every receipt that was acknowledged (201), before and after the kill."""
    server = start_server(env, log, workers=workers, threads=threads)
    port = server.port
    state: dict[str, Any] = {}

    async def main() -> LoadResult:
        loop = asyncio.get_running_loop()
        stop_holder: dict[str, float] = {}

        async def killer() -> None:
            await asyncio.sleep(before_s)
            t0 = loop.time()
            await loop.run_in_executor(None, server.kill9)
            state["killed_at_s"] = before_s
            new = await loop.run_in_executor(
                None, lambda: start_server(env, log, workers=workers, threads=threads, port=port))
            state["server"] = new
            state["restarted_after_s"] = loop.time() - t0
            stop_holder["until"] = loop.time() + after_s

        result = LoadResult(clients=clients)
        cycle = itertools.cycle(bodies or report_bodies(3000, seed=99))
        start = loop.time()
        kill_task = asyncio.create_task(killer())

        async def one() -> None:
            # each client runs until the restarted server has been served for after_s
            while "until" not in stop_holder or loop.time() < stop_holder["until"]:
                until = stop_holder.get("until", loop.time() + 0.25)
                await _client("127.0.0.1", port, "/api/v1/reports", cycle, until, result, "", start)

        await asyncio.gather(*(one() for _ in range(clients)))
        await kill_task
        return result

    try:
        result = run_async(main())
    finally:
        for s in (server, state.get("server")):
            if s is not None:
                s.stop()
    return CrashResult(result.receipts, result.status_counts, result.errors,
                       float(state.get("killed_at_s", before_s)), float(state.get("restarted_after_s", 0.0)))
