"""Lapsit pages (/situasi/lapsit/): the archive of issued reports, a draft for a chosen day and region (HTML
and PDF), issuing (stores the PDF and XLSX with their SHA-256; `coordination.manage`), and the stored files.

Seeing a lapsit needs `deployment.view` (it names posts and shortfalls) and a scope covering its region;
issuing it, `coordination.manage` or a commander's role (`can_issue`).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from praja.base.access import capability_required
from praja.base.roles import MANAGE_COORDINATION, VIEW_DEPLOYMENT
from praja.situation import lapsit as L
from praja.situation import moment as M
from praja.situation import sources as S
from praja.situation.models import Lapsit
from praja.situation.sources import Viewer
from praja.situation.views import region_title
from praja.situation.views_dashboard import parse_day, resolve_area


def can_issue(request: HttpRequest) -> bool:
    """Bag Ops (`coordination.manage`) drafts and issues; so does the commander: the roles named in
    PRAJA_SITUATION["LAPSIT_ISSUER_ROLES"] (default the Kapolres, `polres_leader`)."""
    if MANAGE_COORDINATION in getattr(request, "capabilities", frozenset()):
        return True
    person = Viewer.of(request).person
    issuers = set(S.conf("LAPSIT_ISSUER_ROLES", ["polres_leader"]))
    return person is not None and any(r.key in issuers for r in person.roles())


def _day(request: HttpRequest) -> datetime.date:
    """?tanggal (or the day of ?saat); today when neither; an impossible date answers 400."""
    raw = request.POST.get("tanggal") or request.GET.get("tanggal", "")
    at = _moment(request)
    today = timezone.localtime(M.now()).date()  # the drill's day while a drill is viewed
    day = parse_day(raw) or (timezone.localtime(at).date() if at else None) or today
    return min(day, max(today, timezone.localdate()))


def _moment(request: HttpRequest) -> datetime.datetime | None:
    """?saat=YYYY-MM-DDTHH:MM: the lapsit up to that moment of its day (the same moment as the dashboard)."""
    return M.parse_moment(request.POST.get("saat") or request.GET.get("saat", ""))


@capability_required(VIEW_DEPLOYMENT)
def lapsit_list(request: HttpRequest) -> HttpResponse:
    viewer, region, area = resolve_area(request)
    qs = L.visible(viewer).filter(region__code__startswith=region.code).select_related("region").defer(
        "pdf", "xlsx")[:600]
    archive = L.readable_versions(viewer, qs)
    # An issue whose leadership version this reader may not open (it holds a report about the reader's own unit):
    # the reader may ask for a version built for the unit.
    have = {(lap.region_id, lap.day, lap.number) for lap in archive if lap.audience != L.GENERAL}
    unit_versions = [lap for lap in qs if lap.audience == L.LEADERSHIP and (lap.region_id, lap.day, lap.number)
                     not in have and viewer.sees_reports and viewer.person is not None
                     and viewer.scope.covers(lap.region_id)]
    return render(request, "situation/lapsit_list.html", {
        "region": region, "region_name": region_title(region), "archive": archive, "day": _day(request),
        "can_issue": can_issue(request), "unit_versions": unit_versions,
        "agency": getattr(viewer.person, "agency", None),
    })


@capability_required(VIEW_DEPLOYMENT)
def lapsit_draft(request: HttpRequest) -> HttpResponse:
    """The lapsit of ?wilayah and ?tanggal as it would be issued now: HTML, or PDF with ?format=pdf."""
    viewer, region, area = resolve_area(request)
    ctx = L.context(viewer, region, area, _day(request), request.GET.get("catatan", ""), at=_moment(request))
    if request.GET.get("format") == "pdf":
        response = HttpResponse(L.render_pdf(ctx), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="lapsit-draf-{region.code}-{ctx["day"]}.pdf"'
        return response
    return HttpResponse(L.render_html(ctx))


@capability_required(VIEW_DEPLOYMENT)
@require_POST
def lapsit_issue(request: HttpRequest) -> HttpResponse:
    if not can_issue(request):
        raise PermissionDenied(MANAGE_COORDINATION)
    viewer, region, area = resolve_area(request)
    if not viewer.scope.covers(region.code):
        raise Http404(region.code)  # only a region wholly inside one's scope is reported on
    if getattr(request, "drill_id", None):
        # an issued lapsit is an official, archived record: never built from a drill's data
        messages.error(request, _("Lapsit tidak dapat diterbitkan dari data latihan. Kembali ke data nyata dulu; "
                                  "draf latihan dapat dilihat dan diunduh."))
        return redirect(reverse("situation:lapsit_list"))
    notes = (request.POST.get("catatan") or "").strip()[:10000]
    lap = L.issue(viewer, region, area, _day(request), notes, request.user, at=_moment(request))
    messages.success(request, _("Lapsit diterbitkan dan diarsipkan."))
    return redirect(reverse("situation:lapsit", args=[lap.pk]))


def _lapsit_or_404(request: HttpRequest, pk: int) -> Lapsit:
    """The version, when this reader may open it (its audience: lapsit.readable); else 404."""
    viewer = Viewer.of(request)
    lap: Lapsit | None = L.visible(viewer).filter(pk=pk).select_related("region").first()
    if lap is None or not L.readable(viewer, lap):
        raise Http404(str(pk))
    return lap


@capability_required(VIEW_DEPLOYMENT)
@require_POST
def lapsit_for_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """Build (once) the version of an issued lapsit for the reader's own unit."""
    viewer = Viewer.of(request)
    original: Lapsit | None = L.visible(viewer).filter(pk=pk, audience=L.LEADERSHIP).select_related(
        "region").first()
    if original is None or not viewer.sees_reports or viewer.person is None:
        raise Http404(str(pk))
    lap = L.issue_for_unit(viewer, original)
    messages.success(request, _("Versi lapsit untuk satuan Anda dibuat dan diarsipkan."))
    return redirect(reverse("situation:lapsit", args=[lap.pk]))


@capability_required(VIEW_DEPLOYMENT)
def lapsit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lap = _lapsit_or_404(request, pk)
    from praja.situation.views_dashboard import CLASS_LABELS

    return render(request, "situation/lapsit_detail.html", {
        "lap": lap, "intact": lap.intact(), "class_label": CLASS_LABELS.get(lap.kondusif_class, "")})


@capability_required(VIEW_DEPLOYMENT)
def lapsit_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    lap = _lapsit_or_404(request, pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404(kind)
    if kind == "pdf":
        data, ctype = bytes(lap.pdf), "application/pdf"
    else:
        data, ctype = bytes(lap.xlsx), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="lapsit-{lap.region_id}-{lap.day}-{lap.number}.{kind}"'
    response["X-Content-SHA256"] = lap.pdf_sha256 if kind == "pdf" else lap.xlsx_sha256
    return response
