"""The TPS upload page: who may use it, the report table of bad rows, the CSV template."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from praja.base.models import AuditEntry
from praja.territory.models import TPS
from praja.territory.tests.import_support import (
    BAD_CELLS,
    BAD_ROWS,
    INSIDE,
    add_tps,
    csv_bytes,
    make_person,
    tps_snapshot,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

URL = "/wilayah/impor/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ops(malang_regions: Any) -> Client:
    return signed_in(make_person("ops.polres", "polres_ops", "35.07"))


def upload(client: Client, name: str, data: bytes, follow: bool = False) -> Any:
    return client.post(URL, {"berkas": SimpleUploadedFile(name, data)}, follow=follow)


def report_cells(html: str) -> set[tuple[int, str]]:
    """(row, field) of every line of the report table."""
    table = html.split('class="data import-problems"', 1)[1].split("</table>", 1)[0]
    return {(int(r), f) for r, f in re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", table)}


def test_the_routes_are_where_the_menu_expects_them() -> None:
    assert reverse("territory:import_tps") == URL
    assert reverse("territory:import_tps_template").startswith(URL)


def test_a_person_without_the_import_capability_gets_403(malang_regions: Any) -> None:
    client = signed_in(make_person("polsek.donomulyo", "polsek_officer", "35.07.01", agency_kind="polsek"))
    assert client.get(URL).status_code == 403
    assert upload(client, "tps.csv", csv_bytes([["35.07.01.2001", 1, 250, "", "", ""]])).status_code == 403
    assert client.get(reverse("territory:import_tps_template")).status_code == 403
    assert not TPS.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(malang_regions: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_the_page_lists_the_expected_columns_and_offers_the_template(ops: Client) -> None:
    html = ops.get(URL).content.decode()
    for column in ("kode_desa", "nomor_tps", "dpt", "alamat", "lat", "lng"):
        assert f"<code>{column}</code>" in html
    assert reverse("territory:import_tps_template") in html
    assert 'enctype="multipart/form-data"' in html


def test_the_template_csv_has_the_header_and_an_example_that_imports_cleanly(ops: Client) -> None:
    response = ops.get(reverse("territory:import_tps_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["kode_desa", "nomor_tps", "dpt", "alamat", "lat", "lng"]
    assert len(rows) == 2 and rows[1][0].startswith("35.07.")
    upload(ops, "templat_tps.csv", response.content)
    assert TPS.objects.filter(desa_id=rows[1][0], number=1).exists()


def test_a_bad_file_shows_every_bad_row_and_field_and_writes_nothing(ops: Client) -> None:
    add_tps("35.07.01.2001", 1, 111)
    before, audit_before = tps_snapshot(), AuditEntry.objects.count()
    response = upload(ops, "tps.xlsx", xlsx_bytes(BAD_ROWS))
    assert response.status_code == 200
    html = response.content.decode()
    assert report_cells(html) == BAD_CELLS
    assert "1500 di luar batas 1..1000 / outside 1..1000" in html
    assert "tps.xlsx ditolak: 6 kesalahan pada 6 baris" in html
    assert tps_snapshot() == before
    assert AuditEntry.objects.count() == audit_before


def test_a_missing_column_is_reported_for_the_whole_file(ops: Client) -> None:
    html = upload(
        ops, "tps.csv", csv_bytes([["35.07.01.2001", 250]], header=["kode_desa", "dpt"])
    ).content.decode()
    assert "seluruh berkas" in html and "kolom wajib nomor_tps tidak ada" in html
    assert "tps.csv ditolak: 1 kesalahan pada berkas." in html


def test_a_clean_file_loads_and_the_page_says_how_many_were_created_and_updated(ops: Client) -> None:
    add_tps("35.07.01.2001", 1, 111)
    data = csv_bytes(
        [["35.07.01.2001", 1, 300, "Balai Desa", INSIDE[0], INSIDE[1]], ["35.07.02.2001", 3, 200, "", "", ""]]
    )
    response = upload(ops, "kpu.csv", data, follow=True)
    html = response.content.decode()
    assert "kpu.csv dimuat: 2 baris, 1 TPS baru, 1 TPS diperbarui." in html
    assert TPS.objects.get(code="35.07.01.2001/001").voters == 300
    entry = AuditEntry.objects.get(action="import", target_type="territory.tps")
    assert (entry.actor_label, entry.channel) == ("ops.polres", "web")


def test_a_polsek_scoped_importer_cannot_import_a_tps_outside_their_kecamatan(malang_regions: Any) -> None:
    client = signed_in(make_person("ops.polsek", "polres_ops", "35.07.01", agency_kind="polsek"))
    outside = csv_bytes([["35.07.01.2001", 1, 250, "", "", ""], ["35.07.02.2001", 1, 250, "", "", ""]])
    html = upload(client, "tps.csv", outside).content.decode()
    assert report_cells(html) == {(3, "kode_desa")}
    assert "di luar wilayah tugas Anda" in html
    assert not TPS.objects.exists()
    upload(client, "tps.csv", csv_bytes([["35.07.01.2001", 1, 250, "", "", ""]]))
    assert list(TPS.objects.values_list("code", flat=True)) == ["35.07.01.2001/001"]


def test_posting_without_a_file_asks_for_one(ops: Client) -> None:
    response = ops.post(URL, {})
    assert response.status_code == 400
    assert "Pilih berkas CSV atau XLSX" in response.content.decode()
