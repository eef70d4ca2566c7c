"""Reports API: ``POST /api/v1/reports`` for anonymous public reports and for partners' reports.

One route, two kinds of sender:

- **anonymous / public**: no ``Authorization`` header; rate-limited per address (``PRAJA_REPORTS["PUBLIC_RATE"]``)
  and per phone number (``PHONE_RATE``); over the limit: 429 with ``Retry-After``.
- **partner**: ``Authorization: Bearer <token>`` with a token made by ``praja reports token --agency SLUG
  --name N`` (stored as a hash, shown once); the report is stored with the partner agency as its sender.
  A wrong or withdrawn token answers 401 (never a silent fall-back to anonymous).

Answers: 201 with the receipt and the PIN (the PIN is in this answer only); the same idempotency key again
(``client_key`` field or ``Idempotency-Key`` header) answers 200 with the first report's receipt and no PIN,
and stores nothing; 422 with ``errors`` {field: message} when a field is wrong (praja.reports.intake rules,
the same as every channel). What comes before the route's code is documented for every route
(praja/api_support.py): a field of the wrong type is ninja's 422 ``{"detail": [...]}``, a body that is not JSON
400, one over the cap 413.

``POST /api/v1/reports/status`` (receipt + PIN in the body, never in the address) answers the report's
state and the timeline entries its sender may see.

The route does no session or CSRF work and no audit-chain write for an anonymous sender: the report and its
first timeline entry are two INSERTs in one transaction (praja/reports/intake.py). A partner's write is
recorded in the audit log under the partner's name.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from praja.accounts.middleware import client_address
from praja.base import audit
from praja.reports import intake, limits, sealing
from praja.reports.models import Category, Channel, PartnerToken, Report, SubjectKind

router = Router(tags=["reports"])

TOKEN_PREFIX = "praja_pt_"
# An idempotency key: what a client library makes (a UUID, a ULID, a gateway's message id).
KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,64}$")


def token_hash(token: str) -> str:
    """Partner tokens are 256-bit random strings: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.strip().encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(agency: Any, name: str) -> tuple[PartnerToken, str]:
    """A new active token for ``agency``; answers the row and the token (shown once, stored as a hash)."""
    token = new_token()
    row = PartnerToken.objects.create(agency=agency, name=name[:120], token_hash=token_hash(token))
    return row, token


# --- authentication: a partner token, or nobody -------------------------------------------------------


class Anonymous:
    """The sender of a public report (no Authorization header)."""

    partner: PartnerToken | None = None


ANONYMOUS = Anonymous()


class PartnerBearer(HttpBearer):
    """``Authorization: Bearer <partner token>``, or no header at all for a public report.

    A header that is present but wrong (another scheme, an unknown or withdrawn token) answers 401.
    """

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header)
        if not value:
            return ANONYMOUS
        scheme, _sp, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = token_hash(token)
        row = _remembered_token(digest)
        if row is None:
            row = (
                PartnerToken.objects.select_related("agency")
                .filter(token_hash=digest, active=True)
                .first()
            )
            if row is None:
                return None
            _remember_token(digest, row)
        request.partner_token = row  # type: ignore[attr-defined]
        return row


# A partner's token and agency, remembered per process for TOKEN_TTL_S seconds, so a partner's report costs no
# SELECT before its write. Withdrawing a token still takes effect at once: the write itself checks that the
# token is active (intake.Guard, in the same INSERT), and a withdrawn token is answered 401 and forgotten.
TOKEN_TTL_S = 60.0
_tokens: dict[str, tuple[float, PartnerToken]] = {}


def _remembered_token(digest: str) -> PartnerToken | None:
    import time

    known = _tokens.get(digest)
    if known is None or known[0] < time.monotonic():
        return None
    return known[1]


def _remember_token(digest: str, row: PartnerToken) -> None:
    import time

    if len(_tokens) > 10_000:
        _tokens.clear()
    _tokens[digest] = (time.monotonic() + TOKEN_TTL_S, row)


def forget_tokens() -> None:
    _tokens.clear()


def token_guard(row: PartnerToken) -> intake.Guard:
    """The condition the report's INSERT checks: this token is still active."""
    table = PartnerToken._meta.db_table
    return intake.Guard(f'EXISTS (SELECT 1 FROM "{table}" WHERE "id" = %s AND "active")', (row.pk,))


partner_bearer = PartnerBearer()

# --- schemas -------------------------------------------------------------------------------------------


# The rules intake.validate checks (422 with {field: message}, the same for every channel) are documented through
# json_schema_extra, for the schema only: pydantic must not check them itself, or the answer would be ninja's list
# instead of the channel's messages. Rules that need the database (a TPS, region or agency that exists) or two fields
# (latitude with longitude, a name unless anonymous) JSON Schema cannot say (test_api_schemathesis.py, EXCLUDED).
_CLIENT_KEY = r"^\s*([A-Za-z0-9._:\-]{8,64}\s*)?$"  # KEY_RE after strip(); empty: the Idempotency-Key header's


class ReportIn(Schema):
    """One report. Only ``category`` and ``description`` are required; everything else helps handling."""

    category: str = Field(..., description="kategori: " + ", ".join(Category.values), examples=["politik_uang"],
                          json_schema_extra={"enum": list(Category.values)})
    description: str = Field(..., description="uraian kejadian (maks. 10.000 karakter)",
                             json_schema_extra={"minLength": 1, "maxLength": intake.DESCRIPTION_MAX})
    title: str | None = Field(None, description="judul (maks. 200); kosong: baris pertama uraian",
                              json_schema_extra={"maxLength": intake.TITLE_MAX})
    severity: int | str | None = Field(
        None, description="1-4 atau rendah/sedang/tinggi/kritis; kosong: sedang", examples=[3]
    )
    occurred_at: str | None = Field(None, description="waktu kejadian, ISO 8601 (2024-11-27T09:30+07:00)")
    tps: str | None = Field(None, description="kode TPS, mis. 35.07.01.2001/003")
    region: str | None = Field(
        None,
        description="kode desa atau kecamatan, mis. 35.07.01.2001 (kosong: kabupaten mitra atau yang dilayani)",
    )
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    place_text: str | None = Field(None, description="keterangan tempat (maks. 200)",
                                   json_schema_extra={"maxLength": 200})
    subject_kind: str | None = Field(
        None, description="terlapor: " + ", ".join(v for v in SubjectKind.values if v) + " (kosong: umum)",
        json_schema_extra={"enum": [*SubjectKind.values, None]},
    )
    subject_unit: int | None = Field(None, description="id instansi/satuan terlapor")
    subject_text: str | None = Field(None, description="keterangan terlapor (maks. 200)",
                                     json_schema_extra={"maxLength": 200})
    anonymous: bool = Field(True, description="true: identitas pelapor tidak disimpan")
    reporter_name: str | None = Field(None, description="nama pelapor (disegel, hanya bila anonymous=false)")
    reporter_contact: str | None = Field(None, description="kontak pelapor (disegel)")
    phone: str | None = Field(
        None, description="nomor telepon pelapor (disegel; batas kiriman per nomor; tidak disimpan bila anonymous=true)"
    )
    client_key: str | None = Field(
        None, description="kunci idempotensi (8-64 karakter A-Z a-z 0-9 . _ : -), sama dengan header Idempotency-Key",
        json_schema_extra={"pattern": _CLIENT_KEY},
    )


class ReceiptOut(Schema):
    receipt: str = Field(..., description="kode tanda terima, untuk mengikuti laporan")
    pin: str | None = Field(None, description="PIN (hanya pada jawaban pertama; tidak disimpan terbuka)")
    created: bool = Field(..., description="false: kunci idempotensi yang sama sudah diterima sebelumnya")
    status: str
    received_at: datetime
    follow_url: str


class ErrorOut(Schema):
    detail: Any = Field(..., description="pesan kesalahan")
    errors: dict[str, str] | None = Field(None, description="kesalahan per kolom")


class FollowIn(Schema):
    receipt: str = Field(..., max_length=40)
    pin: str = Field(..., max_length=20)


class TimelineOut(Schema):
    at: datetime
    kind: str
    text: str
    to_status: str


class FollowOut(Schema):
    receipt: str
    status: str
    status_label: str
    category: str
    received_at: datetime
    timeline: list[TimelineOut]


# --- helpers -------------------------------------------------------------------------------------------


def _limited(name: str, key: str) -> int:
    """0 when ``key`` may go on under limit ``name``; else the seconds to wait (Retry-After).

    Counted in the same buckets as the public form and the webhook (limits.allowed): one address or one
    phone number has one limit over every channel, not one per channel."""
    if limits.allowed(name, key):
        return 0
    return limits.retry_after(name)


def _too_many(wait: int) -> HttpResponse:
    from ninja.responses import Response

    response = Response({"detail": _("terlalu banyak kiriman; coba lagi nanti"), "errors": None}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _pin_locked(receipt: str) -> HttpResponse:
    import time

    from ninja.responses import Response

    from praja.reports.views_public import help_text

    response = Response({"detail": _("tanda terima dikunci karena terlalu banyak PIN salah"),
                         "errors": {"bantuan": help_text()}}, status=429)
    response["Retry-After"] = str(max(1, int(limits.pin_locked_until(receipt) - time.time())))
    return response


def _follow_url(receipt: str) -> str:
    base = str(getattr(settings, "PRAJA_SITE_URL", "") or "").rstrip("/")
    return f"{base}/lapor/ikuti/{receipt}/"


# --- routes --------------------------------------------------------------------------------------------

# Each 429 says when to come back (status codes as ints, as ninja keys them, so the two merge).
_RETRY_AFTER = {429: {"headers": {"Retry-After": {
    "required": True, "schema": {"type": "integer", "minimum": 0}, "description": "detik sampai boleh mencoba lagi",
}}}}

_SECURITY_DOC = {
    "security": [{}],  # merged after the bearer scheme: the token is optional
    "responses": _RETRY_AFTER,
    "description": (
        "Kirim satu laporan. Tanpa header Authorization: laporan publik (anonim boleh), dibatasi per alamat "
        "dan per nomor telepon (429 bila lewat batas). Dengan `Authorization: Bearer <token mitra>`: laporan "
        "mitra (token dari `praja reports token`). Jawaban 201 berisi kode tanda terima dan PIN (sekali saja). "
        "Kunci idempotensi (kolom client_key atau header Idempotency-Key) yang sama menjawab 200 dengan kode "
        "yang sama tanpa PIN dan tidak menyimpan laporan baru."
    ),
    "parameters": [
        {
            "name": "Idempotency-Key", "in": "header", "required": False,
            "schema": {"type": "string", "pattern": KEY_RE.pattern},
            "description": "kunci idempotensi (sama dengan kolom client_key)",
        }
    ],
}


@router.post(
    "",
    auth=partner_bearer,
    response={200: ReceiptOut, 201: ReceiptOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Kirim laporan / submit a report",
    openapi_extra=_SECURITY_DOC,
    url_name="reports_submit",
)
def submit_report(request: HttpRequest, payload: ReportIn) -> Any:
    partner: PartnerToken | None = request.auth if isinstance(request.auth, PartnerToken) else None  # type: ignore[attr-defined]
    raw = payload.dict()
    header_key = request.headers.get("Idempotency-Key", "").strip()
    key = (raw.pop("client_key", None) or "").strip() or header_key
    if key and not KEY_RE.match(key):
        return Status(422, {"detail": _("kunci idempotensi tidak sah"),
                     "errors": {"client_key": _("8-64 karakter: huruf, angka, . _ : -")}})
    if partner is None:
        address = client_address(request)
        wait = _limited("PUBLIC_RATE", address)
        if not wait and raw.get("phone"):
            number = sealing.normalise_phone(str(raw["phone"]))
            if number:
                wait = _limited("PHONE_RATE", sealing.keyed_hash(number, "phone"))
        if wait:
            return _too_many(wait)
    raw = {k: v for k, v in raw.items() if v is not None}
    try:
        # No place named: a partner's report belongs to the partner's regency (else the served regency).
        data = intake.validate(raw, regency=partner.agency.region_id or "" if partner is not None else None)
    except intake.IntakeError as err:
        return Status(422, {"detail": _("laporan belum lengkap atau tidak sah"), "errors": err.errors})
    # Keys live in the API's own namespace, and a partner's in its own: one sender cannot claim another's key.
    scoped = None
    if key:
        scoped = f"api:p{partner.agency_id}:{key}" if partner is not None else f"api:{key}"
    actor = None
    if partner is not None:
        label = f"mitra:{partner.agency.slug}/{partner.name}"
        actor = audit.Actor(None, label[:150], client_address(request), "api")
    try:
        with audit.acting_as(actor) if actor is not None else contextlib.nullcontext():
            answer = intake.submit(
                data, channel=Channel.API, client_key=scoped,
                partner_id=partner.agency_id if partner is not None else None,
                actor_label=f"{partner.agency.name} ({partner.name})" if partner is not None else "",
                guard=token_guard(partner) if partner is not None else None,
            )
    except intake.Refused:  # the token was withdrawn since this process read it
        forget_tokens()
        return Status(401, {"detail": "Unauthorized", "errors": None})
    report = answer.report
    body = {
        "receipt": answer.receipt, "pin": answer.pin or None, "created": answer.created,
        "status": report.status, "received_at": report.received_at, "follow_url": _follow_url(answer.receipt),
    }
    if not answer.created and report.received_at is None:  # loaded with .only(): fetch what the answer shows
        stored = Report.objects.only("status", "received_at").get(pk=report.pk)
        body["status"], body["received_at"] = stored.status, stored.received_at
    return Status(201 if answer.created else 200, body)


@router.post(
    "/status",
    auth=None,
    response={200: FollowOut, 404: ErrorOut, 429: ErrorOut},
    summary="Ikuti laporan dengan kode dan PIN / follow a report by receipt and PIN",
    url_name="reports_follow",
    openapi_extra={"responses": _RETRY_AFTER},
)
def follow_report(request: HttpRequest, payload: FollowIn) -> Any:
    wait = _limited("FOLLOW_RATE", client_address(request))
    if wait:
        return _too_many(wait)
    receipt = intake.normalise_receipt(payload.receipt)
    if limits.pin_locked_until(receipt):  # locked after PIN_LOCK_AFTER wrong PINs from any address (issue 14)
        return _pin_locked(receipt)
    report = Report.objects.filter(receipt=receipt).first()
    # a wrong receipt and a wrong PIN answer the same, so receipts cannot be probed
    if report is None or not intake.check_pin(report, payload.pin):
        if limits.pin_failed(receipt):
            return _pin_locked(receipt)
        return Status(404, {"detail": _("kode tanda terima atau PIN tidak cocok"), "errors": None})
    limits.pin_unlock(receipt)
    entries = report.timeline.filter(visible_to_sender=True).order_by("at", "pk")
    return Status(200, {
        "receipt": report.receipt, "status": report.status, "status_label": str(report.get_status_display()),
        "category": report.category, "received_at": report.received_at,
        "timeline": [
            {"at": e.at, "kind": e.kind, "text": e.text, "to_status": e.to_status} for e in entries
        ],
    })


# --- the fast path of anonymous API reports -----------------------------------------------------------


class IntakeFastPath:
    """Middleware (in settings.MIDDLEWARE right after SecurityMiddleware): ``POST /api/v1/reports`` without a
    Cookie header goes straight to its view, past the middleware it has no use for: static files, sessions,
    the language cookie, CSRF (the API is CSRF-exempt: a bearer token or nobody), authentication, the second
    factor, the audit context (nobody signed in), messages, htmx, axes. Without a cookie none of them would do
    anything for this request but cost time; voting day sends hundreds of these a second.

    Every other request, and this route with a cookie (a signed-in browser), takes the whole chain unchanged.
    The answer still carries what the skipped middleware would add to it (Content-Length, Content-Language,
    X-Frame-Options).
    """

    PATH = "/api/v1/reports"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._match: Any = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path_info != self.PATH or request.META.get("HTTP_COOKIE"):
            return self.get_response(request)
        from django.contrib.auth.models import AnonymousUser
        from django.urls import resolve
        from django.utils import translation

        match = self._match
        if match is None:
            match = self._match = resolve(self.PATH)
        language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.user = AnonymousUser()
        request.resolver_match = match
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        if not response.streaming and "Content-Length" not in response:  # as CommonMiddleware does
            response.headers["Content-Length"] = str(len(response.content))
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))
        return response
