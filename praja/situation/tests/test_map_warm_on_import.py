"""`praja territory boundaries FILE` draws the map's outlines at once (territory sends boundaries_imported, the
situation app listens: territory imports nothing of situation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from praja.situation import mapdata
from praja.territory.tests.shipped import shipped_wilayah


@pytest.mark.django_db
def test_importing_boundaries_from_the_command_line_warms_the_map(
    malang_regions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed: list[int] = []
    real = mapdata.warm_map_cache

    def counting() -> int:
        warmed.append(real())
        return warmed[-1]

    monkeypatch.setattr(mapdata, "warm_map_cache", counting)
    call_command("territory", "boundaries", str(shipped_wilayah() / "kab_malang_35.07_kecamatan.geojson"))
    assert len(warmed) == 1
