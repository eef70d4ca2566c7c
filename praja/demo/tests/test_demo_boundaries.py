"""The demo district's outlines ship in the package: a clone with nothing beside it draws them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from praja.base import audit
from praja.demo.district import attach_boundaries, boundary_files
from praja.territory.models import Region

PACKAGE = Path(__file__).resolve().parents[2] / "territory"  # the data ships with territory


def test_the_boundary_files_are_in_the_package_with_their_licence(settings: Any, tmp_path: Path) -> None:
    settings.SHARED_DATA_DIR = tmp_path / "nothing-here"  # as in a bare clone
    files = boundary_files()
    levels = ("kabupaten", "kecamatan", "desa")
    assert [f.name for f in files] == [f"kab_malang_35.07_{lvl}.geojson.gz" for lvl in levels]
    assert all(PACKAGE in f.parents for f in files)
    assert sum(f.stat().st_size for f in files) < 2_000_000  # the package stays small
    licence = (PACKAGE / "data" / "boundaries" / "LICENSE-wilayah_boundaries.txt").read_text()
    assert "MIT License" in licence and "Cahya DSN" in licence


@pytest.mark.django_db
def test_the_demo_loads_every_outline_without_shared_data(malang_regions: Any, settings: Any, tmp_path: Path) -> None:
    settings.SHARED_DATA_DIR = tmp_path / "nothing-here"
    with audit.acting_as(audit.system_actor("test")):
        assert attach_boundaries(boundary_files()) == 1 + 33 + 390
    outlined = Region.objects.filter(code__startswith="35.07").exclude(boundary=None)
    assert outlined.filter(level=3).count() == 33 and outlined.filter(level=4).count() == 390
    assert Region.objects.get(code="35.07").boundary is not None
