"""The officers' report form at /laporan/petugas/ (login): a TPS picker, the phone's location, and it keeps
working without signal.

A report made offline is kept in the phone's browser (localStorage) and sent once the signal returns
(praja/static/praja/reports-officer.js); each carries a client key made on the phone, so a report whose
answer was lost on the way is stored once however often it is sent again. A small service worker
(``sw.js``, served under /laporan/petugas/ so its scope is the form) keeps the page, its script and the
officer's TPS list, so the form opens with no signal at all. Without JavaScript the form still posts.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praja.reports import attachments, intake, known, places
from praja.reports.models import Category, Channel, Severity, SubjectKind
from praja.territory.models import TPS, Region

CAPABILITY = "reports.submit"
RAW_FIELDS = (
    "category", "severity", "title", "description", "occurred_at", "tps", "region", "latitude", "longitude",
    "place_text", "subject_kind", "subject_text",
)


def _may_submit(request: HttpRequest) -> None:
    if CAPABILITY not in request.capabilities:  # type: ignore[attr-defined]
        raise PermissionDenied


def _actor_label(request: HttpRequest) -> str:
    person = getattr(request.user, "person", None)
    if person is not None:  # the agency's name from memory (praja/reports/known.py): no SELECT per report
        return f"{person.full_name} ({known.agency_name(person.agency_id)})"[:160]
    return request.user.get_username()


def _submit(request: HttpRequest, raw: dict[str, Any], client_key: str) -> intake.Receipt:
    valid = intake.validate(raw)
    key = f"petugas:{request.user.pk}:{client_key}"[:80] if client_key else None
    return intake.submit(valid, channel=Channel.OFFICER_WEB, client_key=key, user=request.user,
                         actor_label=_actor_label(request))


@login_required
@require_http_methods(["GET", "POST"])
def officer_form(request: HttpRequest) -> HttpResponse:
    _may_submit(request)
    errors: dict[str, str] = {}
    if request.method == "POST":  # the form without JavaScript
        raw = {k: str(request.POST.get(k, "")) for k in RAW_FIELDS}
        raw["severity"] = raw["severity"] or "2"
        photos = request.FILES.getlist("photo")
        checked: list[attachments.Checked] = []
        try:
            if len(photos) > attachments.limits()[2]:
                raise attachments.AttachmentError(
                    _("Paling banyak %(n)s lampiran per laporan.") % {"n": attachments.limits()[2]})
            checked = [attachments.check(f) for f in photos]
        except attachments.AttachmentError as exc:
            errors = {"photo": str(exc)}
        if not errors:
            try:
                answer = _submit(request, raw, str(request.POST.get("client_key", ""))[:60])
            except intake.IntakeError as exc:
                errors = exc.errors
            else:
                if answer.created:
                    for item in checked:
                        attachments.store(answer.report, item, actor=request.user, actor_label=_actor_label(request),
                                          channel="web", from_sender=False)
                messages.success(request, _("Laporan terkirim. Kode: %(r)s") % {"r": answer.receipt})
                return redirect("reports:officer_form")
    ctx = {
        "categories": Category.choices, "severities": Severity.choices, "subject_kinds": SubjectKind.choices,
        "errors": errors, "data": request.POST if errors else {},
        "queue_name": f"praja.petugas.{request.user.pk}",
        "max_size": attachments.human_size(attachments.limits()[0]),
        "texts": {
            "online": _("Terhubung"), "offline": _("Tanpa sinyal: laporan disimpan di HP"),
            "pending": _("menunggu sinyal"), "sending": _("mengirim…"), "sent": _("terkirim"),
            "error": _("ditolak"), "remove": _("Hapus"),
            "login": _("Masuk lagi untuk mengirim laporan yang tersimpan."),
            "choose": _("— pilih —"), "no_tps": _("— bukan di TPS —"), "nearest": _("TPS terdekat: %s (± %s m)"),
            "no_fix": _("Lokasi tidak dapat diambil."), "saved": _("Disimpan di HP; dikirim saat ada sinyal."),
            "photo_later": _("Tanpa sinyal foto tidak disimpan di HP. Laporan dikirim saat ada sinyal; foto dapat "
                             "ditambahkan nanti dari halaman laporan (ketuk kodenya di daftar terkirim)."),
            "photo_sending": _("mengirim foto…"), "photo_sent": _("foto terlampir"),
            "photo_failed": _("foto belum terkirim; tambahkan dari halaman laporan"),
        },
    }
    response = render(request, "reports/officer/form.html", ctx, status=400 if errors else 200)
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def officer_send(request: HttpRequest) -> JsonResponse:
    """One queued report from the phone (JSON). 201 stored, 200 already stored (same client key), 400 bad."""
    if CAPABILITY not in request.capabilities:  # type: ignore[attr-defined]
        return JsonResponse({"error": _("Anda tidak berhak mengirim laporan.")}, status=403)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"errors": {"": _("JSON tidak dapat dibaca")}}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"errors": {"": _("JSON harus berupa objek")}}, status=400)
    raw = {k: body.get(k, "") for k in RAW_FIELDS}
    raw["severity"] = raw["severity"] or 2
    client_key = str(body.get("client_key", ""))[:60]
    if not client_key:
        return JsonResponse({"errors": {"client_key": _("kunci klien wajib")}}, status=400)
    try:
        answer = _submit(request, raw, client_key)
    except intake.IntakeError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    return JsonResponse({"receipt": answer.receipt, "created": answer.created}, status=201 if answer.created else 200)


@login_required
@require_GET
def officer_places(request: HttpRequest) -> JsonResponse:
    """The kecamatan, desa and TPS (with their points) the officer's pickers offer: their scope's, else the
    regencies the public form serves. Cached by the service worker for use without signal."""
    _may_submit(request)
    scope = request.scope  # type: ignore[attr-defined]
    desa = Region.objects.filter(level=Region.Level.DESA)
    if scope.national:
        regencies = [c for c, _n in places.served_regencies()]
        desa = desa.filter(parent__parent_id__in=regencies)
    else:
        desa = desa.filter(scope.q("code"))
    desa_rows = list(desa.order_by("parent_id", "name").values_list("code", "name", "parent_id"))
    kec_codes = sorted({k for _c, _n, k in desa_rows})
    kec = list(Region.objects.filter(code__in=kec_codes).order_by("name").values_list("code", "name"))
    tps: dict[str, list[list[Any]]] = {}
    rows = TPS.objects.filter(desa_id__in=[c for c, _n, _k in desa_rows]).order_by("code")
    for desa_code, number, lat, lng in rows.values_list("desa_id", "number", "lat", "lng").iterator(chunk_size=2000):
        point = [round(lat, 5), round(lng, 5)] if lat is not None and lng is not None else []
        tps.setdefault(desa_code, []).append([number, *point])
    response = JsonResponse({"kec": kec, "desa": desa_rows, "tps": tps})
    response["Cache-Control"] = "private, no-cache"
    return response


SERVICE_WORKER = """/* Praja officer form: open without signal. Network first; the last good copy when there is none. */
const CACHE = "praja-petugas-v1";
const CORE = %(core)s;
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => Promise.all(CORE.map((u) => fetch(u, {credentials: "same-origin"})
    .then((r) => r.ok && !r.redirected ? c.put(u, r) : null).catch(() => null)))));
  self.skipWaiting();
});
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("message", (e) => {
  const urls = (e.data && e.data.cache) || [];
  e.waitUntil(caches.open(CACHE).then((c) => Promise.all(urls.map((u) =>
    c.match(u).then((hit) => hit || fetch(u).then((r) => r.ok ? c.put(u, r) : null).catch(() => null))))));
});
self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  const mine = url.pathname.startsWith("%(scope)s") || url.pathname.startsWith("/static/");
  if (!mine) return;
  const key = req.mode === "navigate" ? url.pathname : req;
  e.respondWith(fetch(req).then((r) => {
    if (r.ok && !r.redirected) { const copy = r.clone(); caches.open(CACHE).then((c) => c.put(key, copy)); }
    return r;
  }).catch(() => caches.match(key).then((hit) => hit || new Response("offline", {status: 503}))));
});
"""


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    from django.urls import reverse

    scope = reverse("reports:officer_form")
    core = [scope, reverse("reports:officer_places"), static("praja/praja.css"), static("praja/reports-officer.js")]
    body = SERVICE_WORKER % {"core": json.dumps(core), "scope": scope}
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
