"""TPS list and boundary imports: every bad row named, nothing half written, clean files loaded whole."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from praja.base.audit import acting_as, system_actor
from praja.base.models import AuditEntry
from praja.base.scope import Scope
from praja.territory.boundary_import import import_boundaries
from praja.territory.geo import area_from_geojson, area_from_points
from praja.territory.import_report import Problem
from praja.territory.models import TPS, Region
from praja.territory.tests.import_support import (
    BAD_CELLS,
    BAD_ROWS,
    INSIDE,
    OUTSIDE,
    add_tps,
    csv_bytes,
    file_bytes,
    tps_snapshot,
    xlsx_bytes,
)
from praja.territory.tests.shipped import shipped_wilayah
from praja.territory.tps_import import import_tps
from praja.territory.tps_rows import validate_tps_rows
from praja.territory.tps_table import read_table

WILAYAH = shipped_wilayah()  # the boundaries shipped in the package
KNOWN = {"35.07.01.2001", "35.07.01.2002", "35.07.01.2003", "35.07.02.2001"}
# The box of a few desa centroids of Donomulyo, widened by 0.05 degrees.
BOX = {"35.07": area_from_points("35.07", [(-8.359, 112.486), (-8.351, 112.472), (-8.301, 112.487)])}


def check(data: bytes, name: str = "tps.csv", **kwargs: Any) -> list[Problem]:
    table = read_table(name, data)
    return validate_tps_rows(table, KNOWN, kwargs.pop("areas", BOX), **kwargs).problems


def cells(problems: list[Problem]) -> set[tuple[int | None, str]]:
    return {(p.row, p.field) for p in problems}


@pytest.fixture
def actor() -> Any:
    with acting_as(system_actor("test")) as a:
        yield a


# --- the acceptance test ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_rejects_a_file_with_five_kinds_of_bad_rows_names_each_and_writes_nothing(
    malang_regions: Any, actor: Any, kind: str
) -> None:
    add_tps("35.07.01.2001", 1, 111, address="lama", lat=-8.36, lng=112.48, location_generated=True)
    add_tps("35.07.01.2002", 4, 222)
    before, audit_before = tps_snapshot(), AuditEntry.objects.count()

    result = import_tps(f"tps.{kind}", file_bytes(kind, BAD_ROWS))

    assert not result.ok
    assert cells(result.problems) == BAD_CELLS
    lines = [str(p) for p in result.problems]
    assert (
        f"tps.{kind} baris 3, kolom kode_desa: kode desa 35.07.99.9999 tidak dikenal / "
        "unknown desa code 35.07.99.9999" in lines
    )
    assert any(
        line.startswith(f"tps.{kind} baris 5, kolom nomor_tps: TPS 35.07.01.2002/004 ganda") for line in lines
    )
    assert "sudah ada di baris 4" in next(p.message for p in result.problems if p.row == 5)
    assert f"tps.{kind} baris 6, kolom dpt: 0 di luar batas 1..1000 / outside 1..1000" in lines
    assert f"tps.{kind} baris 7, kolom dpt: 1500 di luar batas 1..1000 / outside 1..1000" in lines
    assert f"tps.{kind} baris 8, kolom lat: abc bukan angka / abc is not a number" in lines
    outside = next(p for p in result.problems if p.row == 9)
    assert "di luar kabupaten/kota 35.07" in outside.message and "kotak titik tengah desa" in outside.message
    assert {p.file for p in result.problems} == {f"tps.{kind}"}
    assert result.bad_rows == 6
    assert tps_snapshot() == before
    assert AuditEntry.objects.count() == audit_before


# --- reading -----------------------------------------------------------------------------------------


def test_it_rejects_the_whole_file_when_required_columns_are_missing() -> None:
    problems = check(csv_bytes([["35.07.01.2001", 250]], header=["kode_desa", "pemilih"]))
    assert [(p.row, p.field) for p in problems] == [(None, "nomor_tps")]
    assert str(problems[0]) == (
        "tps.csv, kolom nomor_tps: kolom wajib nomor_tps tidak ada di baris judul / "
        "required column nomor_tps is missing from the header row"
    )


def test_it_rejects_a_lat_column_without_a_lng_column() -> None:
    problems = check(
        csv_bytes([["35.07.01.2001", 1, 250, -8.3]], header=["kode_desa", "nomor_tps", "dpt", "lat"])
    )
    assert cells(problems) == {(None, "lng")}


def test_it_accepts_headers_in_any_case_and_english_aliases() -> None:
    header = ["Village Code", "TPS_Number", "Voters", "Address", "Latitude", "Longitude", "catatan"]
    table = read_table(
        "tps.csv", csv_bytes([["3507012001", "003", 250, "Balai", INSIDE[0], INSIDE[1], "x"]], header)
    )
    checked = validate_tps_rows(table, KNOWN, BOX)
    assert checked.problems == []
    [rec] = checked.records
    assert (rec.code, rec.voters, rec.address, rec.lat) == ("35.07.01.2001/003", 250, "Balai", INSIDE[0])


def test_it_reads_semicolon_csv_with_decimal_commas_as_indonesian_spreadsheets_write_it() -> None:
    data = "kode_desa;nomor_tps;dpt;lat;lng\n35.07.01.2001;1;250;-8,3593;112,4861\n".encode("cp1252")
    table = read_table("tps.csv", data)
    checked = validate_tps_rows(table, KNOWN, BOX)
    assert checked.problems == []
    assert (checked.records[0].lat, checked.records[0].lng) == (-8.3593, 112.4861)


def test_xlsx_numbers_that_arrive_as_floats_are_integers_when_whole() -> None:
    data = xlsx_bytes([[3507012001, 1.0, 512.0, "", "", ""], ["35.07.01.2002", 2, 512.5, "", "", ""]])
    table = read_table("tps.xlsx", data)
    checked = validate_tps_rows(table, KNOWN, BOX)
    assert [str(p) for p in checked.problems] == [
        "tps.xlsx baris 3, kolom dpt: 512.5 bukan bilangan bulat / 512.5 is not an integer"
    ]
    table = read_table("tps.xlsx", xlsx_bytes([[3507012001, 1.0, 512.0, "", "", ""]]))
    [rec] = validate_tps_rows(table, KNOWN, BOX).records
    assert (rec.desa, rec.number, rec.voters) == ("35.07.01.2001", 1, 512)


def test_row_numbers_are_those_the_spreadsheet_shows_blank_rows_included() -> None:
    data = b"kode_desa,nomor_tps,dpt\n35.07.01.2001,1,250\n,,\n\n35.07.01.2001,2,abc\n"
    assert [(p.row, p.field, p.value) for p in check(data)] == [(5, "dpt", "abc")]


def test_an_unreadable_xlsx_is_rejected_with_a_file_level_message() -> None:
    problems = check(b"PK\x03\x04 not really a zip", name="tps.xlsx")
    assert len(problems) == 1 and problems[0].row is None
    assert "tidak dapat dibaca" in problems[0].message


def test_a_file_with_only_a_header_is_rejected() -> None:
    problems = check(csv_bytes([]))
    assert [p.row for p in problems] == [None]
    assert "tidak ada baris data" in problems[0].message


# --- values ------------------------------------------------------------------------------------------


def test_it_names_each_empty_required_value() -> None:
    problems = check(csv_bytes([["", "", "", "Balai Desa", "", ""]]))
    assert cells(problems) == {(2, "kode_desa"), (2, "nomor_tps"), (2, "dpt")}
    assert all(p.message == "wajib diisi / required" for p in problems)


def test_it_rejects_malformed_codes_numbers_and_voters() -> None:
    problems = check(csv_bytes([["35.7.1.2001", 1000, "banyak", "", "", ""]]))
    by_field = {p.field: p.message for p in problems}
    assert "bukan kode desa" in by_field["kode_desa"]
    assert by_field["nomor_tps"] == "1000 di luar batas 1..999 / outside 1..999"
    assert by_field["dpt"] == "banyak bukan bilangan bulat / banyak is not an integer"


def test_tps_numbers_may_be_written_with_a_tps_prefix_or_leading_zeros() -> None:
    table = read_table(
        "tps.csv",
        csv_bytes(
            [["35.07.01.2001", "TPS 003", 250], ["35.07.01.2001", "004", 250]],
            header=["kode_desa", "nomor_tps", "dpt"],
        ),
    )
    checked = validate_tps_rows(table, KNOWN, BOX)
    assert [r.code for r in checked.records] == ["35.07.01.2001/003", "35.07.01.2001/004"]


def test_voter_bounds_come_from_the_caller() -> None:
    problems = check(csv_bytes([["35.07.01.2001", 1, 700, "", "", ""]]), min_voters=1, max_voters=600)
    assert [p.message for p in problems] == ["700 di luar batas 1..600 / outside 1..600"]


@pytest.mark.parametrize(
    ("lat", "lng", "field", "fragment"),
    [
        (-8.3, "", "lng", "isi keduanya atau tidak sama sekali"),
        ("", 112.5, "lat", "isi keduanya atau tidak sama sekali"),
        (-95, 112.5, "lat", "di luar -90..90"),
        (-8.3, 190, "lng", "di luar -180..180"),
        ("nan", 112.5, "lat", "bukan angka"),
    ],
)
def test_it_rejects_malformed_coordinates(lat: object, lng: object, field: str, fragment: str) -> None:
    problems = check(csv_bytes([["35.07.01.2001", 1, 250, "", lat, lng]]))
    assert [p.field for p in problems] == [field]
    assert fragment in problems[0].message


def test_it_suggests_swapped_coordinates() -> None:
    problems = check(csv_bytes([["35.07.01.2001", 1, 250, "", INSIDE[1], INSIDE[0]]]))
    assert [p.field for p in problems] == ["lat"]
    assert (
        problems[0].message
        == "112.486 di luar -90..90 / outside -90..90 (lat dan lng tertukar? / lat and lng swapped?)"
    )


def test_without_a_boundary_a_point_is_checked_against_the_widened_box_of_desa_centroids() -> None:
    area = BOX["35.07"]
    assert area is not None
    assert area.contains(*INSIDE) and area.contains(-8.40, 112.52)  # 0.041 and 0.033 degrees beyond the box
    assert not area.contains(*OUTSIDE) and not area.contains(-8.42, 112.486)
    problems = check(csv_bytes([["35.07.01.2001", 1, 250, "", *OUTSIDE]]))
    assert [str(p) for p in problems] == [
        "tps.csv baris 2, kolom lat, lng: titik (-6.2, 106.817) di luar kabupaten/kota 35.07 "
        "menurut kotak titik tengah desa ±0.05° (batas wilayah belum dimuat) / "
        "point outside regency 35.07 by the box of its desa centroids ±0.05° (no boundary loaded)"
    ]


def test_a_desa_outside_the_target_regency_or_the_scope_is_refused() -> None:
    data = csv_bytes([["35.07.01.2001", 1, 250, "", "", ""], ["35.07.02.2001", 1, 250, "", "", ""]])
    problems = check(data, regency="35.07", scope=Scope.of(["35.07.01"]))
    assert [(p.row, p.field) for p in problems] == [(3, "kode_desa")]
    assert (
        problems[0].message
        == "desa 35.07.02.2001 di luar wilayah tugas Anda / desa 35.07.02.2001 is outside your area"
    )
    problems = check(csv_bytes([["35.07.01.2001", 1, 250, "", "", ""]]), regency="35.08")
    assert problems[0].message.startswith("desa 35.07.01.2001 di luar kabupaten/kota 35.08")


@pytest.mark.skipif(
    not (WILAYAH / "kab_malang_35.07_kabupaten.geojson").exists(), reason="needs ../shared/data"
)
def test_with_a_boundary_loaded_coordinates_are_checked_against_the_polygon_and_the_message_says_so() -> None:
    doc = json.loads((WILAYAH / "kab_malang_35.07_kabupaten.geojson").read_text())
    area = area_from_geojson("35.07", doc["features"][0]["geometry"])
    # Kota Malang (35.73) lies inside the box of the regency but outside its polygon.
    kota_malang = (-7.9666, 112.6326)
    assert area.contains(*INSIDE) and not area.contains(*kota_malang)
    problems = check(csv_bytes([["35.07.01.2001", 1, 250, "", *kota_malang]]), areas={"35.07": area})
    assert [p.field for p in problems] == ["lat, lng"]
    assert "poligon batas wilayah" in problems[0].message


# --- loading -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_clean_file_loads_whole_creating_and_updating(malang_regions: Any, actor: Any, kind: str) -> None:
    add_tps(
        "35.07.01.2001",
        1,
        111,
        address="lama",
        lat=-8.36,
        lng=112.48,
        voters_generated=True,
        location_generated=True,
    )
    add_tps(
        "35.07.01.2002",
        1,
        222,
        address="tetap",
        lat=-8.35,
        lng=112.47,
        voters_generated=True,
        location_generated=True,
    )
    rows = [
        ["35.07.01.2001", 1, 300, "Balai Desa", INSIDE[0], INSIDE[1]],  # update with coordinates
        ["3507012002", 1, 310, "", "", ""],  # update, keeps address and generated location
        ["35.07.01.2002", 2, 320, "SDN 1", "", ""],  # new
        ["35.07.02.2001", 7, 330, "", -8.301, 112.487],  # new
    ]
    audit_before = AuditEntry.objects.count()

    result = import_tps(f"kpu.{kind}", file_bytes(kind, rows), regency="35.07")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.rows, result.created, result.updated) == (4, 2, 2)
    assert TPS.objects.count() == 4
    t1 = TPS.objects.get(code="35.07.01.2001/001")
    assert (t1.voters, t1.address, t1.lat, t1.lng) == (300, "Balai Desa", INSIDE[0], INSIDE[1])
    assert not t1.voters_generated and not t1.location_generated and t1.source == f"impor kpu.{kind}"
    t2 = TPS.objects.get(code="35.07.01.2002/001")
    assert (t2.voters, t2.address, t2.lat) == (310, "tetap", -8.35)
    assert not t2.voters_generated and t2.location_generated  # the generated location stays marked
    new = TPS.objects.get(code="35.07.02.2001/007")
    assert (new.desa_id, new.number, new.voters, new.lat) == ("35.07.02.2001", 7, 330, -8.301)
    assert not new.voters_generated and not new.location_generated
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.target_type, entry.region_code) == ("import", "territory.tps", "35.07")
    assert entry.changes["file"] == f"kpu.{kind}" and entry.changes["sha256"] == result.sha256
    assert (entry.changes["created"], entry.changes["updated"]) == (2, 2)


@pytest.mark.django_db
def test_a_kecamatan_scoped_person_cannot_import_a_tps_outside_their_kecamatan(
    malang_regions: Any, actor: Any
) -> None:
    data = csv_bytes([["35.07.01.2001", 1, 250, "", "", ""], ["35.07.02.2001", 1, 250, "", "", ""]])
    result = import_tps("tps.csv", data, scope=Scope.of(["35.07.01"]))
    assert [(p.row, p.field) for p in result.problems] == [(3, "kode_desa")]
    assert TPS.objects.count() == 0


@pytest.mark.django_db
def test_it_validates_and_loads_4042_rows_well_under_five_seconds(malang_regions: Any, actor: Any) -> None:
    regency_file = WILAYAH / "kab_malang_35.07_kabupaten.geojson"
    if regency_file.exists():  # check the points against the real polygon, the slower path
        assert import_boundaries(regency_file).ok
    desa = list(
        Region.objects.filter(level=4, code__startswith="35.07.").values_list(
            "code", "centroid_lat", "centroid_lng"
        )
    )
    rng = random.Random(7)
    rows: list[list[object]] = []
    for i in range(4042):
        code, lat, lng = desa[i % len(desa)]
        rows.append(
            [code, i // len(desa) + 1, rng.randint(150, 600), f"TPS {i}", round(lat, 5), round(lng, 5)]
        )
    data = csv_bytes(rows)
    start = time.perf_counter()
    first = import_tps("tps.csv", data, regency="35.07")
    again = import_tps("tps.csv", data, regency="35.07")
    elapsed = time.perf_counter() - start
    assert first.ok and (first.created, first.updated) == (4042, 0)
    assert again.ok and (again.created, again.updated) == (0, 4042)
    assert TPS.objects.count() == 4042
    assert elapsed < 5.0, f"two imports of 4,042 rows took {elapsed:.2f} s"


# --- boundaries --------------------------------------------------------------------------------------


def _collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(code: str, geometry: dict[str, Any] | None = None, **props: Any) -> dict[str, Any]:
    square = {
        "type": "Polygon",
        "coordinates": [[[112.4, -8.4], [112.5, -8.4], [112.5, -8.3], [112.4, -8.3], [112.4, -8.4]]],
    }
    return {"type": "Feature", "properties": {"kode": code, **props}, "geometry": geometry or square}


@pytest.mark.django_db
@pytest.mark.skipif(not (WILAYAH / "kab_malang_35.07_desa.geojson").exists(), reason="needs ../shared/data")
def test_the_real_boundary_files_load_and_fill_missing_centroids(malang_regions: Any, actor: Any) -> None:
    Region.objects.filter(code="35.07.01.2001").update(centroid_lat=None, centroid_lng=None)
    kept = Region.objects.get(code="35.07.01.2002")
    for name, count in (("kabupaten", 1), ("kecamatan", 33), ("desa", 390)):
        result = import_boundaries(WILAYAH / f"kab_malang_35.07_{name}.geojson")
        assert result.ok, [str(p) for p in result.problems[:5]]
        assert result.boundaries == count
    assert Region.objects.filter(level__gte=2, boundary__isnull=False).count() == 1 + 33 + 390
    assert Region.objects.get(code="35.07").boundary["type"] == "MultiPolygon"
    filled = Region.objects.get(code="35.07.01.2001")
    assert filled.centroid_lat == pytest.approx(-8.3593, abs=1e-3)
    assert Region.objects.get(code="35.07.01.2002").centroid_lat == kept.centroid_lat
    entry = (
        AuditEntry.objects.filter(action="import", target_type="territory.region").order_by("-seq").first()
    )
    assert (
        entry is not None
        and entry.changes["boundaries"] == 390
        and entry.changes["file"].endswith("desa.geojson")
    )


@pytest.mark.django_db
def test_a_boundary_file_with_bad_features_is_rejected_whole(malang_regions: Any, actor: Any) -> None:
    data = _collection(
        _feature("35.07.01"),  # fine
        _feature("35.07.99"),  # unknown
        _feature("35.07.02", {"type": "Point", "coordinates": [112.5, -8.3]}),  # not a polygon
        _feature("35.07.03", {"type": "Polygon", "coordinates": [[[112.4]]]}),  # malformed
        _feature("35.07.01"),  # duplicate
    )
    result = import_boundaries("kec.geojson", data)
    assert [(p.row, p.field) for p in result.problems] == [
        (2, "kode"),
        (3, "geometry"),
        (4, "geometry"),
        (5, "kode"),
    ]
    assert (
        str(result.problems[0])
        == "kec.geojson fitur 2, kode: kode wilayah 35.07.99 tidak dikenal / unknown region code 35.07.99"
    )
    assert not Region.objects.filter(boundary__isnull=False).exists()


@pytest.mark.django_db
def test_invalid_json_is_rejected(malang_regions: Any, actor: Any) -> None:
    result = import_boundaries("rusak.geojson", b'{"type": "FeatureCollection", "features": [')
    assert len(result.problems) == 1 and result.problems[0].row is None
    assert "bukan JSON yang sah" in result.problems[0].message


def test_import_functions_accept_a_path(tmp_path: Path) -> None:
    path = tmp_path / "kosong.geojson"
    path.write_text("[]")
    from praja.territory.boundary_features import read_feature_collection

    _, problems = read_feature_collection(path.name, path.read_bytes())
    assert "bukan GeoJSON FeatureCollection" in problems[0].message
