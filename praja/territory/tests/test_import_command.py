"""`manage.py territory_import tps|boundaries FILE`: one line per bad row, non-zero exit, nothing written."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from praja.base.models import AuditEntry
from praja.territory.models import TPS, Region
from praja.territory.tests.import_support import (
    BAD_ROWS,
    INSIDE,
    add_tps,
    csv_bytes,
    tps_snapshot,
    xlsx_bytes,
)
from praja.territory.tests.shipped import shipped_wilayah

pytestmark = pytest.mark.django_db

WILAYAH = shipped_wilayah()  # the boundaries shipped in the package


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("territory_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_rejected_file_prints_every_bad_row_and_exits_non_zero(malang_regions: Any, tmp_path: Path) -> None:
    add_tps("35.07.01.2001", 1, 111)
    before = tps_snapshot()
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_bytes(BAD_ROWS))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("territory_import", "tps", str(path), "--regency", "35.07", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert "tidak ada yang disimpan / rejected: 6 problems in 6 rows" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert "tps.csv baris 7, kolom dpt: 1500 di luar batas 1..1000 / outside 1..1000" in lines
    for row in (3, 5, 6, 8, 9):
        assert any(line.startswith(f"tps.csv baris {row}, kolom ") for line in lines), row
    assert tps_snapshot() == before


def test_a_clean_xlsx_loads_and_says_how_many_were_created_and_updated(
    malang_regions: Any, tmp_path: Path
) -> None:
    add_tps("35.07.01.2001", 1, 111)
    path = tmp_path / "kpu.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [["35.07.01.2001", 1, 300, "", INSIDE[0], INSIDE[1]], ["35.07.01.2001", 2, 200, "", "", ""]]
        )
    )
    out, _ = run("tps", str(path), "--regency", "35.07")
    assert "2 baris / rows; 1 TPS baru / created, 1 diperbarui / updated" in out
    assert TPS.objects.get(code="35.07.01.2001/001").voters == 300
    entry = AuditEntry.objects.get(action="import", target_type="territory.tps")
    assert entry.actor_label.startswith("system:territory_import tps") and entry.channel == "cli"


def test_an_unknown_regency_option_is_refused(malang_regions: Any, tmp_path: Path) -> None:
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_bytes([["35.07.01.2001", 1, 300, "", "", ""]]))
    with pytest.raises(CommandError, match="bukan kabupaten/kota yang dikenal"):
        run("tps", str(path), "--regency", "35.99")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("tps", str(tmp_path / "tidak-ada.csv"))
    assert not TPS.objects.exists()


@pytest.mark.skipif(
    not (WILAYAH / "kab_malang_35.07_kecamatan.geojson").exists(), reason="needs ../shared/data"
)
def test_boundaries_load_from_the_real_kecamatan_file(malang_regions: Any) -> None:
    out, _ = run("boundaries", str(WILAYAH / "kab_malang_35.07_kecamatan.geojson"))
    assert "33 batas wilayah / boundaries" in out
    assert Region.objects.filter(level=3, boundary__isnull=False).count() == 33


def test_a_boundary_file_with_an_unknown_code_is_rejected_whole(malang_regions: Any, tmp_path: Path) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[112.4, -8.4], [112.5, -8.4], [112.5, -8.3], [112.4, -8.4]]],
    }
    path = tmp_path / "kec.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"kode": "35.07.01"}, "geometry": square},
                    {"type": "Feature", "properties": {"kode": "35.07.77"}, "geometry": square},
                ],
            }
        )
    )
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("territory_import", "boundaries", str(path), stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 1
    assert "kec.geojson fitur 2, kode: kode wilayah 35.07.77 tidak dikenal" in err.getvalue()
    assert not Region.objects.filter(boundary__isnull=False).exists()


def test_the_praja_territory_command_hands_over_to_the_importer(malang_regions: Any, tmp_path: Path) -> None:
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_bytes([["35.07.01.2001", 1, 300, "", "", ""]]))
    out = StringIO()
    call_command("territory", "import-tps", str(path), "--regency", "35.07", stdout=out, stderr=StringIO())
    assert "1 TPS baru / created" in out.getvalue()
