"""The layers of the house are checked: `make lint` runs lint-imports on the contract in pyproject.toml, and an
import from a lower app into a higher one breaks it (docs/architecture.md, "Layers")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def copy_of_the_house(tmp_path: Path) -> Path:
    """The praja package's Python files and pyproject.toml, copied where a planted import harms nothing."""
    shutil.copytree(
        ROOT / "praja", tmp_path / "praja",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "locale", "data", "*.gz", "*.json"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}  # the copy, not the installed praja
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_house_keeps_its_layers_and_an_upward_import_breaks_them(tmp_path: Path) -> None:
    house = copy_of_the_house(tmp_path)
    kept = lint_imports(house)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "Apps depend downward only KEPT" in kept.stdout and "No two apps import each other KEPT" in kept.stdout

    # territory reaching up into accounts (the cycle issue 15 removed)
    (house / "praja" / "territory" / "planted.py").write_text("from praja.accounts.models import Person  # noqa\n")
    broken = lint_imports(house)
    assert broken.returncode != 0
    assert "Apps depend downward only BROKEN" in broken.stdout
    assert "praja.territory is not allowed to import praja.accounts" in broken.stdout
    assert "praja.territory.planted -> praja.accounts.models" in broken.stdout


def test_a_pure_core_that_imports_django_breaks_the_contract(tmp_path: Path) -> None:
    house = copy_of_the_house(tmp_path)
    solver = house / "praja" / "deployment" / "solver_geometry.py"
    solver.write_text("from praja.territory.models import Region  # noqa\n" + solver.read_text())
    broken = lint_imports(house)
    assert broken.returncode != 0
    assert "Pure cores import no Django BROKEN" in broken.stdout
    assert "praja.deployment.solver_geometry is not allowed to import django" in broken.stdout
