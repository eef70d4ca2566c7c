"""Stakeholders (/koordinasi/pemangku/): who speaks for the agencies, religious and customary leaders, FKUB,
the media. Listed with contacts masked; the whole number and e-mail only on a person's page and only for
those who may see people (`accounts.view_people`). Scoped by region: a person sees the stakeholders of their
regions and of the regions above them (the regency's FKUB chair is known to a Polsek), never a neighbour's.
Adding and editing needs `coordination.manage`, in one's own scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from praja.accounts import visibility
from praja.base.access import capability_required, has_capability
from praja.base.masking import mask
from praja.base.roles import MANAGE_COORDINATION, VIEW_PEOPLE, VIEW_TERRITORY
from praja.base.scope import Scope
from praja.coordination.forms import StakeholderForm, agencies_for, regions_for
from praja.coordination.models import Stakeholder


def visible_stakeholders(scope: Scope) -> QuerySet[Stakeholder]:
    qs = Stakeholder.objects.select_related("region", "agency")
    return qs if scope.national else qs.filter(scope.q_reaching("region__code"))


def mask_email(value: str) -> str:
    if not value or "@" not in value:
        return mask(value)
    user, _at, domain = value.partition("@")
    return user[:1] + "*" * max(len(user) - 1, 1) + "@" + domain


@capability_required(VIEW_TERRITORY)
def stakeholder_list(request: HttpRequest) -> HttpResponse:
    qs = visible_stakeholders(visibility.scope_of(request))
    kind = request.GET.get("jenis", "")
    if kind in Stakeholder.Kind.values:
        qs = qs.filter(kind=kind)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(organisation__icontains=text) | Q(position__icontains=text))
    if request.GET.get("semua") != "1":
        qs = qs.filter(active=True)
    rows = [{"s": s, "phone": mask(s.phone, 4, 2) if s.phone else "", "email": mask_email(s.email)} for s in qs[:500]]
    return render(request, "coordination/stakeholders.html", {
        "rows": rows, "kinds": Stakeholder.Kind.choices, "kind": kind, "q": text,
        "can_manage": has_capability(request, MANAGE_COORDINATION),
    })


def _get_or_404(request: HttpRequest, pk: int) -> Stakeholder:
    s = visible_stakeholders(visibility.scope_of(request)).filter(pk=pk).first()
    if s is None:
        raise Http404(str(pk))
    return s


@capability_required(VIEW_TERRITORY)
def stakeholder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = _get_or_404(request, pk)
    full = has_capability(request, VIEW_PEOPLE)
    return render(request, "coordination/stakeholder_detail.html", {
        "s": s, "full": full,
        "phone": s.phone if full else mask(s.phone, 4, 2) if s.phone else "",
        "email": s.email if full else mask_email(s.email),
        "can_manage": has_capability(request, MANAGE_COORDINATION)
        and visibility.scope_of(request).covers(s.region_id or ""),
    })


@capability_required(MANAGE_COORDINATION)
def stakeholder_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = visibility.scope_of(request)
    instance = _get_or_404(request, pk) if pk is not None else None
    if instance is not None and not scope.covers(instance.region_id or ""):
        raise PermissionDenied("outside scope")
    form = StakeholderForm(request.POST or None, instance=instance, regions=regions_for(scope),
                           agencies=agencies_for(scope))
    if request.method == "POST" and form.is_valid():
        s = form.save()
        messages.success(request, _("Pemangku kepentingan disimpan."))
        return redirect(reverse("coordination:stakeholder", args=[s.pk]))
    return render(request, "coordination/stakeholder_form.html", {"form": form, "s": instance})
