"""Sign-in, the second factor (TOTP or a recovery code), the security page, agencies, people and their roles,
and the audit log pages.

Every list and lookup passes through praja.accounts.visibility: outside the scope is 404.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from praja.accounts import recovery, visibility
from praja.accounts.forms import RecoveryCodeForm, RoleAssignmentForm, TokenForm
from praja.accounts.models import Agency, Person, RoleAssignment
from praja.base import audit
from praja.base.access import capability_required, has_capability, needs_second_factor, require_capability
from praja.base.audit import audit_reading
from praja.base.audit_display import change_rows
from praja.base.masking import mask
from praja.base.models import AuditBatch, AuditEntry
from praja.base.roles import MANAGE_ACCOUNTS, VIEW_AUDIT, VIEW_PEOPLE, VIEW_TERRITORY

PAGE_SIZE = 50
DEVICE_NAME = "Praja TOTP"


def _safe_next(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return resolve_url(default)


def _query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


# --- sign in and out ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login (its AuthenticationForm passes `request` to authenticate, so django-axes counts every
    failure); a person who owes a second factor goes straight on to it."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return reverse("accounts:second_factor") + "?" + urlencode({"next": url})
        return url


login_view = LoginView.as_view()
# Django's LogoutView accepts POST only: a link or an image elsewhere cannot sign anyone out.
logout_view = auth_views.LogoutView.as_view()


# --- the second factor ----------------------------------------------------------------------------


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#12355b", light="#ffffff", svgclass="qr-code")


def _pretty_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator (first time) or check a token from it, then mark the session verified."""
    user: Any = request.user
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    if user.is_verified() or not needs_second_factor(user):
        return redirect(next_url)
    confirmed = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    enrolling = not confirmed
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        candidates = [device]
    else:
        candidates = confirmed
    using_recovery = request.method == "POST" and "recovery_code" in request.POST
    form = TokenForm(request.POST if request.method == "POST" and not using_recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if using_recovery else None)
    if using_recovery and recovery_form.is_valid():
        used = recovery.use(user, recovery_form.cleaned_data["recovery_code"])
        if used is not None:
            django_otp.login(request, used)
            left = recovery.status(user).remaining
            messages.warning(request, _(
                "Anda masuk dengan kode pemulihan; sisa %(left)s kode. Buat kode baru dan pasang ulang aplikasi "
                "autentikator di halaman Keamanan."
            ) % {"left": number_format(left, decimal_pos=0, force_grouping=True)})
            return redirect(next_url)
        if recovery.throttled(user):
            recovery_form.add_error(
                "recovery_code", _("Terlalu banyak percobaan salah. Tunggu sebentar lalu coba lagi.")
            )
        else:
            recovery_form.add_error("recovery_code", _("Kode pemulihan salah atau sudah dipakai."))
    if request.method == "POST" and not using_recovery and form.is_valid():
        verified = None
        throttled = 0
        with transaction.atomic():
            for d in candidates:
                d = TOTPDevice.objects.select_for_update().get(pk=d.pk)
                if not d.verify_is_allowed()[0]:  # waiting after earlier wrong tokens
                    throttled += 1
                    continue
                if d.verify_token(form.cleaned_data["token"]):
                    verified = d
                    break
        if verified is not None:
            if enrolling:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
            django_otp.login(request, verified)
            messages.success(request, _("Verifikasi dua langkah berhasil."))
            return redirect(next_url)
        if throttled == len(candidates):
            form.add_error("token", _("Terlalu banyak percobaan salah. Tunggu sebentar lalu coba lagi."))
        else:
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa."))
    context: dict[str, Any] = {
        "form": form, "enrolling": enrolling, "next": next_url, "recovery_form": recovery_form,
        "has_recovery_codes": recovery.status(user).remaining > 0,
    }
    if enrolling:
        context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - SVG made by segno from our URI
        context["secret"] = _pretty_secret(device)
    return render(request, "accounts/second_factor.html", context)


# --- the security page: second factor and recovery codes ---------------------------------------------


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's second factor and recovery codes. New codes (POST) are shown once, in this answer only;
    they replace every earlier code. Only a person who owes the second factor has passed it to get here (the
    middleware), so codes are never given out on a password alone."""
    user: Any = request.user
    owes = needs_second_factor(user)
    codes: list[str] = []
    if request.method == "POST":
        if not owes:
            return redirect("accounts:security")
        if request.POST.get("action") == "reenrol":
            # A new phone: the old authenticator stops working now, and the next step enrols the new one.
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                audit.record("second_factor_reset", "auth.user", str(user.pk), "", {"by": "self"})
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            return redirect(reverse("accounts:second_factor") + "?" + urlencode({"next": reverse("accounts:security")}))
        codes = recovery.generate(user)
    context = {
        "needs_second_factor": owes,
        "totp_enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "status": recovery.status(user),
        "codes": codes,
    }
    response = render(request, "accounts/security.html", context)
    response["Cache-Control"] = "no-store"  # the codes are not kept by the browser's cache either
    return response


# --- agencies -------------------------------------------------------------------------------------


def visible_agencies(request: HttpRequest) -> QuerySet[Agency]:
    return visibility.agencies(Agency.objects.select_related("region", "parent"), visibility.scope_of(request))


def visible_people(request: HttpRequest) -> QuerySet[Person]:
    return visibility.people(
        Person.objects.select_related("agency", "agency__region", "user"), visibility.scope_of(request)
    )


@capability_required(VIEW_TERRITORY)
def agency_list(request: HttpRequest) -> HttpResponse:
    qs = visible_agencies(request)
    kind = request.GET.get("jenis", "")
    if kind in Agency.Kind.values:
        qs = qs.filter(kind=kind)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(region__name__icontains=search))
    return render(
        request,
        "accounts/agency_list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "kind": kind,
            "kinds": Agency.Kind.choices,
            "q": search,
            "query": _query_without_page(request),
        },
    )


@capability_required(VIEW_TERRITORY)
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(visible_agencies(request), slug=slug)
    people = visible_people(request).filter(agency=agency) if has_capability(request, VIEW_PEOPLE) else None
    return render(
        request,
        "accounts/agency_detail.html",
        {
            "agency": agency,
            "people": [_masked_row(p) for p in people] if people is not None else None,
            "children": visible_agencies(request).filter(parent=agency),
        },
    )


# --- people and roles -----------------------------------------------------------------------------


def _masked_row(p: Person) -> dict[str, Any]:
    return {"p": p, "phone": mask(p.phone), "staff_number": mask(p.staff_number)}


@capability_required(VIEW_PEOPLE)
def person_list(request: HttpRequest) -> HttpResponse:
    qs = visible_people(request)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(agency__name__icontains=search))
    agency = request.GET.get("instansi", "").strip()
    if agency:
        qs = qs.filter(agency__slug=agency)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/person_list.html",
        {
            "page": page,
            "rows": [_masked_row(p) for p in page],
            "q": search,
            "agency": agency,
            "query": _query_without_page(request),
        },
    )


def _visible_assignments(request: HttpRequest) -> QuerySet[RoleAssignment]:
    return visibility.role_assignments(
        RoleAssignment.objects.select_related("region", "person"), visibility.scope_of(request)
    )


@capability_required(VIEW_PEOPLE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(visible_people(request), pk=pk)
    can_manage = has_capability(request, MANAGE_ACCOUNTS)
    form = None
    if can_manage:
        form = RoleAssignmentForm(
            person=person,
            scope=visibility.scope_of(request),
            capabilities=request.capabilities,  # type: ignore[attr-defined]
        )
    return _render_person(request, person, form)


def _render_person(
    request: HttpRequest, person: Person, form: RoleAssignmentForm | None, status: int = 200
) -> HttpResponse:
    scope = visibility.scope_of(request)
    assignments = [
        {"a": a, "removable": visibility.can_grant_in(scope, a.region_id)}
        for a in _visible_assignments(request).filter(person=person)
    ]
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person_obj": person,
            "assignments": assignments,
            "form": form,
            "can_manage": has_capability(request, MANAGE_ACCOUNTS),
        },
        status=status,
    )


@require_POST
@capability_required(MANAGE_ACCOUNTS)
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request, VIEW_PEOPLE)
    person = get_object_or_404(visible_people(request), pk=pk)
    form = RoleAssignmentForm(
        request.POST,
        person=person,
        scope=visibility.scope_of(request),
        capabilities=request.capabilities,  # type: ignore[attr-defined]
    )
    if not form.is_valid():
        return _render_person(request, person, form, status=400)
    a = form.save()
    messages.success(
        request,
        _("Peran %(role)s diberikan kepada %(name)s.") % {"role": a.get_role_display(), "name": person.full_name},
    )
    return redirect("accounts:person_detail", pk=person.pk)


@require_POST
@capability_required(MANAGE_ACCOUNTS)
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request, VIEW_PEOPLE)
    a = get_object_or_404(_visible_assignments(request), pk=pk)
    if not visibility.can_grant_in(visibility.scope_of(request), a.region_id):
        messages.error(request, _("Peran di luar wilayah tugas Anda tidak dapat dicabut dari sini."))
        return redirect("accounts:person_detail", pk=a.person_id)
    person_id = a.person_id
    a.delete()
    messages.success(request, _("Peran dicabut."))
    return redirect("accounts:person_detail", pk=person_id)


# --- audit log ------------------------------------------------------------------------------------


def visible_audit(request: HttpRequest) -> QuerySet[AuditEntry]:
    return visibility.audit_entries(AuditEntry.objects.all(), visibility.scope_of(request), request)


@capability_required(VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    qs = visible_audit(request).order_by("-seq")
    region = request.GET.get("wilayah", "").strip()
    if region:
        qs = qs.filter(
            Q(region_code=region) | Q(region_code__startswith=region + ".") | Q(region_code__startswith=region + "/")
        )
    action = request.GET.get("tindakan", "").strip()
    if action:
        qs = qs.filter(action=action)
    target = request.GET.get("jenis", "").strip()
    if target:
        qs = qs.filter(target_type=target)
    actor = request.GET.get("pelaku", "").strip()
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    audit_reading(request, "list", {"wilayah": region, "tindakan": action, "jenis": target, "pelaku": actor})
    return render(
        request,
        "accounts/audit_list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "wilayah": region,
            "tindakan": action,
            "jenis": target,
            "pelaku": actor,
            "query": _query_without_page(request),
        },
    )


@capability_required(VIEW_AUDIT)
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    entry = get_object_or_404(visible_audit(request), seq=seq)
    audit_reading(request, "entry", {"seq": seq})
    batch = AuditBatch.objects.filter(first_seq__lte=seq, last_seq__gte=seq).only("number", "root").first()
    return render(request, "accounts/audit_detail.html", {"e": entry, "rows": change_rows(entry), "batch": batch})
