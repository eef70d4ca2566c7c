"""Request middleware: scope and capabilities on the request, the second factor, the audit context."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from praja.base import audit
from praja.base.access import capabilities_for, needs_second_factor, scope_for

# Paths a person who still owes a second factor may open: signing in and out, the second factor itself.
# (Not all of /akun/: the people, roles and audit pages live there too.)
_OPEN_PREFIXES = ("/akun/masuk/", "/akun/keluar/", "/akun/faktor-kedua/", "/static/", "/i18n/", "/favicon")


class SecondFactorMiddleware:
    """Administrators and roles that may see protected data must pass TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.scope = SimpleLazyObject(lambda: scope_for(user))  # type: ignore[attr-defined]
        request.capabilities = SimpleLazyObject(lambda: capabilities_for(user))  # type: ignore[attr-defined]
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            if request.path.startswith("/api/"):
                return HttpResponse("second factor required", status=403)
            return redirect("accounts:second_factor")
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    # Behind a reverse proxy set PRAJA_TRUSTED_PROXY so X-Forwarded-For is believed; REMOTE_ADDR otherwise.
    from django.conf import settings

    if getattr(settings, "PRAJA_TRUSTED_PROXY", False):
        fwd = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if fwd:
            return str(fwd).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class AuditContextMiddleware:
    """Writes made while serving a signed-in person's request are logged with who and from where."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            channel = "api"
        elif request.path.startswith("/admin/"):
            channel = "admin"
        else:
            channel = "web"
        actor = audit.Actor(user.pk, user.get_username(), client_address(request), channel)
        with audit.acting_as(actor):
            return self.get_response(request)
