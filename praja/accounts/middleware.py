"""Request middleware: scope and capabilities on the request, the second factor, the audit context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from praja.accounts import signin_read
from praja.base import audit
from praja.base.access import capabilities_for, needs_second_factor, person_of, scope_for

# Paths a person who still owes a second factor may open: signing in and out, the second factor itself.
# (Not all of /akun/: the people, roles and audit pages live there too.)
_OPEN_PREFIXES = ("/akun/masuk/", "/akun/keluar/", "/akun/faktor-kedua/", "/static/", "/i18n/", "/favicon")


def _read_roles_once(user: Any) -> None:
    """The signed-in person and their role assignments in one query for the whole request: the second-factor
    check, the capabilities and the scope each read ``person.assignments.all()``, which then answer from this
    prefetch (they asked the database once each: three reads of the same rows on every signed-in request, and
    one more for the person). ``AuthenticationMiddleware`` below has usually read them with the user already
    (``signin_read``); otherwise the assignments are read with their person joined (one statement), and a
    person without any assignment is read on its own."""
    if not getattr(user, "is_authenticated", False):
        return
    from praja.accounts.models import Person, RoleAssignment

    if "person" in user._state.fields_cache:  # read already (with the user, a test client's user, a view)
        person = person_of(user)
        if person is not None and "assignments" not in getattr(person, "_prefetched_objects_cache", {}):
            prefetch_related_objects([person], "assignments")
        return
    rows = list(RoleAssignment.objects.filter(person__user_id=user.pk).select_related("person"))
    person = rows[0].person if rows else Person.objects.filter(user_id=user.pk).first()
    signin_read.attach_person(user, person, rows)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, but the signed-in user is read with their person and role assignments in one statement
    (``praja.accounts.signin_read.get_user``; the unusual cases go to Django's own ``get_user``)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))  # type: ignore[assignment]  # as Django's


def _user_of(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = signin_read.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SecondFactorMiddleware:
    """Administrators and roles that may see protected data must pass TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        _read_roles_once(user)
        request.scope = SimpleLazyObject(lambda: scope_for(user))  # type: ignore[attr-defined]
        request.capabilities = SimpleLazyObject(lambda: capabilities_for(user))  # type: ignore[attr-defined]
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            if request.path.startswith("/api/"):  # JSON like every error of the API (its schema says 403 Detail)
                return JsonResponse({"detail": "second factor required"}, status=403)
            return redirect("accounts:second_factor")
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The sender's address for limits and the audit.

    Without ``PRAJA_TRUSTED_PROXY``: REMOTE_ADDR (X-Forwarded-For is the client's own word and is ignored).
    Behind ``PRAJA_TRUSTED_PROXY_COUNT`` reverse proxies (default 1) each proxy appends the address it was
    reached from, so the client is the entry that many places from the right: the rightmost address no trusted
    proxy could have written, never the leftmost (which the client sets; issue 14). Django-axes uses this too
    (``AXES_CLIENT_IP_CALLABLE``).
    """
    import ipaddress

    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not getattr(settings, "PRAJA_TRUSTED_PROXY", False):
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    if not hops:
        return remote
    count = max(1, int(getattr(settings, "PRAJA_TRUSTED_PROXY_COUNT", 1)))
    candidate = hops[-count] if len(hops) >= count else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that writes no address (or a port): the nearest hop, never text from the client
        return remote


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
        elif request.path.startswith("/" + str(getattr(settings, "PRAJA_ADMIN_PATH", "admin/"))):
            channel = "admin"
        else:
            channel = "web"
        actor = audit.Actor(user.pk, user.get_username(), client_address(request), channel)
        with audit.acting_as(actor):
            return self.get_response(request)
