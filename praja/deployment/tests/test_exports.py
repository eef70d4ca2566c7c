"""Exports of a plan: the XLSX staff print (a summary, then a sheet per Polsek), the PDF annex, GeoJSON."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from praja.deployment.models import Plan, Post
from tests.pdfs import page_sizes

pytestmark = pytest.mark.django_db

POST_HEADER = ["No. Pos", "TPS", "Alamat TPS", "DPT", "Kelas", "Polri", "TNI", "Linmas", "Lintang pos", "Bujur pos",
               "Asal personel", "Jarak (km)", "Ket."]


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def header_row(sheet: Any) -> tuple[int, list[Any]]:
    for row in sheet.iter_rows(min_row=1, max_row=15):
        values = [c.value for c in row]
        if values and values[0] == "No. Pos":
            return row[0].row, values
    raise AssertionError(f"no header row in {sheet.title}")


def test_the_xlsx_has_a_summary_then_a_sheet_per_polsek_with_every_tps(ops_client: Client, done_plan: Plan) -> None:
    response = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/")
    assert 'filename="rencana_pengamanan_3507_v1.xlsx"' in response["Content-Disposition"]
    wb = workbook(response)
    assert wb.sheetnames == ["Ringkasan", "Polsek Donomulyo", "Polsek Kalipare"]
    summary = wb["Ringkasan"]
    facts = {r[0].value: r[1].value for r in summary.iter_rows(min_row=1, max_row=40) if r[0].value}
    assert facts["Personel Polri"] == done_plan.officers == facts["Batas bawah personel Polri"]
    assert facts["TPS"] == 16
    notes = [summary.cell(row=r, column=1).value or "" for r in range(1, 10)]
    assert any(n.startswith("Data bangkitan") for n in notes)  # generated TPS are said to be generated
    sheet = wb["Polsek Donomulyo"]
    head, values = header_row(sheet)
    assert values[: len(POST_HEADER)] == POST_HEADER
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=head + 1)]
    tps_rows = [r for r in rows if r[1] and str(r[1]).startswith("35.07.01.")]
    assert len(tps_rows) == 14  # every TPS of Donomulyo, one row each
    first = tps_rows[0]
    assert first[0] == 1 and first[1] == "35.07.01.2001/001" and first[2] == "Balai 35.07.01.2001 1"
    assert first[3] == 250 and first[4] == "Aman" and first[5] == 2
    post = Post.objects.get(plan=done_plan, number=1)
    assert (first[8], first[9]) == (post.lat, post.lng) and first[10] == post.pool  # full precision
    # a post's cells span its TPS rows
    assert any(str(rng).startswith(f"A{head + 1}:") for rng in sheet.merged_cells.ranges)
    assert sheet.page_setup.orientation == "landscape"


def test_a_polsek_officer_exports_only_his_polsek(polsek_client: Client, done_plan: Plan) -> None:
    wb = workbook(polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/"))
    assert wb.sheetnames == ["Ringkasan", "Polsek Donomulyo"]
    text = " ".join(str(c.value) for r in wb["Ringkasan"].iter_rows() for c in r if c.value)
    assert "Hanya bagian rencana di wilayah Anda" in text and "Kalipare" not in text
    gj = polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/geojson/").json()
    assert {f["properties"]["kecamatan"] for f in gj["features"]} == {"35.07.01"}
    assert polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/pdf/",
                             {"kecamatan": "35.07.02"}).status_code == 404


def test_the_pdf_annex_is_a4_landscape_with_a_page_per_polsek(ops_client: Client, done_plan: Plan) -> None:
    response = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    sizes = page_sizes(pdf)
    assert len(sizes) >= 3  # summary, Polsek Donomulyo, Polsek Kalipare
    assert set(sizes) == {(842, 595)}  # A4 landscape in points


def test_the_geojson_holds_every_post_as_a_point_with_its_tps(ops_client: Client, done_plan: Plan) -> None:
    response = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/geojson/")
    assert response["Content-Type"] == "application/geo+json"
    doc = json.loads(response.content)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == done_plan.posts_count
    tps = [code for f in doc["features"] for code in f["properties"]["tps"]]
    assert len(tps) == len(set(tps)) == 16
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lng, lat = f["geometry"]["coordinates"]
        assert -9 < lat < -7 and 112 < lng < 113
        assert f["properties"]["police"] >= 2
    assert any("bangkitan" in n for n in doc["praja"]["notes"])


def test_an_unknown_format_is_404(ops_client: Client, done_plan: Plan) -> None:
    assert ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/docx/").status_code == 404


def test_an_address_that_looks_like_a_formula_stays_text(ops_client: Client, done_plan: Plan) -> None:
    from praja.deployment.models import PlanTPS

    PlanTPS.objects.filter(plan=done_plan, code="35.07.01.2001/001").update(address='=HYPERLINK("http://x")')
    wb = workbook(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/"))
    sheet = wb["Polsek Donomulyo"]
    # praja.exports_safe: text that starts like a formula is written with an apostrophe, as an inline string
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "'" + '=HYPERLINK("http://x")']
    assert len(cells) == 1 and cells[0].data_type == "s"
