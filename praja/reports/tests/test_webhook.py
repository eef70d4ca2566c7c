"""Reports by SMS/WhatsApp: a generic gateway's JSON and Twilio's signed form post, answered with the receipt."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import HOME_DESA, world  # noqa: F401
from praja.reports import webhook
from praja.reports.models import Report

TOKEN = "gateway-secret"
TWILIO = "twilio-secret"


@pytest.fixture
def gateways(settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "WEBHOOK_TOKEN": TOKEN, "TWILIO_AUTH_TOKEN": TWILIO}


def gateway(body: dict[str, Any], route: str = "sms", token: str = TOKEN) -> Any:
    return Client().post(f"/lapor/webhook/{route}/", json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}")


def twilio(params: dict[str, str], route: str = "sms", token: str = TWILIO) -> Any:
    url = f"http://testserver/lapor/webhook/{route}/"
    return Client().post(url, urlencode(params), content_type="application/x-www-form-urlencoded",
                         HTTP_X_TWILIO_SIGNATURE=webhook.twilio_signature(token, url, params))


@pytest.mark.parametrize("text,category,tps,region", [
    ("LAPOR politikuang Tulungrejo TPS 2 bagi amplop", "politik_uang", f"{HOME_DESA}/002", HOME_DESA),
    ("lapor#amplop#tps 1 tulungrejo#ada serangan fajar", "politik_uang", f"{HOME_DESA}/001", HOME_DESA),
    ("Lapor hoax Sumberoto beredar pesan berantai", "hoaks", "", "35.07.01.2002"),
    (f"LAPOR rusuh {HOME_DESA}/2 lempar batu", "kekerasan", f"{HOME_DESA}/002", HOME_DESA),
    ("ada amplop dibagikan di masjid", "politik_uang", "", ""),
    ("LAPOR keamanan Kampung Entah spanduk dirobek", "keamanan", "", ""),
])
def test_the_text_format_is_read_leniently(world: Any, text: str, category: str, tps: str, region: str) -> None:  # noqa: F811
    parsed = webhook.parse(text)
    assert (parsed.category, parsed.tps, parsed.region) == (category, tps, region)
    assert parsed.description


def test_a_gateway_message_is_filed_once_and_answered_with_the_receipt(world: Any, gateways: None) -> None:  # noqa: F811
    body = {"from": "0812-5555-6666", "text": "LAPOR politikuang Tulungrejo TPS 2 bagi amplop", "id": "m-1"}
    first = gateway(body)
    assert first.status_code == 200
    report = Report.objects.get()
    assert report.receipt in first.json()["reply"] and "PIN" in first.json()["reply"]
    assert report.channel == "sms" and report.tps_id == f"{HOME_DESA}/002" and not report.anonymous
    again = gateway(body)
    assert report.receipt in again.json()["reply"] and "PIN" not in again.json()["reply"]
    assert Report.objects.count() == 1


def test_twilio_whatsapp_is_answered_in_twiml(world: Any, gateways: None) -> None:  # noqa: F811
    params = {"From": "whatsapp:+6281277778888", "Body": "LAPOR kekerasan Sumberoto <b>pemukulan</b> & ancaman",
              "MessageSid": "SM123", "To": "whatsapp:+14155238886"}
    response = twilio(params, route="sms")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    report = Report.objects.get()
    assert body.startswith('<?xml') and f"<Message>Laporan diterima. Kode: {report.receipt}" in body
    assert report.channel == "whatsapp" and report.category == "kekerasan" and "<b>pemukulan</b>" in report.description


def test_a_bad_signature_or_token_is_refused_and_an_unconfigured_webhook_refuses_all(world: Any, settings: Any) -> None:  # noqa: F811
    body = {"from": "081255556666", "text": "LAPOR keamanan ribut"}
    assert gateway(body).status_code == 503
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "WEBHOOK_TOKEN": TOKEN, "TWILIO_AUTH_TOKEN": TWILIO}
    assert gateway(body, token="wrong").status_code == 403
    params = {"From": "+6281255556666", "Body": "LAPOR keamanan ribut", "MessageSid": "SM9"}
    assert twilio(params, token="wrong").status_code == 403
    assert Report.objects.count() == 0


def test_a_message_without_a_category_gets_the_format(world: Any, gateways: None) -> None:  # noqa: F811
    reply = gateway({"from": "081255556666", "text": "halo"}).json()["reply"]
    assert reply.startswith("Format: LAPOR") and Report.objects.count() == 0


def test_messages_are_limited_per_phone_number(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "WEBHOOK_TOKEN": TOKEN, "PHONE_RATE": (2, 3600)}
    codes = [gateway({"from": "+62 812 5555 6666", "text": f"LAPOR keamanan ribut {i}", "id": f"x{i}"}).status_code
             for i in range(3)]
    assert codes == [200, 200, 429] and Report.objects.count() == 2
    assert gateway({"from": "081299990000", "text": "LAPOR keamanan ribut", "id": "y"}).status_code == 200


def test_an_sms_is_a_named_report_and_one_that_says_anonim_keeps_no_number(world: Any, gateways: None) -> None:  # noqa: F811
    from praja.reports import identity

    named = gateway({"from": "0812-5555-6666", "text": "LAPOR politikuang Tulungrejo TPS 2 bagi amplop", "id": "n1"})
    report = Report.objects.get()
    assert named.status_code == 200 and not report.anonymous and report.phone_hash and identity.has_identity(report)
    answer = gateway({"from": "0812-5555-7777", "text": "LAPOR ANONIM politikuang Tulungrejo TPS 2 bagi amplop",
                      "id": "a1"})
    anonymous = Report.objects.exclude(pk=report.pk).get()
    assert anonymous.receipt in answer.json()["reply"] and "PIN" in answer.json()["reply"]  # still answered
    assert anonymous.anonymous and anonymous.reporter_sealed == "" and anonymous.phone_hash == ""
    assert anonymous.category == "politik_uang" and anonymous.tps_id == f"{HOME_DESA}/002"
    assert not identity.has_identity(anonymous)


def test_an_sms_whose_place_is_not_recognised_is_filed_under_the_regency(world: Any, gateways: None) -> None:  # noqa: F811
    gateway({"from": "081255556666", "text": "LAPOR keamanan Kampung Entah spanduk dirobek", "id": "p1"})
    report = Report.objects.get()
    assert report.region_id == "35.07" and report.tps_id is None


def test_the_webhook_is_rate_limited_per_sending_address(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "WEBHOOK_TOKEN": TOKEN, "GATEWAY_RATE": (2, 60)}
    answers = [gateway({"from": f"08125555000{i}", "text": f"LAPOR keamanan ribut {i}", "id": f"g{i}"})
               for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429] and int(answers[2]["Retry-After"]) > 0
    wrong = gateway({"from": "081255550009", "text": "LAPOR keamanan ribut", "id": "g9"}, token="wrong")
    assert wrong.status_code == 429  # counted before the token is checked
    assert Report.objects.count() == 2
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "GATEWAY_RATE": (0, 60)}  # 0 lifts it
    assert gateway({"from": "081255550008", "text": "LAPOR keamanan ribut 8", "id": "g8"}).status_code == 200


def test_a_sender_who_sends_a_photo_is_told_that_media_is_not_kept(world: Any, gateways: None) -> None:  # noqa: F811
    params = {"From": "whatsapp:+6281277770000", "Body": "LAPOR amplop Tulungrejo TPS 2 bagi amplop",
              "MessageSid": "SMmedia1", "NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x.jpg",
              "MediaContentType0": "image/jpeg"}
    body = twilio(params, route="whatsapp").content.decode()
    report = Report.objects.get()
    assert report.receipt in body and "tidak disimpan" in body and "/lapor/ikuti/" in body
    assert report.attachments.count() == 0
    plain = twilio({"From": "+6281277770001", "Body": "LAPOR amplop Tulungrejo bagi amplop", "MessageSid": "SMm2",
                    "NumMedia": "0"}).content.decode()
    assert "tidak disimpan" not in plain
    generic = gateway({"from": "081277770002", "text": "LAPOR amplop Tulungrejo bagi amplop", "id": "g-m",
                       "media_urls": ["https://gw.example/a.jpg"]}).json()["reply"]
    assert "tidak disimpan" in generic
