"""Tests that read ../shared/data skip with the reason where it is absent, and fail instead of skipping when
PRAJA_REQUIRE_SHARED_DATA=1 (.ci/run sets it whenever ../shared/data is there)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKED = "praja/infowatch/tests/test_text_normalise.py::test_it_expands_slang_from_the_corpus_dictionary"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", MARKED, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=ROOT, env={**os.environ, "PRAJA_VAR_DIR": str(tmp_path), **env}, capture_output=True, text=True,
        timeout=300,
    )


def test_a_test_that_needs_shared_data_skips_with_the_reason_where_it_is_absent(tmp_path: Path) -> None:
    r = _pytest(tmp_path, PRAJA_SHARED_DATA=str(tmp_path / "absent"), PRAJA_REQUIRE_SHARED_DATA="")
    assert r.returncode == 0, r.stdout[-2000:]
    assert "1 skipped" in r.stdout and "needs the shared corpora, absent here" in r.stdout


def test_it_fails_instead_of_skipping_when_shared_data_is_required(tmp_path: Path) -> None:
    r = _pytest(tmp_path, PRAJA_SHARED_DATA=str(tmp_path / "absent"), PRAJA_REQUIRE_SHARED_DATA="1")
    assert r.returncode == 1, r.stdout[-2000:]
    assert ("1 error" in r.stdout or "1 failed" in r.stdout) and "skipped" not in r.stdout.splitlines()[-1]
    assert "PRAJA_REQUIRE_SHARED_DATA=1 forbids skipping" in r.stdout
