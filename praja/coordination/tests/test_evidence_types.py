"""Issue 14 (hardening): the evidence of a closed commitment is a document or a photo; an HTML file (the probe
stored one, served from the media address) or any other type is refused with a message naming the file."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from praja.accounts.tests.fixtures import World
from praja.coordination.models import Commitment, Decision, Meeting
from praja.coordination.tests.test_views import small_jpeg
from praja.reports.tests.test_hardening_uploads import png_declaring


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def commitment(meeting: Meeting, world: World, number: int = 1) -> Commitment:
    decision, _new = Decision.objects.get_or_create(meeting=meeting, number=number,
                                                    defaults={"text": f"Putusan {number}"})
    return Commitment.objects.create(decision=decision, owner=world.agencies["polsek-donomulyo"],
                                     due_date=timezone.localdate() + datetime.timedelta(days=5))


def close(client: Client, c: Commitment, f: SimpleUploadedFile) -> tuple[int, str]:
    r = client.post(reverse("coordination:commitment_close", args=[c.pk]), {"evidence": "Sudah", "evidence_file": f})
    return r.status_code, r.content.decode()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_an_html_file_as_evidence_is_refused_with_a_message_naming_it(officer: Client, meeting: Meeting,
                                                                      world: World) -> None:
    c = commitment(meeting, world)
    page = b"<!doctype html><html><script>fetch('/api/v1/accounts/audit')</script></html>"
    for name in ("bukti.html", "bukti.pdf", "bukti.docx"):  # a name or a claimed type changes nothing
        status, text = close(officer, c, SimpleUploadedFile(name, page, content_type="application/pdf"))
        assert status == 400 and f"{name} bukan jenis berkas bukti yang diterima" in text
    c.refresh_from_db()
    assert c.status == "open" and not c.evidence_file


def test_a_document_or_a_photo_is_taken_as_evidence(officer: Client, meeting: Meeting, world: World) -> None:
    files = (("notulen.pdf", b"%PDF-1.4\n%%EOF\n"), ("peta.docx", docx()), ("foto.jpg", small_jpeg()))
    for number, (name, data) in enumerate(files, start=1):
        c = commitment(meeting, world, number)
        status, _text = close(officer, c, SimpleUploadedFile(name, data))
        c.refresh_from_db()
        assert status == 302 and c.status == "done" and c.evidence_file, name


def test_a_photo_declaring_too_many_pixels_is_refused_before_decoding(officer: Client, meeting: Meeting,
                                                                      world: World) -> None:
    c = commitment(meeting, world)
    status, text = close(officer, c, SimpleUploadedFile("bom.png", png_declaring(10_900, 10_900)))
    assert status == 400 and "bom.png terlalu besar ukurannya: 10.900 x 10.900 piksel" in text
