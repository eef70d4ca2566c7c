"""The daily lapsit: a draft for a chosen day and region, issued as PDF + XLSX archived with their SHA-256 and
never changed; only people with deployment.view see it, only coordinators issue it."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from django.utils import timezone

from praja.situation.models import Lapsit
from praja.situation.tests.conftest import World


def test_the_draft_holds_every_section_and_the_map(busy: World, polres_ops: Client) -> None:
    r = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07&catatan=Tingkatkan+patroli")
    assert r.status_code == 200
    html = r.content.decode()
    for heading in ("Periode dan situasi umum", "Situasi per kecamatan", "Kejadian dan kasus",
                    "Hoaks dan klarifikasi", "Pengamanan dan kekurangan", "Kegiatan per bidang",
                    "Catatan dan arahan pimpinan"):
        assert heading in html
    assert "Bentrok massa di TPS 1" in html and "Tingkatkan patroli" in html
    assert "Kota: tidak boleh terlihat" not in html
    assert html.count("<path d=") >= 1  # Donomulyo's outline shaded on the SVG map
    assert "DRAF" in html


def test_issuing_archives_pdf_and_xlsx_with_their_hash(busy: World, polres_ops: Client) -> None:
    from openpyxl import load_workbook

    today = timezone.localdate().isoformat()
    r = polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07", "tanggal": today,
                                                       "catatan": "Situasi aman terkendali."})
    assert r.status_code == 302
    lap = Lapsit.objects.get()
    assert lap.number == 1 and lap.commander_notes == "Situasi aman terkendali."
    pdf = polres_ops.get(f"/situasi/lapsit/{lap.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == lap.pdf_sha256 == pdf["X-Content-SHA256"]
    xlsx = polres_ops.get(f"/situasi/lapsit/{lap.pk}/xlsx/")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[:3] == ["Kecamatan", "Kejadian", "Hoaks"]
    assert [c.value for c in wb["Kecamatan"]["B"]][2:] == ["Donomulyo", "Kalipare"]
    page = polres_ops.get(f"/situasi/lapsit/{lap.pk}/").content.decode()
    assert lap.pdf_sha256 in page and "cocok dengan sidik" in page
    # A second issue of the same day is number 2; the first is unchanged.
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07", "tanggal": today})
    assert sorted(Lapsit.objects.values_list("number", flat=True)) == [1, 2]


def test_an_issued_lapsit_refuses_update_and_delete(busy: World, polres_ops: Client) -> None:
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01"})
    lap = Lapsit.objects.get()
    lap.commander_notes = "diubah"
    with pytest.raises(PermissionError):
        lap.save()
    with pytest.raises(PermissionError):
        lap.delete()
    with pytest.raises(PermissionError):
        Lapsit.objects.filter(pk=lap.pk).update(commander_notes="x")
    with pytest.raises(PermissionError):
        Lapsit.objects.all().delete()
    assert Lapsit.objects.get().intact()


def test_only_coordinators_issue_and_only_deployment_viewers_see(busy: World, polsek: Client,
                                                                 polres_ops: Client) -> None:
    from praja.situation.tests.conftest import client_for, person

    assert polsek.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01"}).status_code == 403
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    lap = Lapsit.objects.get()
    # The Polsek (deployment.view on one kecamatan) does not see the regency's lapsit.
    assert polsek.get(f"/situasi/lapsit/{lap.pk}/pdf/").status_code == 404
    camat = client_for(person("camat", busy.agencies["polsek-donomulyo"], [("camat", "35.07.01")]))
    assert camat.get("/situasi/lapsit/?wilayah=35.07.01").status_code == 403
    assert polres_ops.get(f"/situasi/lapsit/{lap.pk}/exe/").status_code == 404


def test_the_commander_issues_too(busy: World) -> None:
    from praja.situation.tests.conftest import client_for, person

    kapolres = client_for(person("kapolres", busy.agencies["polres-malang"], [("polres_leader", "35.07")]))
    r = kapolres.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07", "catatan": "Arahan Kapolres."})
    assert r.status_code == 302
    assert Lapsit.objects.get().commander_notes == "Arahan Kapolres."
