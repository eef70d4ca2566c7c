"""The `praja` command.

    praja demo [--host H] [--port P] [--workers N] [--no-serve]   migrate, build the demo district, serve
    praja serve [--host H] [--port P] [--workers N] [--job-workers J]   web server + job workers + after-intake
    praja worker                                                   one job worker (`praja serve` starts its own)
    praja bench NAME                                               run bench/NAME.py, write bench/results/NAME.json
    praja manage ARGS...                                           any Django management command
    praja territory load 35.07 | praja audit verify | ...          Praja's own management commands
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from praja.jobqueue.supervisor import Child

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["praja manage", *argv])
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=os.environ.get("PRAJA_HOST", DEFAULT_HOST))
    p.add_argument("--port", type=int, default=int(os.environ.get("PRAJA_PORT", DEFAULT_PORT)))
    p.add_argument("--workers", type=int, default=int(os.environ.get("PRAJA_WORKERS", "2")))
    p.add_argument("--job-workers", type=int, default=None,
                   help="job worker processes next to the web server (default: PRAJA_JOBS_WORKERS, 2)")


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def serve(host: str, port: int, workers: int, job_workers: int | None = None) -> int:
    """Serve the existing database with the web server (``_server``) and the job workers
    (praja/jobqueue/supervisor.py); never migrates first (it only settles the jobs a previous server left running)."""
    _django()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not Path(db["NAME"]).exists():
        print(f"praja serve: no database at {db['NAME']}. Run `praja demo` or `praja manage migrate` first.",
              file=sys.stderr)
        return 2
    missing = _unapplied_migrations()
    if missing:
        print(
            f"praja serve: the database is not migrated ({len(missing)} migrations missing, e.g. {missing[0]}).\n"
            "Run `praja manage migrate` (or `praja demo`) first.",
            file=sys.stderr,
        )
        return 2
    args = _web_command(host, port, workers)
    if args is None:
        return 2
    n_jobs = job_workers if job_workers is not None else int(getattr(settings, "PRAJA_JOBS_WORKERS", 2))
    children, web_env = _background(n_jobs)
    after = "proses sendiri / own process" if web_env else os.environ["PRAJA_REPORTS_AFTER_INTAKE"]
    print(f"Praja: http://{host}:{port}/  ({workers} workers, {_server()}; {n_jobs} job workers; after-intake work: "
          f"{after}; background at nice {_background_nice()})", flush=True)
    from praja.jobqueue.supervisor import supervise

    return supervise(args, children, web_env)


def _background_nice() -> int:
    return int(os.environ.get("PRAJA_BACKGROUND_NICE", "10"))


def _background(n_jobs: int) -> tuple[list[Child], dict[str, str]]:
    """The server's background children (job workers; the after-intake follower) at a lower CPU priority, and
    what the web processes' environment adds. Unless PRAJA_REPORTS_AFTER_INTAKE names another way, the web
    processes only store and answer ("worker" mode) and one follower process does the after-intake work
    (praja/reports/afterwork.py): a burst is answered first, the work follows on the CPU the answers leave."""
    from praja.jobqueue.supervisor import Child, after_intake_command, worker_command

    nice = _background_nice()
    children = [Child(f"pekerja {i + 1} / job worker {i + 1}", worker_command(), nice) for i in range(n_jobs)]
    web_env: dict[str, str] = {}
    mode = os.environ.get("PRAJA_REPORTS_AFTER_INTAKE", "")
    if mode in ("", "worker"):
        web_env = {"PRAJA_REPORTS_AFTER_INTAKE": "worker"}
        children.append(Child("pengolah laporan / after-intake worker", after_intake_command(), nice, web_env))
    return children, web_env


def worker() -> int:
    _django()
    from praja.jobqueue.worker import main as worker_main

    return worker_main()


def _area(region: str | None) -> str:
    return {None: "nasional", "batu": "3 kec."}.get(region, region or "")


def print_accounts() -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from praja.base.access import needs_second_factor
    from praja.demo.district import DEMO_ACCOUNTS

    User = get_user_model()
    print("\nAkun demo / demo accounts (kata sandi / password):")
    for username, name, _agency, role, region, password in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        line = f"  {username:<22} {password:<22} {role:<15} {_area(region):<9} {name}"
        if needs_second_factor(user):
            dev = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if dev is not None:
                import base64

                secret = base64.b32encode(dev.bin_key).decode()
                line += f"\n  {'':<22} TOTP (faktor kedua / second factor) secret: {secret}"
        print(line)
    print()


def demo(host: str, port: int, workers: int, serve_after: bool, force: bool, job_workers: int | None = None,
         voting_day: bool = False) -> int:
    from tqdm import tqdm

    _django()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    from praja.demo.district import build_demo, is_built

    if is_built() and not force:
        from django.db import transaction

        from praja.demo.district import ensure_demo_extras, facts

        with transaction.atomic():
            added = ensure_demo_extras(facts()["regency"])
        print("Kabupaten Malang sudah ada / is already there: nothing rebuilt, your changes are kept."
              + (f" Added what was missing: {', '.join(added)}." if added else ""))
    else:
        steps = ["wilayah", "batas", "TPS", "instansi", "akun"]
        with tqdm(total=len(steps), desc="membangun distrik demo / building the demo district", unit="langkah") as bar:
            def step(msg: str) -> None:
                bar.set_postfix_str(msg)
                bar.update(1)

            result = build_demo(force=force, progress=step)
        dpt = f"{result.voters:,}".replace(",", ".")
        print(
            f"Kabupaten Malang: {result.regions} wilayah, {result.boundaries} batas / boundaries, "
            f"{result.tps} TPS, DPT {dpt}, {result.agencies} instansi ({time.perf_counter() - t0:.1f} s)"
        )
    from praja.situation.mapdata import warm_map_cache

    t1 = time.perf_counter()
    warmed = warm_map_cache()
    print(f"peta disiapkan / map outlines prepared for {warmed} cakupan / scopes ({time.perf_counter() - t1:.1f} s)")
    if voting_day:
        from praja.ops.drill import prerecord_voting_day

        print(prerecord_voting_day())
    print_accounts()
    print("\nHari pemungutan suara / voting day: `praja latihan --kecepatan 60` (di terminal lain / in another "
          "terminal) memutar ulang 27-11-2024; `praja demo --hari-h` (make demo HARI_H=1) merekamnya sekaligus; "
          "`praja latihan hapus` menghapusnya.")
    if not serve_after:
        return 0
    return serve(host, port, workers, job_workers)


def bench(name: str) -> int:
    root = Path.cwd() / "bench"
    path = root / f"{name}.py"
    if not path.exists():
        names = sorted(p.stem for p in root.glob("*.py") if not p.stem.startswith("_"))
        print(f"praja bench: no benchmark {name!r}; there are: {', '.join(names) or 'none'}", file=sys.stderr)
        return 2
    _django()
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out_dir = root / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = mod.run()
    import json

    out = out_dir / f"{name}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"-> {out}")
    return 0


SERVERS = ("granian", "gunicorn")


def _server() -> str:
    """The HTTP server of the web processes: ``PRAJA_SERVER``, granian (default) or gunicorn.

    Granian parses HTTP in Rust and hands each request to a thread of the worker's Python: on the intake bench
    (64 clients, same code and database, alternating starts) it answered 10-20 % more reports a second than
    gunicorn's gthread workers, at 12-19 % less web CPU per report and a p99 28-44 % lower
    (docs/reports-performance.md, run 5). Gunicorn stays for a deployment that relies on what granian lacks:
    its per-request timeout (a worker stuck past ``--timeout`` is killed) and its hooks."""
    name = os.environ.get("PRAJA_SERVER", "granian").strip().lower() or "granian"
    if name not in SERVERS:
        raise SystemExit(f"praja serve: PRAJA_SERVER={name!r}; choose granian or gunicorn")
    return name


def _threads() -> int:
    """Each web process serves PRAJA_THREADS requests at once (default 4): the threads overlap the requests'
    database waits, which one request at a time would leave idle."""
    return max(1, int(os.environ.get("PRAJA_THREADS", "4")))


def _web_command(host: str, port: int, workers: int) -> list[str] | None:
    """The web server's command line (None, with a message, when it is not installed)."""
    server = _server()
    exe = shutil.which(server, path=str(Path(sys.executable).parent)) or shutil.which(server)
    if exe is None:
        print(f"praja serve: {server} is not installed", file=sys.stderr)
        return None
    if server == "gunicorn":
        threads = _threads()
        return [
            exe, "praja.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--timeout", "120", "--graceful-timeout", "10",
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        ]
    return [
        exe, "--interface", "wsgi", "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(_threads()), "--no-ws", "--access-log", "--log-level", "info",
        "--respawn-failed-workers",  # a web process that dies is started again, as gunicorn's master does
        "--workers-kill-timeout", "10",  # a graceful stop waits this long for requests in flight
        "praja.wsgi:application",
    ]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="praja", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd")
    p_demo = sub.add_parser("demo", help="migrate, build the demo district (Kabupaten Malang) and serve it")
    _serve_args(p_demo)
    p_demo.add_argument("--no-serve", action="store_true", help="build and print the accounts, do not serve")
    p_demo.add_argument("--force", action="store_true", help="build even if the district is there (empty db only)")
    p_demo.add_argument("--hari-h", action="store_true", dest="voting_day",
                        help="also record the voting day 27-11-2024 as a drill (latihan), shown under its banner")
    p_serve = sub.add_parser("serve", help="serve an existing database (granian, or PRAJA_SERVER=gunicorn)")
    _serve_args(p_serve)
    sub.add_parser("worker", help="run one job worker (praja serve starts its own)")
    p_bench = sub.add_parser("bench", help="run one benchmark of bench/ and write bench/results/NAME.json")
    p_bench.add_argument("name")
    sub.add_parser("manage", help="run a Django management command", add_help=False)

    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    if argv[0] == "manage":
        return _manage(argv[1:])
    if argv[0] not in ("demo", "serve", "bench", "worker"):
        # Praja's own management commands: `praja territory load 35.07`, `praja audit verify`, ...
        return _manage(argv)
    args = parser.parse_args(argv)
    if args.cmd == "demo":
        return demo(args.host, args.port, args.workers, not args.no_serve, args.force, args.job_workers,
                    args.voting_day)
    if args.cmd == "serve":
        return serve(args.host, args.port, args.workers, args.job_workers)
    if args.cmd == "worker":
        return worker()
    return bench(args.name)


if __name__ == "__main__":
    raise SystemExit(main())
