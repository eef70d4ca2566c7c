"""The `praja` command as an administrator uses it: demo, serve, bench, manage."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PRAJA = str(Path(sys.executable).parent / "praja")


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "PRAJA_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)  # these tests run the embedded default (SQLite) on purpose
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    out = subprocess.run([PRAJA, "serve", "--port", str(_free_port())], env=_env(tmp_path), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2
    assert "no database" in out.stderr
    assert not (tmp_path / "praja.sqlite3").exists()  # serve never creates or migrates a database


def _serve_login_page(env: dict[str, str]) -> str:
    """``praja serve`` on a free port until its sign-in page answers; its output."""
    port = _free_port()
    server = subprocess.Popen([PRAJA, "serve", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = ""
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/akun/masuk/", timeout=2) as r:
                    body = r.read().decode()
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        assert "csrfmiddlewaretoken" in body
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    return out


def test_demo_builds_once_then_serve_answers_with_granian_or_gunicorn(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = subprocess.run([PRAJA, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "4042 TPS" in first.stdout and "DPT 2.060.576" in first.stdout
    assert "ops.polres" in first.stdout and "praja-ops-2024" in first.stdout
    second = subprocess.run([PRAJA, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "sudah ada" in second.stdout  # nothing rebuilt, users' changes kept

    out = _serve_login_page(env)
    assert "1 workers, granian;" in out and "Booting worker" not in out  # the default server
    out = _serve_login_page({**env, "PRAJA_SERVER": "gunicorn"})
    assert "1 workers, gunicorn;" in out and "Booting worker" in out
    refused = subprocess.run([PRAJA, "serve", "--port", str(_free_port())], env={**env, "PRAJA_SERVER": "nginx"},
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "choose granian or gunicorn" in refused.stderr


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    out = subprocess.run([PRAJA, "manage", "check"], env=_env(tmp_path), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout


@pytest.mark.parametrize("name", ["no_such_bench"])
def test_bench_names_the_benchmarks_it_has(tmp_path: Path, name: str) -> None:
    out = subprocess.run([PRAJA, "bench", name], env=_env(tmp_path), capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 2
    assert "demo_load" in out.stderr
