"""Reports accepted per second by every intake channel, as a district's server answers them, beside the
database's raw commit ceiling.

One PostgreSQL database (``praja_bench_intake``, var dir /tmp/praja-bench-intake) holding the demo district
(``praja demo --no-serve``) and at least ``PRAJA_BENCH_HISTORY`` (100,000) earlier reports with their first
timeline entries (written with COPY and one INSERT ... SELECT the first time, then reused by later runs;
``PRAJA_BENCH_FRESH=1`` builds it again). The server is the one ``praja serve`` starts, under
``praja.settings_production`` (a secret key, the seal key, the gateway token; TLS redirect off because the
load generator speaks plain HTTP to 127.0.0.1 as a TLS proxy in front of it would; the public and gateway
rate limits lifted so that the load generator's one address is not refused). The load generator
(bench/loadgen.py, asyncio keep-alive clients, in this process) and the server share the machine's cores.

Channels (each at 16 and 64 clients, ``PRAJA_BENCH_SECONDS`` measured after ``PRAJA_BENCH_WARMUP``):

- ``api_public``: ``POST /api/v1/reports`` without a token (an idempotency key per report);
- ``api_partner``: the same with a partner token from ``praja reports token``;
- ``officer_sync``: ``POST /laporan/petugas/kirim/`` (the officers' offline queue sending one report), signed in
  as the demo Polsek officer (a session and a CSRF token, as the phone's browser sends them);
- ``officer_form``: ``POST /laporan/petugas/`` (the form without JavaScript: answered by a redirect);
- ``sms`` and ``whatsapp``: the gateway webhooks (generic JSON, a bearer token), ``LAPOR <kategori> <desa>
  TPS <n> <uraian>`` from a different number each;
- ``public_form``: ``POST /lapor/`` (the public form, anonymous, a CSRF cookie; answered by a redirect);
- ``import``: ``praja reports import`` of a ``PRAJA_BENCH_IMPORT_ROWS``-row CSV (one client: rows/s).

Per channel and client count: accepted_per_s, p50_ms, p99_ms (of acknowledged answers), acknowledged,
found (acknowledged reports stored whole: the report with its client key and its first timeline entry),
lost, commits and inserted rows per report (pg_stat_database), the milliseconds of CPU per report spent by the
web workers, PostgreSQL, the after-intake process, the job workers, the load generator and everything else
(/proc; ``cpu_ms_per_report``), the after-intake drain, and the 1-minute load average at the end (this
machine is shared: other people's work is in it). Raw ceiling: single-row INSERT + COMMIT from 16 and from 64
threads on the same database in the same run.

Run: ``praja bench intake`` (writes bench/results/intake.json). ``PRAJA_BENCH_CHANNELS=api_public,sms`` picks
channels; ``PRAJA_BENCH_CLIENTS=64`` client counts.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen as lg  # noqa: E402 - bench/loadgen.py, beside this file

SECONDS = float(os.environ.get("PRAJA_BENCH_SECONDS", "8"))
WARMUP = float(os.environ.get("PRAJA_BENCH_WARMUP", "2"))
CLIENTS = [int(c) for c in os.environ.get("PRAJA_BENCH_CLIENTS", "16,64").split(",")]
WORKERS = int(os.environ.get("PRAJA_BENCH_WORKERS", "2"))
HISTORY = int(os.environ.get("PRAJA_BENCH_HISTORY", "100000"))
IMPORT_ROWS = int(os.environ.get("PRAJA_BENCH_IMPORT_ROWS", "5000"))
PG = os.environ.get("PRAJA_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("PRAJA_BENCH_DB", "praja_bench_intake")
VAR = Path(os.environ.get("PRAJA_BENCH_VAR", "/tmp/praja-bench-intake"))
CHANNELS = os.environ.get(
    "PRAJA_BENCH_CHANNELS",
    "api_public,api_partner,officer_sync,officer_form,sms,whatsapp,public_form,import",
).split(",")
CEILING_CLIENTS = (16, 64)
# The tree the server runs from (``python -m praja.cli serve`` imports praja from its working directory): another
# checkout's code against the same database, for a before/after comparison on the same machine and hour.
SERVER_ROOT = Path(os.environ.get("PRAJA_BENCH_SERVER_ROOT", str(lg.ROOT)))
GATEWAY_TOKEN = "bench-gateway-token"
OFFICER = "polsek.donomulyo"
HISTORY_PREFIX = "HIST-"


def _pg(dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(f"{PG}/{dbname}", autocommit=True)


def _secret(name: str, make: Callable[[], str]) -> str:
    """A value kept in the var dir so that later runs reuse it (the seal key must match the stored reports)."""
    path = VAR / name
    if not path.exists():
        path.write_text(make())
    return path.read_text().strip()


def server_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    VAR.mkdir(parents=True, exist_ok=True)
    return lg.server_env(
        VAR, f"{PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="praja.settings_production",
        PRAJA_SECRET_KEY=_secret("secret_key", lambda: uuid.uuid4().hex * 2),
        PRAJA_REPORTS_SEAL_KEY=_secret("seal_key", lambda: Fernet.generate_key().decode()),
        PRAJA_SSL_REDIRECT="0",
        PRAJA_ALLOWED_HOSTS="127.0.0.1,localhost",
        PRAJA_REPORTS_PUBLIC_RATE="0",
        PRAJA_REPORTS_GATEWAY_RATE="0",
        PRAJA_REPORTS_PHONE_RATE="0",
        PRAJA_REPORTS_DEVICE_RATE="0",  # the public form's per-device limit (the load generator is one device)
        PRAJA_REPORTS_WEBHOOK_TOKEN=GATEWAY_TOKEN,
        PRAJA_LOG_LEVEL="ERROR",
    )


def praja(env: dict[str, str], *args: str, timeout: float = 1800) -> str:
    done = subprocess.run([sys.executable, "-m", "praja.cli", *args], env=env, cwd=lg.ROOT, check=True,
                          timeout=timeout, capture_output=True, text=True)
    return done.stdout


# --- the database: the demo district and 100,000 earlier reports ----------------------------------------


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Create (or reuse) the database; answers what was done and how long it took."""
    t0 = time.perf_counter()
    fresh = os.environ.get("PRAJA_BENCH_FRESH") == "1"
    with _pg() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and fresh:
            conn.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    praja(env, "manage", "migrate", "--verbosity", "0")
    with _pg(DB_NAME) as conn:
        built = conn.execute("SELECT count(*) FROM territory_tps").fetchone()[0]
    if not built:
        print("bench intake: building the demo district", flush=True)
        praja(env, "demo", "--no-serve")
    t_demo = time.perf_counter()
    added = build_history()
    with _pg(DB_NAME) as conn:
        conn.execute("ANALYZE")
        reports = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
    return {"reused": bool(exists), "history_added": added, "reports_before_run": int(reports),
            "demo_s": round(t_demo - t0, 1), "history_s": round(time.perf_counter() - t_demo, 1)}


def build_history() -> int:
    """COPY the earlier reports that are missing (received over the 30 days before now, at the demo's TPS,
    all already handled by the after-intake work), then their first timeline entries in one INSERT ... SELECT.
    Every NOT NULL column the models add later gets an empty value, so this keeps working as they grow."""
    with _pg(DB_NAME) as conn:
        have = conn.execute("SELECT count(*) FROM reports_report WHERE receipt LIKE %s",
                            (HISTORY_PREFIX + "%",)).fetchone()[0]
        missing = HISTORY - int(have)
        if missing <= 0:
            return 0
        print(f"bench intake: writing {missing} earlier reports (COPY)", flush=True)
        columns = conn.execute(
            "SELECT column_name, is_nullable, data_type FROM information_schema.columns "
            "WHERE table_name = 'reports_report' AND column_name <> 'id' ORDER BY ordinal_position").fetchall()
        tps = [r[0] for r in conn.execute("SELECT code FROM territory_tps ORDER BY code").fetchall()]
        rng = random.Random(int(have) + 17)
        cats = ["politik_uang", "keamanan", "logistik", "hak_pilih", "netralitas", "listrik_internet",
                "kekerasan", "hoaks", "sara", "lokasi_tps"]
        statuses = ["baru", "terverifikasi", "ditolak", "ditugaskan", "ditutup"]
        now = time.time()
        names = [c for c, _n, _d in columns]
        with conn.cursor() as cur, cur.copy(f"COPY reports_report ({', '.join(names)}) FROM STDIN") as copy:
            for i in range(int(have), int(have) + missing):
                code = tps[rng.randrange(len(tps))] if tps else None
                at = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(now - rng.uniform(3600, 30 * 86400)))
                words = " ".join(rng.choices(lg.WORDS, k=rng.randint(10, 40)))
                known: dict[str, Any] = {
                    "receipt": f"{HISTORY_PREFIX}{i:09d}", "client_key": None, "channel": "api",
                    "category": rng.choice(cats), "severity": rng.randint(1, 4), "title": words[:60],
                    "description": words, "received_at": at, "occurred_at": at,
                    "region_id": code.split("/")[0] if code else None, "tps_id": code, "anonymous": True,
                    "status": rng.choice(statuses), "after_done_at": at, "generated": False,
                }
                row = []
                for name, nullable, dtype in columns:
                    if name in known:
                        row.append(known[name])
                    elif nullable == "YES":
                        row.append(None)
                    elif dtype == "boolean":
                        row.append(False)
                    elif dtype in ("integer", "smallint", "bigint", "double precision", "numeric"):
                        row.append(0)
                    elif dtype == "jsonb":
                        row.append("{}")
                    else:
                        row.append("")
                copy.write_row(row)
        conn.execute(
            "INSERT INTO reports_timelineentry (report_id, at, kind, actor_label, channel, from_status, to_status, "
            "text, data, visible_to_sender) SELECT r.id, r.received_at, 'dibuat', 'pelapor', r.channel, '', 'baru', "
            "'', '{}'::jsonb, true FROM reports_report r WHERE r.receipt LIKE %s AND NOT EXISTS "
            "(SELECT 1 FROM reports_timelineentry t WHERE t.report_id = r.id)", (HISTORY_PREFIX + "%",))
        return missing


# --- what the clients need: a partner token, an officer's session, places -------------------------------

SETUP_SCRIPT = """
import json, secrets
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from praja.accounts.models import Agency
from praja.territory.models import TPS, Region
user = get_user_model().objects.get(username=%(officer)r)
backend = next(b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend"))
sessions = []
for _ in range(8):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = backend; s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create(); sessions.append(s.session_key)
partner = Agency.objects.filter(kind="media").order_by("pk").first() or Agency.objects.order_by("pk").first()
officer_region = user.person.assignments.filter(active=True).values_list("region_id", flat=True).first() or ""
desa = list(Region.objects.filter(level=4, code__startswith="35.07.").values_list("code", "name", "parent_id"))
tps = list(TPS.objects.filter(code__startswith="35.07.").values_list("code", flat=True))
print(json.dumps({"user": user.pk, "sessions": sessions, "partner": [partner.pk, partner.slug],
                  "officer_region": officer_region, "desa": desa, "tps": tps,
                  "session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}))
"""


def setup_clients(env: dict[str, str]) -> dict[str, Any]:
    out = praja(env, "manage", "shell", "-c", SETUP_SCRIPT % {"officer": OFFICER})
    info: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    token = praja(env, "reports", "token", "--agency", info["partner"][1], "--name", "bench intake").strip()
    info["token"] = token.splitlines()[-1].strip()
    return info


def _names(info: dict[str, Any]) -> list[tuple[str, str]]:
    """Desa whose name is unique in the district (an SMS naming them is placed), with their codes."""
    count: dict[str, int] = {}
    for _c, name, _k in info["desa"]:
        count[name.lower()] = count.get(name.lower(), 0) + 1
    return [(code, name) for code, name, _k in info["desa"] if count[name.lower()] == 1]


def factories(info: dict[str, Any], run: str) -> dict[str, tuple[Callable[[], tuple[bytes, str]], int]]:
    """Per channel: a function making one varied request (raw HTTP) and its acknowledging key, and the status
    that acknowledges it."""
    rng = random.Random(run)
    host = "127.0.0.1"
    seq = iter(range(10**9))
    cats = ["politik_uang", "keamanan", "logistik", "hak_pilih", "netralitas", "listrik_internet"]
    sms_words = ["politikuang", "keamanan", "logistik", "hakpilih", "rusuh", "hoaks"]
    tps_all = info["tps"]
    tps_officer = [t for t in tps_all if t.startswith(info["officer_region"] + ".")] or tps_all
    places = _names(info)
    csrf = "b" * 32
    cookie_csrf = f"{info['csrf_cookie']}={csrf}"
    partner_id = info["partner"][0]

    def words() -> str:
        return " ".join(rng.choices(lg.WORDS, k=rng.randint(12, 50)))

    def key() -> str:
        return f"{run}-{next(seq)}"

    def report_json(k: str) -> dict[str, Any]:
        return {"category": rng.choice(cats), "description": words().capitalize() + ".",
                "severity": rng.randint(1, 4), "tps": rng.choice(tps_all), "client_key": k}

    def api_public() -> tuple[bytes, str]:
        k = key()
        body = json.dumps(report_json(k)).encode()
        return lg.http_request(host, "POST", "/api/v1/reports", body, {"Content-Type": "application/json"}), \
            f"api:{k}"

    def api_partner() -> tuple[bytes, str]:
        k = key()
        body = json.dumps(report_json(k)).encode()
        return lg.http_request(host, "POST", "/api/v1/reports", body, {
            "Content-Type": "application/json", "Authorization": f"Bearer {info['token']}"}), f"api:p{partner_id}:{k}"

    def officer_cookie() -> str:
        return f"{info['session_cookie']}={rng.choice(info['sessions'])}; {cookie_csrf}"

    def officer_sync() -> tuple[bytes, str]:
        k = key()
        body = json.dumps({"client_key": k, "category": rng.choice(cats), "description": words(),
                           "severity": rng.randint(1, 4), "tps": rng.choice(tps_officer),
                           "latitude": -8.3, "longitude": 112.41}).encode()
        return lg.http_request(host, "POST", "/laporan/petugas/kirim/", body, {
            "Content-Type": "application/json", "Cookie": officer_cookie(), "X-CSRFToken": csrf,
        }), f"petugas:{info['user']}:{k}"

    def officer_form() -> tuple[bytes, str]:
        k = key()
        body = urlencode({"csrfmiddlewaretoken": csrf, "client_key": k, "category": rng.choice(cats),
                          "description": words(), "severity": str(rng.randint(1, 4)),
                          "tps": rng.choice(tps_officer)}).encode()
        return lg.http_request(host, "POST", "/laporan/petugas/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": officer_cookie()}), \
            f"petugas:{info['user']}:{k}"

    def gateway(route: str) -> Callable[[], tuple[bytes, str]]:
        def make() -> tuple[bytes, str]:
            k = key()
            code, name = rng.choice(places)
            text = f"LAPOR {rng.choice(sms_words)} {name} TPS {rng.randint(1, 3)} {words()}"
            body = json.dumps({"from": f"+628{rng.randint(10**9, 10**10 - 1)}", "text": text, "id": k}).encode()
            return lg.http_request(host, "POST", f"/lapor/webhook/{route}/", body, {
                "Content-Type": "application/json", "Authorization": f"Bearer {GATEWAY_TOKEN}"}), f"gw:{k}"
        return make

    def public_form() -> tuple[bytes, str]:
        k = "web:" + key()
        code, _name = rng.choice(places)
        desa = next(d for d in info["desa"] if d[0] == code)
        body = urlencode({"csrfmiddlewaretoken": csrf, "client_key": k, "category": rng.choice(cats),
                          "description": words(), "severity": str(rng.randint(1, 4)), "identity": "anonim",
                          "kabupaten": "35.07", "kecamatan": desa[2], "desa": code}).encode()
        return lg.http_request(host, "POST", "/lapor/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_csrf}), k

    return {
        "api_public": (api_public, 201), "api_partner": (api_partner, 201), "officer_sync": (officer_sync, 201),
        "officer_form": (officer_form, 302), "sms": (gateway("sms"), 200), "whatsapp": (gateway("whatsapp"), 200),
        "public_form": (public_form, 302),
    }


# --- measuring ------------------------------------------------------------------------------------------


def _ceiling_worker(stop: float, counts: list[int], i: int) -> None:
    n = 0
    with _pg(DB_NAME) as conn:
        while time.perf_counter() < stop:
            conn.execute("INSERT INTO praja_bench_raw (body) VALUES (%s)", (f"row {i}-{n}",))
            n += 1
    counts[i] = n


def raw_ceiling(clients: int, seconds: float) -> float:
    """Single-row INSERT + COMMIT from ``clients`` threads (one connection each): what the database allows."""
    with _pg(DB_NAME) as conn:
        conn.execute("DROP TABLE IF EXISTS praja_bench_raw")
        conn.execute("CREATE TABLE praja_bench_raw (id bigserial PRIMARY KEY, body text, at timestamptz DEFAULT now())")
    counts = [0] * clients
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=_ceiling_worker, args=(stop, counts, i)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = sum(counts) / (time.perf_counter() - t0)
    with _pg(DB_NAME) as conn:
        conn.execute("DROP TABLE praja_bench_raw")
    return rate


def found(keys: list[str]) -> int:
    """Acknowledged reports stored whole: the report with that client key and its first timeline entry."""
    if not keys:
        return 0
    with _pg(DB_NAME) as conn:
        row = conn.execute(
            "SELECT count(*) FROM reports_report r WHERE r.client_key = ANY(%s) AND EXISTS "
            "(SELECT 1 FROM reports_timelineentry t WHERE t.report_id = r.id AND t.kind = 'dibuat')", (keys,),
        ).fetchone()
        return int(row[0]) if row else 0


def pg_counters() -> tuple[int, int]:
    with _pg(DB_NAME) as conn:
        row = conn.execute("SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = %s",
                           (DB_NAME,)).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


def cpu_ticks() -> dict[int, tuple[str, int]]:
    """Every process's command line and CPU time so far (utime + stime, clock ticks), from /proc (Linux)."""
    out: dict[int, tuple[str, int]] = {}
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        out[int(pid)] = (cmd, int(fields[11]) + int(fields[12]))
    return out


def _cpu_group(cmd: str) -> str:
    if cmd.startswith("postgres"):
        return "postgresql"
    if "granian" in cmd or "gunicorn" in cmd:
        return "web"
    if "process-pending" in cmd:
        return "after_intake"
    if "praja.cli worker" in cmd:
        return "job_workers"
    return "other"


def cpu_ms_per_report(before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]],
                      reports: int) -> dict[str, float]:
    """Milliseconds of CPU each kind of process spent per acknowledged report between two snapshots (the
    load generator runs in this process: 'load_generator'; 'other' is everything else on the machine)."""
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    spent: dict[str, int] = {}
    for pid, (cmd, ticks) in after.items():
        group = "load_generator" if pid == os.getpid() else _cpu_group(cmd)
        spent[group] = spent.get(group, 0) + ticks - before.get(pid, (cmd, 0))[1]
    return {g: round(t / hz / max(1, reports) * 1000, 2) for g, t in sorted(spent.items()) if t > 0}


def pending() -> int:
    with _pg(DB_NAME) as conn:
        row = conn.execute("SELECT count(*) FROM reports_report WHERE after_done_at IS NULL").fetchone()
        return int(row[0]) if row else 0


DRAIN_S = float(os.environ.get("PRAJA_BENCH_DRAIN_S", "180"))


def drain(timeout: float | None = None) -> dict[str, Any]:
    """After a burst: how long the server's after-intake worker threads take to finish what is pending."""
    timeout = DRAIN_S if timeout is None else timeout
    t0 = time.perf_counter()
    first = left = pending()
    while left and time.perf_counter() - t0 < timeout:
        time.sleep(0.25)
        left = pending()
    took = time.perf_counter() - t0
    return {"pending_after_burst": first, "drain_s": round(took, 1), "still_pending": left,
            "drain_per_s": round((first - left) / took, 1) if first and took > 0 else None}


def start_serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``praja serve`` as a district runs it (its own process group, so it can be stopped whole)."""
    port = lg.free_port()
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "praja.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(WORKERS)], env=env, cwd=SERVER_ROOT, stdout=out, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lg.wait_answering(proc, port, log)
    settle()
    return proc, port


SETTLE_MAX_S = float(os.environ.get("PRAJA_BENCH_SETTLE_MAX_S", "60"))


def settle(busy_below: float = 0.15, max_s: float = SETTLE_MAX_S) -> float:
    """Wait until the server's processes (web, job workers, after-intake follower) and PostgreSQL use less than
    ``busy_below`` of a core over a second: a district's server has been running for hours, so the first
    channel measured must not pay for the background processes' start (importing Django, the first seal and
    recovery: about 1 ms of CPU per report of the first case before this wait). Answers the seconds waited."""
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_s:
        before = cpu_ticks()
        time.sleep(1.0)
        after = cpu_ticks()
        busy = sum(t - before.get(pid, (cmd, t))[1] for pid, (cmd, t) in after.items()
                   if _cpu_group(cmd) != "other") / hz
        if busy < busy_below:
            break
    return round(time.perf_counter() - t0, 1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=20)


def measure(make: Callable[[], tuple[bytes, str]], ok: int, port: int, clients: int) -> dict[str, Any]:
    before = pg_counters()
    t0 = time.perf_counter()
    ticks_before = cpu_ticks()
    result = asyncio.run(lg.load_requests("127.0.0.1", port, make, ok=ok, clients=clients, seconds=SECONDS,
                                          warmup=WARMUP))
    ticks_after = cpu_ticks()
    wall = time.perf_counter() - t0
    after = pg_counters()
    acked = len(result.receipts)
    whole = found(result.receipts)
    case: dict[str, Any] = {
        "accepted_per_s": round(result.per_s, 1),
        "p50_ms": round(result.percentile(50), 1),
        "p99_ms": round(result.percentile(99), 1),
        "accepted": result.accepted,
        "acknowledged_incl_warmup": acked,
        "found": whole,
        "lost": acked - whole,
        "answers": {str(k): v for k, v in sorted(result.status_counts.items())},
        "connection_errors": dict(result.errors),
        "seconds_measured": round(result.seconds, 2),
        "wall_s": round(wall, 2),
        "commits_per_report": round((after[0] - before[0]) / acked, 2) if acked else None,
        "rows_inserted_per_report": round((after[1] - before[1]) / acked, 2) if acked else None,
        "load_average_1m_end": round(os.getloadavg()[0], 2),
        # where the machine's CPU went, per acknowledged report (warm-up included on both sides)
        "cpu_ms_per_report": cpu_ms_per_report(ticks_before, ticks_after, acked),
    }
    case["after_intake"] = drain()
    return case


def bench_import(env: dict[str, str], info: dict[str, Any], run: str) -> dict[str, Any]:
    """``praja reports import`` of one CSV (one client; the command's own start-up included)."""
    rng = random.Random(run)
    path = VAR / f"import-{run}.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["kategori", "uraian", "tingkat", "kode_tps"])
        for _ in range(IMPORT_ROWS):
            w.writerow([rng.choice(["politik_uang", "keamanan", "logistik"]),
                        " ".join(rng.choices(lg.WORDS, k=20)), rng.randint(1, 4), rng.choice(info["tps"])])
    t0 = time.perf_counter()
    praja(env, "reports", "import", str(path))
    took = time.perf_counter() - t0
    with _pg(DB_NAME) as conn:
        stored = conn.execute("SELECT count(*) FROM reports_report WHERE client_key LIKE %s",
                              ("impor:%",)).fetchone()[0]
    path.unlink()
    return {"rows": IMPORT_ROWS, "seconds": round(took, 2), "rows_per_s": round(IMPORT_ROWS / took, 1),
            "imported_rows_in_database": int(stored), "load_average_1m_end": round(os.getloadavg()[0], 2)}


def run() -> dict[str, Any]:
    t0 = time.perf_counter()
    env = server_env()
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                    "shared": "the 2 cores are shared with other people's work while this runs: see the load "
                              "averages"},
        "server": {"command": f"praja serve --host 127.0.0.1 --workers {WORKERS}", "code": str(SERVER_ROOT),
                   "settings": "praja.settings_production", "load_generator": "bench/loadgen.py, same machine"},
        "seconds_per_case": SECONDS, "warmup_s": WARMUP,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }
    with _pg() as conn:
        result["server"]["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    result["database"] = prepare(env)
    info = setup_clients(env)
    result["raw_ceiling_per_s"] = {str(n): round(raw_ceiling(n, SECONDS), 1) for n in CEILING_CLIENTS}
    print(f"raw ceiling {result['raw_ceiling_per_s']}", flush=True)
    run_id = uuid.uuid4().hex[:8]
    makers = factories(info, run_id)
    channels: dict[str, Any] = {}
    proc, port = start_serve(env, VAR / "server.log")
    try:
        for name in CHANNELS:
            if name == "import" or name not in makers:
                continue
            make, ok = makers[name]
            channels[name] = {}
            for clients in CLIENTS:
                case = measure(make, ok, port, clients)
                channels[name][str(clients)] = case
                print(f"{name} {clients} clients: {case['accepted_per_s']}/s p50 {case['p50_ms']} ms "
                      f"p99 {case['p99_ms']} ms, lost {case['lost']} of {case['acknowledged_incl_warmup']}, "
                      f"answers {case['answers']}, load {case['load_average_1m_end']}, "
                      f"CPU ms/report {case['cpu_ms_per_report']}", flush=True)
    finally:
        stop(proc)
    if "import" in CHANNELS:
        channels["import"] = bench_import(env, info, run_id)
        print(f"import: {channels['import']}", flush=True)
    result["channels"] = channels
    result["total_s"] = round(time.perf_counter() - t0, 1)
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return result
