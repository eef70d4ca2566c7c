"""Reports by SMS and WhatsApp: the gateways' webhooks at /lapor/webhook/sms/ and /lapor/webhook/whatsapp/.

Two payloads are understood on both routes:

- a generic gateway's JSON (``{"from": "+62812...", "text": "LAPOR ...", "id": "gateway message id"}``;
  ``message``/``body`` and ``sender``/``phone`` are read too), authenticated by
  ``Authorization: Bearer <PRAJA_REPORTS["WEBHOOK_TOKEN"]>``; answered with JSON ``{"reply": ...}``;
- Twilio's form-encoded SMS/WhatsApp webhook (``From``, ``Body``, ``MessageSid``; ``From`` is
  ``whatsapp:+62...`` on WhatsApp), authenticated by its ``X-Twilio-Signature`` under
  ``PRAJA_REPORTS["TWILIO_AUTH_TOKEN"]``; answered in TwiML (``<Response><Message>...``).

A route whose secret is not configured refuses every message (503): an open webhook would let anyone
file reports under any phone number. The gateway's message id is the report's client key, so a message
delivered twice is stored once. Messages are limited per phone number (``PHONE_RATE``) and per sending
address (``GATEWAY_RATE``: the gateway's own address, so the default is high; 0 lifts it).

A message is a named report: the sender's number is sealed as the reporter's contact (the form's "with my
name"). A message that starts ``LAPOR ANONIM ...`` is anonymous: its number only counts toward the
per-number limit and the receipt goes back in this request's answer; it is not stored, not even as a hash.

Media sent with a message (Twilio ``NumMedia`` > 0; ``media``/``media_urls``/``attachments``/``num_media`` in
the generic JSON) is not fetched or kept; the answer says so and points to the follow page, where the
sender can attach files with the receipt and PIN.

The text format is lenient: ``LAPOR <kategori> <desa or TPS> <uraian>``, with spaces, ``#``, ``*`` or
``;`` between the parts; the keyword may be missing, the kategori may be a word people use ("amplop",
"hoax", "rusuh"), the place may be a TPS code, "TPS 3 Tulungrejo", "Tulungrejo TPS 3" or a desa name. A
message that names no kategori is answered with the format.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from praja.accounts.middleware import client_address
from praja.reports import intake, limits, places, sealing
from praja.reports.models import Category, Channel

KEYWORDS = ("lapor", "laporan", "report", "lpr")
# A word right after the keyword that makes the message anonymous (the sender's number is not kept).
ANONYMOUS_WORDS = ("anonim", "anonymous", "anon", "tanpanama", "rahasia")
# Words people write for each category (lower case, letters only); the category's own value counts too.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    Category.RIGHT_TO_VOTE: ("hakpilih", "hak", "pemilih", "dpt", "suara", "coblos"),
    Category.SECURITY: ("keamanan", "aman", "ancaman", "intimidasi", "teror"),
    Category.MONEY_POLITICS: ("politikuang", "uang", "amplop", "money", "moneypolitik", "sembako", "serangan"),
    Category.SARA: ("sara", "agama", "suku", "ras"),
    Category.NEUTRALITY: ("netralitas", "netral", "asn", "pns", "kades", "polisi", "tni", "aparat"),
    Category.LOGISTICS: ("logistik", "surat", "suratsuara", "kotak", "bilik", "formulir"),
    Category.TPS_LOCATION: ("lokasitps", "lokasi", "tps"),
    Category.POWER_INTERNET: ("listrik", "internet", "sinyal", "padam", "listrikinternet"),
    Category.VIOLENCE: ("kekerasan", "kerusuhan", "rusuh", "bentrok", "pemukulan", "keributan", "ricuh"),
    Category.HOAX: ("hoaks", "hoax", "hoaxs", "disinformasi", "fitnah", "bohong"),
}
_WORD_TO_CATEGORY = {w: str(c) for c, words in CATEGORY_WORDS.items() for w in words}
_WORD_TO_CATEGORY.update({re.sub(r"[^a-z]", "", str(c)): str(c) for c in Category.values})
_SEPARATORS = re.compile(r"[#*;|\n]+")


def _conf(key: str) -> str:
    return str(getattr(settings, "PRAJA_REPORTS", {}).get(key) or "")


@dataclass
class Parsed:
    category: str = ""
    tps: str = ""
    region: str = ""
    place_text: str = ""
    description: str = ""
    anonymous: bool = False


def parse(text: str) -> Parsed:
    """Read ``LAPOR <kategori> <place> <uraian>`` leniently (see the module's doc)."""
    text = (text or "").replace("\x00", "").strip()
    if _SEPARATORS.search(text):
        parts = [p.strip() for p in _SEPARATORS.split(text) if p.strip()]
        words_by_part = True
    else:
        parts = text.split()
        words_by_part = False
    if parts and re.sub(r"[^a-z]", "", parts[0].lower()) in KEYWORDS:
        parts = parts[1:]
    elif parts and parts[0].split()[0].lower().strip(":,.") in KEYWORDS:  # "LAPOR politikuang" in one part
        parts = parts[0].split(None, 1)[1:] + parts[1:]
    out = Parsed()
    if parts:
        head = parts[0].split(None, 1)
        if head and re.sub(r"[^a-z]", "", head[0].lower()) in ANONYMOUS_WORDS:
            out.anonymous = True
            parts = head[1:] + parts[1:]
    if not parts:
        return out
    first = re.sub(r"[^a-z]", "", parts[0].lower())
    if first in _WORD_TO_CATEGORY:
        out.category = _WORD_TO_CATEGORY[first]
        parts = parts[1:]
    if words_by_part:
        # with separators the place is one part: try it whole, else it belongs to the description
        if len(parts) > 1:
            found = places.find_place(parts[0].split())
            if found.tps or found.region or (found.place_text and not found.rest):
                out.tps, out.region, out.place_text = found.tps, found.region, found.place_text or parts[0]
                parts = parts[1:]
        out.description = "\n".join(parts).strip()
    else:
        found = places.find_place(parts)
        out.tps, out.region, out.place_text = found.tps, found.region, found.place_text
        out.description = " ".join(found.rest).strip()
    if not out.category:
        # no kategori word first: the first known word anywhere in the text decides
        for word in re.findall(r"[a-z]+", out.description.lower()):
            if word in _WORD_TO_CATEGORY and word not in ("tps", "hak", "surat", "suara", "lokasi"):
                out.category = _WORD_TO_CATEGORY[word]
                break
    return out


def help_text() -> str:
    return _(
        "Format: LAPOR <jenis> <desa/TPS> <uraian>. Jenis: politikuang, keamanan, kekerasan, hoaks, netralitas, "
        "sara, logistik, hakpilih, lokasitps, listrik. Contoh: LAPOR politikuang Tulungrejo TPS 3 bagi amplop"
    ) + " " + _("Tanpa nama: LAPOR ANONIM <jenis> <desa/TPS> <uraian> (nomor Anda tidak disimpan).")


def media_note() -> str:
    return _("Foto/video yang dikirim lewat pesan tidak disimpan. Tambahkan lampiran lewat halaman ikuti "
             "laporan dengan kode dan PIN Anda: %(u)s") % {
        "u": _conf("PUBLIC_URL").rstrip("/") + reverse("reports_public:follow_start")}


def handle_message(*, phone: str, text: str, message_id: str, channel: str, prefix: str,
                   media: int = 0) -> tuple[int, str]:
    """File one message as a report; the HTTP status and the reply to send back to the sender. A message
    that came with media (photos, video: ``media`` > 0) is told that the media was not kept."""
    status, reply = _handle_message(phone=phone, text=text, message_id=message_id, channel=channel, prefix=prefix)
    if media > 0 and status != 429:
        reply = f"{reply} {media_note()}"
    return status, reply


def _media_count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    try:
        return max(0, int(str(value or "0").strip() or 0))
    except ValueError:
        return 1 if value else 0


def _handle_message(*, phone: str, text: str, message_id: str, channel: str, prefix: str) -> tuple[int, str]:
    number = sealing.normalise_phone(phone)
    if not limits.phone_allowed(number):
        return 429, _("Terlalu banyak pesan dari nomor ini. Coba lagi nanti.")
    parsed = parse(text)
    if not parsed.category or not parsed.description:
        return 200, help_text()
    raw = {
        "category": parsed.category, "description": parsed.description[: intake.DESCRIPTION_MAX],
        "tps": parsed.tps, "region": parsed.region, "place_text": parsed.place_text[:200],
        # named unless the text says ANONIM; an anonymous sender's number is dropped by intake.validate
        "anonymous": parsed.anonymous, "phone": number,
    }
    try:
        valid = intake.validate(raw)
    except intake.IntakeError as exc:
        return 200, _("Laporan belum diterima: %(e)s. ") % {"e": "; ".join(exc.errors.values())} + help_text()
    key = f"{prefix}:{message_id}"[:80] if message_id else None
    answer = intake.submit(valid, channel=channel, client_key=key, actor_label=_("pelapor (%(c)s)") % {"c": channel})
    follow = _conf("PUBLIC_URL").rstrip("/") + reverse("reports_public:follow_start")
    if not answer.created:
        return 200, _("Laporan ini sudah diterima sebelumnya. Kode: %(r)s. Ikuti di %(u)s") % {
            "r": answer.receipt, "u": follow}
    return 200, _("Laporan diterima. Kode: %(r)s PIN: %(p)s. Simpan; ikuti di %(u)s") % {
        "r": answer.receipt, "p": answer.pin, "u": follow}


# --- the payloads ---------------------------------------------------------------------------------


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each POST key and value, sorted."""
    payload = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def _twiml(message: str, status: int = 200) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
    return HttpResponse(body, content_type="application/xml; charset=utf-8", status=status)


def _twilio(request: HttpRequest, channel: str) -> HttpResponse:
    token = _conf("TWILIO_AUTH_TOKEN")
    if not token:
        return HttpResponse("twilio webhook not configured", status=503, content_type="text/plain")
    params = {k: request.POST.get(k, "") for k in request.POST}
    url = _conf("TWILIO_WEBHOOK_URL_BASE").rstrip("/") + request.path if _conf(
        "TWILIO_WEBHOOK_URL_BASE") else request.build_absolute_uri()
    given = request.headers.get("X-Twilio-Signature", "")
    if not hmac.compare_digest(given, twilio_signature(token, url, params)):
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    sender = params.get("From", "")
    if sender.lower().startswith("whatsapp:"):
        channel, sender = Channel.WHATSAPP, sender.split(":", 1)[1]
    status, reply = handle_message(
        phone=sender, text=params.get("Body", ""), message_id=params.get("MessageSid", ""), channel=channel,
        prefix="twilio", media=_media_count(params.get("NumMedia", "0")),
    )
    # Twilio only reads the TwiML of a 200; a limited sender is answered too
    return _twiml(reply, 200 if status == 429 else status)


def _generic(request: HttpRequest, channel: str) -> HttpResponse:
    token = _conf("WEBHOOK_TOKEN")
    if not token:
        return JsonResponse({"error": "gateway webhook not configured"}, status=503)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return JsonResponse({"error": "bad token"}, status=403)
    try:
        data: Any = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("JSON tidak dapat dibaca")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("JSON harus berupa objek")}, status=400)

    def first(*keys: str) -> str:
        for k in keys:
            v = data.get(k)
            if isinstance(v, (str, int)) and str(v).strip():
                return str(v).strip()
        return ""

    phone = first("from", "sender", "phone", "msisdn")
    text = first("text", "message", "body")
    if not phone or not text:
        return JsonResponse({"error": _("from dan text wajib diisi")}, status=400)
    if str(data.get("channel", "")).lower() == "whatsapp":
        channel = Channel.WHATSAPP
    status, reply = handle_message(
        phone=phone, text=text[:12000], message_id=first("id", "message_id")[:60], channel=channel, prefix="gw",
        media=max(_media_count(data.get(k)) for k in ("media", "media_urls", "attachments", "num_media")))
    return JsonResponse({"reply": reply, "to": phone}, status=status)


def _dispatch(request: HttpRequest, channel: str) -> HttpResponse:
    # Per sending address first (before the secret is checked: a flood with wrong tokens is refused too).
    if not limits.address_allowed("GATEWAY_RATE", client_address(request)):
        response = JsonResponse({"error": _("Terlalu banyak pesan dari alamat ini. Coba lagi nanti.")}, status=429)
        response["Retry-After"] = str(limits.retry_after("GATEWAY_RATE"))
        return response
    form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.content_type in form_types and "MessageSid" in request.POST:
        return _twilio(request, channel)
    return _generic(request, channel)


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    return _dispatch(request, Channel.SMS)


@csrf_exempt
@require_POST
def whatsapp(request: HttpRequest) -> HttpResponse:
    return _dispatch(request, Channel.WHATSAPP)
