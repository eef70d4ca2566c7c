"""The public report pages at /lapor/ (no login): the form, the receipt shown once, following a report.

Made for a cheap phone on a slow connection: one small HTML page per step, no framework script (the
where-pickers are server-side chained selects that work without JavaScript; a 2 KB script only saves a
round trip and fills the phone's location). A double tap on "Kirim" stores one report: the form carries a
client key, and the same browser is shown the same receipt and PIN again.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from praja.accounts.middleware import client_address
from praja.reports import attachments, device, intake, limits, places
from praja.reports.models import Category, Channel, Report, Severity, Status, SubjectKind, TimelineEntry
from praja.territory.models import Region

log = logging.getLogger(__name__)

SESSION_SHOWN = "reports_receipt_once"  # the receipt and PIN to show once on the receipt page
SESSION_PINS = "reports_pins"  # client key -> [receipt, pin]: the same browser re-sending the same form
SESSION_FOLLOW = "reports_follow"  # receipts this browser has opened with their PIN
KEEP_PINS = 5
TEXT_FIELDS = ("title", "description", "place_text", "subject_text", "reporter_name", "reporter_contact", "phone")


def _too_many(request: HttpRequest, message: str, limit: str = "PUBLIC_RATE") -> HttpResponse:
    response = render(request, "reports/public/limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(limits.retry_after(limit))
    return response


def _form_context(request: HttpRequest, data: Any, errors: dict[str, str], client_key: str) -> dict[str, Any]:
    return {
        "data": data,
        "errors": errors,
        "where": places.chain(data),
        "categories": Category.choices,
        "severities": Severity.choices,
        "subject_kinds": SubjectKind.choices,
        "client_key": client_key,
        "max_size": attachments.human_size(attachments.limits()[0]),
        "max_files": attachments.limits()[2],
    }


def _raw(data: Any, where: places.Where) -> dict[str, Any]:
    keys = ("category", "severity", "subject_kind", "latitude", "longitude")
    raw: dict[str, Any] = {k: data.get(k, "") for k in keys}
    for k in TEXT_FIELDS:
        raw[k] = data.get(k, "")
    raw["severity"] = raw["severity"] or 2
    raw["tps"] = where.tps
    raw["region"] = where.region
    day, time = data.get("occurred_date", "").strip(), data.get("occurred_time", "").strip()
    raw["occurred_at"] = f"{day}T{time or '12:00'}" if day else ""
    raw["anonymous"] = data.get("identity", "anonim") != "nama"
    return raw


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        ctx = _form_context(request, request.GET, {}, "web:" + secrets.token_urlsafe(12))
        return device.give(render(request, "reports/public/form.html", ctx),
                           device.token_of(request) or device.new_token())
    response = _report_form_post(request)
    if not device.token_of(request):  # the next report of this browser is counted as its own device
        device.give(response, device.new_token())
    return response


def _report_form_post(request: HttpRequest) -> HttpResponse:

    data = request.POST
    client_key = str(data.get("client_key", ""))[:60]
    if not client_key.startswith("web:"):
        client_key = "web:" + secrets.token_urlsafe(12)
    if "_pick" in data:  # the no-JavaScript "show the desa / TPS" button: only re-draw the form
        return render(request, "reports/public/form.html", _form_context(request, data, {}, client_key))
    if data.get("website"):  # a field people never see: only robots fill it
        return HttpResponse(status=400)

    # The same browser sending the same form again (a double tap, a lost answer): the same receipt and PIN.
    pins = request.session.get(SESSION_PINS, {})
    if client_key in pins:
        request.session[SESSION_SHOWN] = pins[client_key]
        return redirect("reports_public:receipt")

    # Per address: wide (a carrier's NAT carries thousands of phones); per device and per phone: the fine limits.
    address = client_address(request)
    if not limits.address_allowed("PUBLIC_RATE", address):
        return _too_many(request, _("Terlalu banyak laporan dari alamat ini. Coba lagi beberapa menit lagi."))
    if not limits.allowed("DEVICE_RATE", device.limit_key(request, address)):
        return _too_many(request, _("Terlalu banyak laporan dari perangkat ini. Coba lagi beberapa menit lagi."),
                         "DEVICE_RATE")

    where = places.chain(data)
    errors: dict[str, str] = {}
    try:
        valid = intake.validate(_raw(data, where))
    except intake.IntakeError as exc:
        errors = dict(exc.errors)
        valid = None
    files = request.FILES.getlist("lampiran")
    max_files = attachments.limits()[2]
    checked: list[attachments.Checked] = []
    if len(files) > max_files:
        errors["lampiran"] = _("paling banyak %(n)s lampiran") % {"n": max_files}
    else:
        problems = []
        for f in files:
            try:
                checked.append(attachments.check(f))
            except attachments.AttachmentError as exc:
                problems.append(str(exc))
        if problems:
            errors["lampiran"] = " ".join(problems)
    if errors or valid is None:
        if files and "lampiran" not in errors:
            errors["lampiran_again"] = _(
                "Pilih lagi lampiran Anda: berkas tidak dapat disimpan sebelum laporan dikirim."
            )
        ctx = _form_context(request, data, errors, client_key)
        return render(request, "reports/public/form.html", ctx, status=400)
    if valid.limit_phone and not limits.phone_allowed(valid.limit_phone):  # an anonymous sender's number too
        return _too_many(request, _("Terlalu banyak laporan dari nomor telepon ini. Coba lagi nanti."))

    answer = intake.submit(valid, channel=Channel.PUBLIC_WEB, client_key=client_key)
    for item in checked:
        try:
            attachments.store(answer.report, item, channel=Channel.PUBLIC_WEB)
        except Exception:  # noqa: BLE001 - the report is stored; a failed file must not lose its receipt
            log.exception("attachment of report %s not stored", answer.receipt)
    shown = [answer.receipt, answer.pin]
    pins = dict(list(pins.items())[-(KEEP_PINS - 1) :]) if pins else {}
    pins[client_key] = shown
    request.session[SESSION_PINS] = pins
    request.session[SESSION_SHOWN] = shown
    return redirect("reports_public:receipt")


@never_cache
def where_fragment(request: HttpRequest) -> HttpResponse:
    """The where-pickers alone, for the small script that refreshes them without reloading the page."""
    return render(request, "reports/public/_where.html", {"where": places.chain(request.GET)})


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    shown = request.session.pop(SESSION_SHOWN, None)
    if shown:
        followed = request.session.get(SESSION_FOLLOW, [])
        if shown[0] not in followed:
            request.session[SESSION_FOLLOW] = (followed + [shown[0]])[-KEEP_PINS:]
    return render(request, "reports/public/receipt.html", {"shown": shown})


@never_cache
@require_http_methods(["GET", "POST"])
def follow_start(request: HttpRequest) -> HttpResponse:
    error = ""
    code = intake.normalise_receipt(str(request.GET.get("kode", "")))[:14]
    if request.method == "POST":
        if not limits.address_allowed("FOLLOW_RATE", client_address(request)):
            return _too_many(request, _("Terlalu banyak percobaan. Coba lagi beberapa menit lagi."))
        code = intake.normalise_receipt(str(request.POST.get("receipt", "")))[:14]
        pin = str(request.POST.get("pin", "")).strip()[:12]
        # A receipt locks after PIN_LOCK_AFTER wrong PINs from any address (issue 14): the right PIN waits too.
        if limits.pin_locked_until(code):
            return _locked(request, code)
        report = Report.objects.filter(receipt=code).only("pk", "receipt", "pin_hash").first()
        if report is not None and intake.check_pin(report, pin):
            limits.pin_unlock(code)
            followed = [r for r in request.session.get(SESSION_FOLLOW, []) if r != code]
            request.session[SESSION_FOLLOW] = (followed + [code])[-KEEP_PINS:]
            return redirect("reports_public:follow", receipt=code)
        if limits.pin_failed(code):
            return _locked(request, code)
        error = _("Kode tanda terima atau PIN tidak cocok.")
    status = 400 if error else 200
    ctx = {"error": error, "code": code, "lock_after": limits.pin_lock_settings()[0]}
    return render(request, "reports/public/follow_start.html", ctx, status=status)


def help_text() -> str:
    """How a sender whose receipt is locked (or who lost the PIN) gets help: shown on the follow page."""
    from django.conf import settings

    sms = str(getattr(settings, "PRAJA_SITUATION", {}).get("PUBLIC_SMS_NUMBER", "") or "")
    text = _("Jika Anda pelapornya dan lupa PIN, datangi atau hubungi kantor Bawaslu kabupaten/kota terdekat (atau "
             "Sentra Gakkumdu) dan sebutkan kode tanda terima Anda: petugas dapat memeriksa laporan Anda tanpa PIN. "
             "Laporan Anda tetap diproses selama tanda terima terkunci.")
    if sms:
        text += " " + _("Anda juga dapat mengirim SMS/WhatsApp ke %(number)s.") % {"number": sms}
    return text


def _locked(request: HttpRequest, code: str) -> HttpResponse:
    import datetime

    from django.utils import timezone
    from django.utils.formats import date_format

    until = limits.pin_locked_until(code)
    when = timezone.localtime(datetime.datetime.fromtimestamp(until, tz=datetime.UTC))
    error = _("Tanda terima ini dikunci karena PIN salah dimasukkan %(n)s kali. Demi keamanan pelapor, laporan ini "
              "tidak dapat dibuka di sini sampai %(until)s.") % {
        "n": limits.pin_lock_settings()[0], "until": date_format(when, "d-m-Y H:i")}
    ctx = {"error": error, "code": code, "locked": True, "help": help_text()}
    response = render(request, "reports/public/follow_start.html", ctx, status=429)
    response["Retry-After"] = str(max(1, int(until - datetime.datetime.now(datetime.UTC).timestamp())))
    return response


def _followed(request: HttpRequest, receipt_code: str) -> Report | None:
    if receipt_code not in request.session.get(SESSION_FOLLOW, []):
        return None
    return Report.objects.filter(receipt=receipt_code).first()


def _clarifications(report: Report) -> list[Any]:
    if report.category != Category.HOAX:
        return []
    try:
        from praja.infowatch import services as infowatch
    except ImportError:
        return []
    finder = getattr(infowatch, "clarifications_for_receipt", None)
    if finder is None:
        return []
    try:
        return list(finder(report.receipt))
    except Exception:  # noqa: BLE001 - the sender's page opens even when the hoax desk's part fails
        log.exception("clarifications for %s", report.receipt)
        return []


def _place_label(report: Report) -> str:
    """Where, blurred to the desa (the sender's own page shows no TPS number or point to whoever holds it)."""
    code = report.region_code
    if not code:
        return report.place_text and _("(keterangan tempat tersimpan)")
    names = dict(Region.objects.filter(code__in=[code, code[:8]]).values_list("code", "name"))
    parts = [names.get(code, code)]
    if len(code) == 13 and code[:8] in names:
        parts.append(_("Kec. %(n)s") % {"n": names[code[:8]]})
    return ", ".join(parts)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, receipt: str) -> HttpResponse:
    report = _followed(request, receipt)
    if report is None:
        return redirect(reverse("reports_public:follow_start") + "?kode=" + receipt[:14])
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "lupakan":
            request.session[SESSION_FOLLOW] = [r for r in request.session.get(SESSION_FOLLOW, []) if r != receipt]
            return redirect("reports_public:follow_start")
        text = str(request.POST.get("text", "")).replace("\x00", "").strip()
        question = str(request.POST.get("question", ""))
        files = request.FILES.getlist("lampiran")
        if len(text) > intake.DESCRIPTION_MAX:
            error = _("Jawaban terlalu panjang (maks. %(n)s karakter).") % {"n": intake.DESCRIPTION_MAX}
        elif not text and not files:
            error = _("Tulis jawaban atau keterangan Anda.")
        elif report.attachments.count() + len(files) > attachments.limits()[2]:
            error = _("Paling banyak %(n)s lampiran per laporan.") % {"n": attachments.limits()[2]}
        checked: list[attachments.Checked] = []
        if not error:
            try:
                checked = [attachments.check(f) for f in files]
            except attachments.AttachmentError as exc:
                error = str(exc)
        if not error:
            data: dict[str, Any] = {}
            q = TimelineEntry.objects.filter(
                report=report, kind=TimelineEntry.Kind.QUESTION, visible_to_sender=True, pk=int(question)
            ).first() if question.isdigit() else None
            if q is not None:
                data["question"] = q.pk
            if text:
                TimelineEntry.objects.create(
                    report=report, kind=TimelineEntry.Kind.ANSWER, actor_label=_("pelapor"),
                    channel=Channel.PUBLIC_WEB, text=text, data=data, visible_to_sender=True,
                )
            for item in checked:
                attachments.store(report, item, channel=Channel.PUBLIC_WEB)
            return redirect("reports_public:follow", receipt=receipt)

    entries = list(report.timeline.filter(visible_to_sender=True).order_by("at", "pk"))
    labels = dict(Status.choices)
    for e in entries:
        e.status_label = labels.get(e.to_status, "")  # type: ignore[attr-defined]
    answered = {e.data.get("question") for e in entries if e.kind == TimelineEntry.Kind.ANSWER and e.data}
    questions = [e for e in entries if e.kind == TimelineEntry.Kind.QUESTION]
    ctx = {
        "report": report,
        "status_label": Status(report.status).label,
        "place": _place_label(report),
        "tps_known": bool(report.tps_id),
        "entries": entries,
        "open_questions": [q for q in questions if q.pk not in answered],
        "answered": answered,
        "clarifications": _clarifications(report),
        "attachments": list(report.attachments.filter(from_sender=True).only(
            "original_name", "size", "uploaded_at", "content_type")),
        "error": error,
    }
    return render(request, "reports/public/follow.html", ctx, status=400 if error else 200)

