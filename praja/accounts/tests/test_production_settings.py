"""The production settings pass Django's deployment checks and refuse to start without a secret key or (issue 14)
the whistleblower seal key; the admin and the API docs are where the settings put them."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def clean_env(tmp_path: Path) -> dict[str, str]:
    # A clean environment: no PRAJA_* or Django settings of the test run, nor DJANGO_ALLOW_ASYNC_UNSAFE
    # (which the browser tests set for themselves and which no deployment should have).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRAJA_", "DJANGO_SETTINGS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"))
    }
    env["PRAJA_VAR_DIR"] = str(tmp_path)
    return env


def run_deploy_check(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(tmp_path)
    env.update(env_extra)
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


def secret_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60))


def seal_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


PRODUCTION = {"PRAJA_ADMIN_PATH": "kelola-3f9a/"}


def test_deploy_check_reports_no_issues(tmp_path: Path) -> None:
    result = run_deploy_check({"PRAJA_SECRET_KEY": secret_key(), "PRAJA_REPORTS_SEAL_KEY": seal_key(), **PRODUCTION},
                              tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_without_the_whistleblower_seal_key(tmp_path: Path) -> None:
    """Issue 14: production used to create a missing seal key silently under var/ (a lost var/ then loses every
    sealed identity). Now `check --deploy` fails (an Error, whatever the fail level) and nothing is created."""
    env = {"PRAJA_SECRET_KEY": secret_key(), **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-m", "praja.cli", "manage", "check", "--deploy", "--settings", "praja.settings_production"],
        cwd=ROOT, env={**clean_env(tmp_path), **env}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "praja.E001" in result.stderr and "no key to seal whistleblower identities" in result.stderr
    assert not (tmp_path / "keys").exists()  # not created behind the operator's back
    bad = run_deploy_check({**env, "PRAJA_REPORTS_SEAL_KEY": "not-a-fernet-key"}, tmp_path)
    assert bad.returncode != 0 and "praja.E002" in bad.stderr
    # a key file made by the operator is a key too
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "reports-seal.key").write_text(seal_key())
    assert run_deploy_check(env, tmp_path).returncode == 0


def test_deploy_check_warns_while_the_admin_sits_at_its_default_path(tmp_path: Path) -> None:
    result = run_deploy_check({"PRAJA_SECRET_KEY": secret_key(), "PRAJA_REPORTS_SEAL_KEY": seal_key()}, tmp_path)
    assert result.returncode != 0 and "praja.W002" in result.stderr


def test_production_moves_the_admin_and_turns_the_api_docs_off(tmp_path: Path) -> None:
    code = (
        "import django; django.setup()\n"
        "from django.urls import resolve, Resolver404\n"
        "def ok(p):\n"
        "    try: resolve(p); return 1\n"
        "    except Resolver404: return 0\n"
        "print(ok('/kelola-3f9a/'), ok('/admin/'), ok('/api/v1/docs'), ok('/api/v1/openapi.json'), "
        "ok('/api/v1/reports'))\n"
    )
    env = {**clean_env(tmp_path), "PRAJA_SECRET_KEY": secret_key(), "PRAJA_REPORTS_SEAL_KEY": seal_key(),
           "DJANGO_SETTINGS_MODULE": "praja.settings_production", **PRODUCTION}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["1", "0", "0", "0", "1"], result.stdout + result.stderr
    on = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "PRAJA_API_DOCS_PATH": "dok-api"},
                        capture_output=True, text=True, timeout=120)
    assert on.stdout.split()[3] == "1"  # the schema comes back with a docs path


def test_production_refuses_a_missing_or_short_secret_key(tmp_path: Path) -> None:
    for key in ("", "too-short"):
        result = run_deploy_check({"PRAJA_SECRET_KEY": key, "PRAJA_REPORTS_SEAL_KEY": seal_key()}, tmp_path)
        assert result.returncode != 0
        assert "PRAJA_SECRET_KEY" in result.stderr
