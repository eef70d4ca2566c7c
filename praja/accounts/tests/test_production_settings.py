"""The production settings pass Django's deployment checks and refuse to start without a secret key."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_deploy_check(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # A clean environment: no PRAJA_* or Django settings of the test run, nor DJANGO_ALLOW_ASYNC_UNSAFE
    # (which the browser tests set for themselves and which no deployment should have).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRAJA_", "DJANGO_SETTINGS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"))
    }
    env.update({"PRAJA_VAR_DIR": str(tmp_path)}, **env_extra)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--settings",
            "praja.settings_production",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_no_issues(tmp_path: Path) -> None:
    key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60))
    result = run_deploy_check({"PRAJA_SECRET_KEY": key}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_missing_or_short_secret_key(tmp_path: Path) -> None:
    for key in ("", "too-short"):
        result = run_deploy_check({"PRAJA_SECRET_KEY": key}, tmp_path)
        assert result.returncode != 0
        assert "PRAJA_SECRET_KEY" in result.stderr
