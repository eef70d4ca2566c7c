"""Attachments: type read from the bytes, size limited, hashed, and the public copy of a photo without GPS."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, world  # noqa: F401
from praja.reports.models import Attachment, Report


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (8.0, 17.0, 30.0), "E", (112.0, 25.0, 10.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post(client: Client, *files: SimpleUploadedFile) -> Any:
    page = client.get("/lapor/").content.decode()
    key = re.search(r'name="client_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client.post("/lapor/", {"client_key": key, "category": "politik_uang", "description": "amplop",
                                   "kabupaten": "35.07", "kecamatan": HOME_KEC, "desa": HOME_DESA,
                                   "identity": "anonim", "lampiran": list(files)})


def test_a_photo_is_kept_whole_for_the_case_and_shown_without_its_location(world: Any, media: Any) -> None:  # noqa: F811
    data = photo_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    response = post(Client(), SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg"))
    assert response.status_code == 302
    att = Attachment.objects.get()
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
    assert att.content_type == "image/jpeg" and att.original_name == "IMG_0001.jpg"
    att.file.open("rb")
    assert att.file.read() == data
    att.public_file.open("rb")
    public = Image.open(io.BytesIO(att.public_file.read()))
    assert public.size == (64, 48)
    assert not public.getexif().get_ifd(0x8825) and 0x010F not in public.getexif()
    assert att.report.timeline.filter(kind="lampiran", data__sha256=att.sha256).exists()


def test_a_wrongly_typed_file_is_refused_with_a_clear_message(world: Any, media: Any) -> None:  # noqa: F811
    fake = SimpleUploadedFile("foto.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = post(Client(), fake)
    page = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "foto.jpg bukan jenis berkas yang diterima" in page and "JPG" in page and "PDF" in page
    assert "<script>alert(1)" not in page


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(world: Any, media: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "ATTACHMENT_MAX_BYTES": 2048}
    big = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n" + b"0" * 5000, content_type="application/pdf")
    page = post(Client(), big).content.decode()
    assert "laporan.pdf terlalu besar" in page and "batas 2 KB" in page and Report.objects.count() == 0


def test_a_pdf_is_stored_without_a_public_copy(world: Any, media: Any) -> None:  # noqa: F811
    post(Client(), SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    att = Attachment.objects.get()
    assert att.content_type == "application/pdf" and not att.public_file


def test_opening_an_original_attachment_is_written_into_the_timeline(world: Any, media: Any) -> None:  # noqa: F811
    from praja.accounts.tests.fixtures import client_for

    data = photo_with_gps()
    post(Client(), SimpleUploadedFile("IMG_0002.jpg", data, content_type="image/jpeg"))
    att = Attachment.objects.get()
    report = att.report
    url = f"/laporan/r/{report.receipt}/lampiran/{att.pk}/"
    handler = client_for(world.people["polres_ops"].user, second_factor=False)
    public = handler.get(url)
    assert public.status_code == 200 and public.getvalue() != data  # the stripped copy
    assert not report.timeline.filter(kind="lihat_terlindung").exists()  # not protected: not logged
    original = handler.get(url + "?asli=1")
    assert original.status_code == 200 and original.getvalue() == data
    entry = report.timeline.get(kind="lihat_terlindung")
    assert entry.actor == world.people["polres_ops"].user and entry.data == {"field": f"attachment:{att.pk}"}
    assert not entry.visible_to_sender
    officer = client_for(world.people["officer"].user, second_factor=False)  # sees the report, does not handle it
    assert officer.get(url + "?asli=1").status_code == 403
    assert report.timeline.filter(kind="lihat_terlindung").count() == 1
