"""Script and HTML typed into any text field come back escaped on every page that shows it."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, client_for, world  # noqa: F401
from praja.reports import attachments, intake, webhook
from praja.reports.models import Report, TimelineEntry
from praja.reports.tests.handle_world import hworld  # noqa: F401

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW = ("<script>alert", "<img src=x")
TEXT_FIELDS = ("title", "description", "place_text", "subject_text", "reporter_name", "reporter_contact")


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{where}: {raw!r} came back unescaped"
    assert "&lt;script&gt;" in body or "\\u003Cscript" in body or "&lt;img" in body, f"{where}: payload not shown"


def evil_report() -> intake.Receipt:
    raw: dict[str, Any] = {k: f"{k} {EVIL}" for k in TEXT_FIELDS}
    raw.update(category="hoaks", anonymous=False, tps=f"{HOME_DESA}/001")
    return intake.submit(intake.validate(raw), channel="web_publik")


def test_the_public_pages_escape_every_text_field(world: Any, settings: Any, tmp_path: Any) -> None:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    answer = evil_report()
    report = answer.report
    Report.objects.filter(pk=report.pk).update(status="ditolak", status_reason=f"alasan {EVIL}")
    TimelineEntry.objects.create(report=report, kind="pertanyaan", text=f"tanya {EVIL}", visible_to_sender=True)
    TimelineEntry.objects.create(report=report, kind="jawaban", text=f"jawab {EVIL}", visible_to_sender=True)
    attachments.store(report, attachments.Checked(f"{EVIL}.pdf", "application/pdf", b"%PDF-1.4\n"))
    from praja.infowatch.models import Clarification, ForwardedReport
    from praja.reports import forwarding

    forwarding.forward_hoax(report.pk)
    item = ForwardedReport.objects.get(receipt=report.receipt).item
    Clarification.objects.create(item=item, title=f"judul {EVIL}", body=f"isi {EVIL}", status="published",
                                 publisher_name=f"penerbit {EVIL}")
    client = Client()
    client.post("/lapor/ikuti/", {"receipt": answer.receipt, "pin": answer.pin})
    page = client.get(f"/lapor/ikuti/{answer.receipt}/").content.decode()
    assert_escaped(page, "follow page")
    for piece in ("title", "description", "alasan", "tanya", "jawab", "judul", "isi", "penerbit"):
        assert f"{piece} &lt;script&gt;" in page, piece
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;.pdf" in page

    # the form drawn again with what was typed (a bad field elsewhere)
    typed = {k: f"{k} {EVIL}" for k in TEXT_FIELDS}
    typed.update(category="", identity="nama", client_key="web:x", kabupaten=EVIL, kecamatan=EVIL, desa=EVIL)
    response = client.post("/lapor/", typed)
    assert response.status_code == 400
    assert_escaped(response.content.decode(), "public form")
    wrong_file = SimpleUploadedFile(f"{EVIL}.jpg", b"not an image")
    response = client.post("/lapor/", {**typed, "category": "keamanan", "lampiran": [wrong_file]})
    assert_escaped(response.content.decode(), "public form, refused attachment")
    assert_escaped(client.get(f"/lapor/ikuti/?{urlencode({'kode': EVIL})}").content.decode() + "&lt;img", "follow")
    assert_escaped(client.get("/lapor/wilayah/", {"kecamatan": EVIL, "desa": EVIL}).content.decode() + "&lt;img",
                   "where fragment")


def test_the_webhook_answers_escape_what_was_sent(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "TWILIO_AUTH_TOKEN": "t", "WEBHOOK_TOKEN": "g"}
    url = "http://testserver/lapor/webhook/sms/"
    params = {"From": "+6281200000000", "Body": f"LAPOR keamanan {EVIL}", "MessageSid": "SMx"}
    r = Client().post(url, urlencode(params), content_type="application/x-www-form-urlencoded",
                      HTTP_X_TWILIO_SIGNATURE=webhook.twilio_signature("t", url, params))
    assert "<script" not in r.content.decode() and "<img" not in r.content.decode()
    params = {"From": "+6281200000001", "Body": EVIL, "MessageSid": "SMy"}  # no category: the help answer
    r = Client().post(url, urlencode(params), content_type="application/x-www-form-urlencoded",
                      HTTP_X_TWILIO_SIGNATURE=webhook.twilio_signature("t", url, params))
    assert r.status_code == 200 and "<script" not in r.content.decode()


def test_the_officer_form_escapes_what_was_typed(world: Any, monkeypatch: Any) -> None:  # noqa: F811
    from praja.accounts import middleware
    from praja.base import access

    real = access.capabilities_for
    monkeypatch.setattr(middleware, "capabilities_for", lambda u: real(u) | {"reports.submit"})
    client = client_for(world.people["officer"].user, second_factor=False)
    typed = {k: f"{k} {EVIL}" for k in TEXT_FIELDS}
    response = client.post("/laporan/petugas/", {**typed, "category": EVIL, "tps": EVIL, "latitude": EVIL})
    assert response.status_code == 400
    assert_escaped(response.content.decode(), "officer form")
    body = json.dumps({"client_key": "k", "category": EVIL, "description": EVIL})
    answer = client.post("/laporan/petugas/kirim/", body, content_type="application/json")
    # JSON, never sniffed as HTML; the page's script shows it with textContent
    assert answer["Content-Type"] == "application/json" and answer["X-Content-Type-Options"] == "nosniff"
    assert EVIL in answer.json()["errors"]["category"]


def test_the_handler_pages_escape_every_text_field(world: Any) -> None:  # noqa: F811
    """HANDLE's pages (report detail, board), when they are there: the same report, every field escaped."""
    answer = evil_report()
    client = client_for(world.people["polres_ops"].user, second_factor=False)
    pages = []
    for name, args in (("reports:detail", [answer.receipt]), ("reports:index", []), ("reports:overdue", [])):
        try:
            pages.append(reverse(name, args=args))
        except NoReverseMatch:
            continue
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not re.search(r"<script>alert|<img src=x", body), url
    assert pages, "the handler pages are not there"
    detail = client.get(pages[0]).content.decode()
    assert "description &lt;script&gt;" in detail and "subject_text &lt;script&gt;" in detail


def test_the_identity_queue_escapes_the_handlers_stated_reasons_and_notes(hworld: Any) -> None:  # noqa: F811
    from praja.base import audit
    from praja.reports import identity
    from praja.reports.tests.handle_world import SYSTEM, act

    report = evil_report().report
    people = hworld.people
    with audit.acting_as(SYSTEM):
        identity.request_identity(report, act(people["gakkumdu"]), f"Saksi kunci {EVIL}")
        refused = identity.request_identity(report, act(people["propam"]), f"Perlu konfirmasi {EVIL}")
        identity.decide(refused, act(people["bawaslu_custodian"]), False, f"Belum perlu {EVIL}")
    response = client_for(people["bawaslu_custodian"].user).get("/laporan/identitas/")
    assert response.status_code == 200
    body = response.content.decode()
    assert_escaped(body, "/laporan/identitas/")
    assert "Saksi kunci &lt;script&gt;" in body and "Belum perlu &lt;script&gt;" in body
