"""Attachments added after the report was filed: by a handler from the report's page, by the officer who
filed it (from the report's page, or with the officers' form), each checked like the public form's, kept
with its SHA-256 and a copy without EXIF, and recorded in the timeline. The public sender does not see them."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World, client_for
from praja.reports import intake
from praja.reports.models import Attachment, Report
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import file_report
from praja.reports.tests.test_attachments import photo_with_gps


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(name: str = "IMG_0101.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_with_gps(), content_type="image/jpeg")


def officer_sends(client: Client, key: str = "hp-1", **fields: Any) -> str:
    body = {"client_key": key, "category": "keamanan", "description": "Spanduk dirobek di depan TPS",
            "region": HOME_DESA, **fields}
    r = client.post("/laporan/petugas/kirim/", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    return str(r.json()["receipt"])


def test_a_handler_adds_a_photo_from_the_report_page_and_the_timeline_records_it(hworld: World, media: Any) -> None:
    report = file_report()
    handler = client_for(hworld.people["polres_ops"].user)
    page = handler.get(f"/laporan/r/{report.receipt}/").content.decode()
    assert f"/laporan/r/{report.receipt}/lampiran/tambah/" in page
    response = handler.post(f"/laporan/r/{report.receipt}/lampiran/tambah/", {"files": [jpeg()]})
    assert response.status_code == 302
    att = Attachment.objects.get(report=report)
    data = photo_with_gps()
    assert att.sha256 == hashlib.sha256(data).hexdigest() and not att.from_sender
    att.public_file.open("rb")
    public = Image.open(io.BytesIO(att.public_file.read()))
    assert not public.getexif().get_ifd(0x8825)  # no GPS in the copy shown
    entry = report.timeline.get(kind="lampiran")
    assert entry.actor == hworld.people["polres_ops"].user and entry.text == "IMG_0101.jpg"
    assert entry.data["sha256"] == att.sha256 and not entry.visible_to_sender
    assert "IMG_0101.jpg" in handler.get(f"/laporan/r/{report.receipt}/").content.decode()


def test_the_public_sender_does_not_see_what_a_handler_attached(hworld: World, media: Any) -> None:
    answer = intake.submit(intake.validate({"category": "keamanan", "description": "ribut", "region": HOME_DESA}),
                           channel="web_publik")
    handler = client_for(hworld.people["polres_ops"].user)
    handler.post(f"/laporan/r/{answer.receipt}/lampiran/tambah/", {"files": [jpeg("bukti-penyidik.jpg")]})
    sender = Client()
    sender.post("/lapor/ikuti/", {"receipt": answer.receipt, "pin": answer.pin})
    body = sender.get(f"/lapor/ikuti/{answer.receipt}/").content.decode()
    assert "bukti-penyidik.jpg" not in body


def test_a_renamed_script_or_one_file_too_many_is_refused_and_nothing_is_kept(
        hworld: World, media: Any, settings: Any) -> None:
    report = file_report()
    handler = client_for(hworld.people["polres_ops"].user)
    url = f"/laporan/r/{report.receipt}/lampiran/tambah/"
    bad = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    answer = handler.post(url, {"files": [bad]}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and "foto.jpg" in answer.json()["error"]
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "ATTACHMENTS_PER_REPORT": 1}
    too_many = handler.post(url, {"files": [jpeg("a.jpg"), jpeg("b.jpg")]}, HTTP_ACCEPT="application/json")
    assert too_many.status_code == 400 and "1" in too_many.json()["error"]
    assert not Attachment.objects.exists() and not report.timeline.filter(kind="lampiran").exists()


def test_the_officer_who_filed_a_report_adds_a_photo_even_without_board_access(hworld: World, media: Any) -> None:
    koramil = client_for(hworld.people["koramil"].user)  # koramil_staff: may submit, may not view the board
    receipt = officer_sends(koramil)
    assert koramil.get("/laporan/").status_code == 403
    sent = koramil.post(f"/laporan/r/{receipt}/lampiran/tambah/", {"files": [jpeg()]}, HTTP_ACCEPT="application/json")
    assert sent.status_code == 201 and sent.json() == {"receipt": receipt, "stored": ["IMG_0101.jpg"]}
    report = Report.objects.get(receipt=receipt)
    assert report.attachments.get().original_name == "IMG_0101.jpg"
    assert report.timeline.get(kind="lampiran").actor == hworld.people["koramil"].user
    own = koramil.get(f"/laporan/r/{receipt}/")
    assert own.status_code == 200
    body = own.content.decode()
    assert "IMG_0101.jpg" in body and "aksi/verify" not in body and "lampiran/tambah" in body


def test_an_officer_cannot_attach_to_a_report_someone_else_filed(hworld: World, media: Any) -> None:
    receipt = officer_sends(client_for(hworld.people["koramil"].user))
    other_officer = client_for(hworld.people["other_officer"].user)
    assert other_officer.post(f"/laporan/r/{receipt}/lampiran/tambah/", {"files": [jpeg()]}).status_code == 404
    leader = client_for(hworld.people["polres_leader"].user)  # sees reports, neither handles nor submits
    assert leader.post(f"/laporan/r/{receipt}/lampiran/tambah/", {"files": [jpeg()]}).status_code == 403
    outside = file_report(region=OTHER_DESA)
    panwascam = client_for(hworld.people["panwascam"].user)  # handles in Donomulyo only
    assert panwascam.post(f"/laporan/r/{outside.receipt}/lampiran/tambah/", {"files": [jpeg()]}).status_code == 404
    assert not Attachment.objects.exists()


def test_the_officers_form_without_javascript_sends_a_photo_with_the_report(hworld: World, media: Any) -> None:
    officer = client_for(hworld.people["officer"].user)
    response = officer.post("/laporan/petugas/", {
        "client_key": "nojs-1", "category": "keamanan", "description": "Spanduk dirobek", "region": HOME_DESA,
        "severity": "2", "photo": [jpeg("spanduk.jpg")]})
    assert response.status_code == 302
    att = Report.objects.get().attachments.get()
    assert att.original_name == "spanduk.jpg" and att.public_file


def test_the_officers_form_offers_a_photo_and_says_it_is_not_kept_without_signal(hworld: World) -> None:
    page = client_for(hworld.people["officer"].user).get("/laporan/petugas/").content.decode()
    assert 'type="file"' in page and 'name="photo"' in page and 'enctype="multipart/form-data"' in page
    assert "tanpa sinyal foto tidak disimpan di HP" in page
    assert 'data-attach="/laporan/r/KODE/lampiran/tambah/"' in page


def test_the_officers_form_points_a_whistleblower_to_the_anonymous_public_form(hworld: World) -> None:
    page = client_for(hworld.people["officer"].user).get("/laporan/petugas/").content.decode()
    assert "whistleblower" in page and 'href="/lapor/"' in page and "anonim" in page
