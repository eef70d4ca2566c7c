"""The reports upload page /laporan/impor/: a handler uploads a CSV; a bad file is shown row by row and column
by column with nothing stored; a clean one lists the receipts; rows outside the handler's region are refused."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World, client_for
from praja.reports.models import Report
from praja.reports.tests.handle_world import *  # noqa: F401,F403

GOOD = (
    "kategori;uraian;tingkat;kode_tps;kode_wilayah;nama_pelapor\n"
    f"politik_uang;Bagi amplop di TPS;tinggi;{HOME_DESA}/001;;\n"
    f"keamanan;Spanduk dirobek;1;;{HOME_DESA};Pak Slamet\n"
)
BAD = (
    "kategori;uraian;tingkat\n"
    "politik_uang;Bagi amplop;tinggi\n"
    "entah;Spanduk dirobek;9\n"
)


def upload(client: Any, text: str, name: str = "laporan.csv") -> Any:
    return client.post("/laporan/impor/", {"berkas": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_a_handler_imports_a_clean_csv_and_sees_each_receipt(hworld: World) -> None:
    handler = client_for(hworld.people["panwascam"].user)
    page = handler.get("/laporan/impor/")
    assert page.status_code == 200 and "/laporan/impor/templat.csv" in page.content.decode()
    response = upload(handler, GOOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert Report.objects.filter(channel="impor").count() == 2
    for r in Report.objects.all():
        assert r.receipt in body
    again = upload(handler, GOOD)
    assert again.status_code == 200 and Report.objects.count() == 2  # the same file stores nothing twice


def test_a_bad_file_names_file_row_and_column_and_stores_nothing(hworld: World) -> None:
    handler = client_for(hworld.people["panwascam"].user)
    response = upload(handler, BAD, name="kertas.csv")
    assert response.status_code == 400
    body = response.content.decode()
    assert "kertas.csv" in body and "Berkas ditolak" in body
    assert "<td>3</td><td>kategori</td>" in body and "<td>3</td><td>tingkat</td>" in body
    assert not Report.objects.exists()


def test_a_row_outside_the_handlers_region_rejects_the_file(hworld: World) -> None:
    handler = client_for(hworld.people["panwascam"].user)  # Donomulyo only
    text = GOOD + f"keamanan;Ribut di desa lain;2;;{OTHER_DESA};\n"
    response = upload(handler, text)
    assert response.status_code == 400 and OTHER_DESA in response.content.decode()
    assert not Report.objects.exists()


def test_only_handlers_may_import_and_the_template_has_the_columns(hworld: World) -> None:
    assert client_for(hworld.people["polres_leader"].user).get("/laporan/impor/").status_code == 403
    assert client_for(hworld.people["officer"].user).post("/laporan/impor/").status_code == 403
    template = client_for(hworld.people["panwascam"].user).get("/laporan/impor/templat.csv")
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    header = template.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("kategori,uraian,") and "kode_wilayah" in header
