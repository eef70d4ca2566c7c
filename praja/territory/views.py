"""Region, TPS and jurisdiction pages, each limited to the person's scope (praja.territory.visibility)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from praja.base import extensions
from praja.base.access import capability_required, has_capability
from praja.base.audit_display import with_change_rows
from praja.base.models import AuditEntry
from praja.base.roles import EDIT_TPS, VIEW_AUDIT, VIEW_TERRITORY
from praja.base.visibility import audit_entries, scope_of
from praja.territory import visibility
from praja.territory.models import TPS, Jurisdiction, Region
from praja.territory.tps_forms import TPSForm

PAGE_SIZE = 50
# Above this many kecamatan in scope the TPS filter takes a typed code instead of a drop-down.
KECAMATAN_CHOICES_LIMIT = 500


def _page(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def visible_regions(request: HttpRequest) -> QuerySet[Region]:
    return visibility.regions(Region.objects.all(), scope_of(request))


def visible_tps(request: HttpRequest) -> QuerySet[TPS]:
    return visibility.tps(TPS.objects.all(), scope_of(request))


def visible_jurisdictions(request: HttpRequest) -> QuerySet[Jurisdiction]:
    return visibility.jurisdictions(Jurisdiction.objects.all(), scope_of(request))


def scope_roots(request: HttpRequest) -> QuerySet[Region]:
    """The top regions a person sees: the provinces for a national scope, else the scope's own regions."""
    scope = scope_of(request)
    if scope.national:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(code__in=sorted(scope.regions))


def history_of(target_type: str, target_id: str, request: HttpRequest) -> QuerySet[AuditEntry]:
    """Audit entries about one object, newest first, within the person's scope."""
    qs = AuditEntry.objects.filter(target_type=target_type, target_id=target_id).order_by("-seq")
    return audit_entries(qs, scope_of(request))


# --- regions --------------------------------------------------------------------------------------


@capability_required(VIEW_TERRITORY)
def region_list(request: HttpRequest) -> HttpResponse:
    roots = scope_roots(request).annotate(n_children=Count("children"))
    return render(request, "territory/region_list.html", {"regions": roots})


@capability_required(VIEW_TERRITORY)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(visible_regions(request).select_related("parent"), code=code)
    children = visible_regions(request).filter(parent=region)
    tps: QuerySet[TPS] | None = None
    children_with_counts: QuerySet[Region] | None = None
    if region.level == Region.Level.DESA:
        tps = visible_tps(request).filter(desa=region)
    elif region.level == Region.Level.KECAMATAN:
        children_with_counts = children.annotate(n_tps=Count("tps_set"), n_voters=Sum("tps_set__voters"))
    else:
        children_with_counts = children.annotate(n_children=Count("children"))
    parent_visible = region.parent_id is not None and visible_regions(request).filter(code=region.parent_id).exists()
    totals = visible_tps(request).filter(Q(code__startswith=region.code + ".") | Q(code__startswith=region.code + "/"))
    return render(
        request,
        "territory/region_detail.html",
        {
            "region": region,
            "children": children_with_counts,
            "tps_list": tps,
            "parent_visible": parent_visible,
            "totals": totals.aggregate(n=Count("code"), voters=Sum("voters")),
            "jurisdictions": visible_jurisdictions(request).filter(kecamatan__code=region.code)
            if region.level == Region.Level.KECAMATAN
            else None,
        },
    )


# --- TPS ------------------------------------------------------------------------------------------


@capability_required(VIEW_TERRITORY)
def tps_list(request: HttpRequest) -> HttpResponse:
    qs = visible_tps(request).select_related("desa", "desa__parent")
    kecamatan = request.GET.get("kecamatan", "").strip()
    desa = request.GET.get("desa", "").strip()
    search = request.GET.get("q", "").strip()
    if kecamatan:
        qs = qs.filter(desa__parent_id=kecamatan)
    if desa:
        qs = qs.filter(desa_id=desa)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(address__icontains=search) | Q(desa__name__icontains=search))
    generated = request.GET.get("bangkitan", "")
    if generated == "1":
        qs = qs.filter(Q(voters_generated=True) | Q(location_generated=True))
    elif generated == "0":
        qs = qs.filter(voters_generated=False, location_generated=False)
    kec_options = visible_regions(request).filter(level=Region.Level.KECAMATAN)
    kec_options_list = list(kec_options[: KECAMATAN_CHOICES_LIMIT + 1])
    desa_options = visible_regions(request).filter(level=Region.Level.DESA, parent_id=kecamatan) if kecamatan else None
    return render(
        request,
        "territory/tps_list.html",
        {
            "page": _page(request, qs),
            "totals": qs.aggregate(n=Count("code"), voters=Sum("voters")),
            "kecamatan": kecamatan,
            "desa": desa,
            "q": search,
            "bangkitan": generated,
            "kecamatan_options": kec_options_list if len(kec_options_list) <= KECAMATAN_CHOICES_LIMIT else None,
            "desa_options": desa_options,
            "query": _query_without_page(request),
            "can_edit": has_capability(request, EDIT_TPS),
        },
    )


def _get_tps(request: HttpRequest, desa: str, number: int) -> TPS:
    return get_object_or_404(visible_tps(request).select_related("desa", "desa__parent"), desa_id=desa, number=number)


@capability_required(VIEW_TERRITORY)
def tps_detail(request: HttpRequest, desa: str, number: int) -> HttpResponse:
    tps = _get_tps(request, desa, number)
    return render(
        request,
        "territory/tps_detail.html",
        {
            "tps": tps,
            "history": with_change_rows(history_of("territory.tps", tps.code, request)[:100]),
            "can_edit": has_capability(request, EDIT_TPS),
            "show_address": has_capability(request, VIEW_AUDIT),
            "links": _situation_links(request, tps),
        },
    )


def _situation_links(request: HttpRequest, tps: Any) -> dict[str, Any]:
    """Its risk score, its post and its reports (praja/situation/tpslinks.py, asked through the extension
    point that the situation app fills), for the TPS page; none of them without the situation app."""
    tps_links = extensions.points.tps_links
    if tps_links is None:
        return {"risk": None, "post": None, "reports": None}
    return tps_links(request, tps)


@capability_required(EDIT_TPS)
def tps_edit(request: HttpRequest, desa: str, number: int) -> HttpResponse:
    tps = _get_tps(request, desa, number)
    if request.method == "POST":
        form = TPSForm(request.POST, instance=tps)
        if form.is_valid():
            if form.has_changed():
                form.save()
                messages.success(request, _("TPS %(code)s disimpan.") % {"code": tps.code})
            else:
                messages.info(request, _("Tidak ada perubahan."))
            for w in form.warnings:
                messages.warning(request, w)
            return redirect("territory:tps_detail", desa=tps.desa_id, number=tps.number)
    else:
        form = TPSForm(instance=tps)
    return render(request, "territory/tps_form.html", {"tps": tps, "form": form})


# --- jurisdictions --------------------------------------------------------------------------------


@capability_required(VIEW_TERRITORY)
def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    qs = visible_jurisdictions(request).select_related("parent").prefetch_related("kecamatan")
    kind = request.GET.get("jenis", "")
    if kind in Jurisdiction.Kind.values:
        qs = qs.filter(kind=kind)
    scope = scope_of(request)
    rows = [
        {
            "j": j,
            "kecamatan": [k for k in j.kecamatan.all() if scope.covers(k.code)],
            "n_outside": sum(1 for k in j.kecamatan.all() if not scope.covers(k.code)),
        }
        for j in qs
    ]
    return render(
        request,
        "territory/jurisdiction_list.html",
        {"rows": rows, "kind": kind, "kinds": Jurisdiction.Kind.choices},
    )


@capability_required(VIEW_TERRITORY)
def jurisdiction_detail(request: HttpRequest, slug: str) -> HttpResponse:
    j = get_object_or_404(visible_jurisdictions(request).select_related("parent"), slug=slug)
    scope = scope_of(request)
    all_kec = list(j.kecamatan.all())
    kecamatan = [k for k in all_kec if scope.covers(k.code)]
    parent = None
    if j.parent_id is not None:
        parent = visible_jurisdictions(request).filter(pk=j.parent_id).first()
    return render(
        request,
        "territory/jurisdiction_detail.html",
        {
            "j": j,
            "kecamatan": kecamatan,
            "n_outside": len(all_kec) - len(kecamatan),
            "parent": parent,
            "children": visible_jurisdictions(request).filter(parent=j),
            "tps_totals": visible_tps(request)
            .filter(desa__parent__in=kecamatan)
            .aggregate(n=Count("code"), voters=Sum("voters")),
        },
    )
