"""A person's scope (which regions) and capabilities (what they may do), from their roles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from praja.base.roles import ALL_CAPABILITIES
from praja.base.scope import Scope


def person_of(user: Any) -> Any | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope.nothing()
    if user.is_superuser:
        return Scope.everything()
    person = person_of(user)
    if person is None:
        return Scope.nothing()
    codes: set[str] = set()
    for a in person.assignments.all():
        if not a.active:
            continue
        if a.region_id is None:
            return Scope.everything()
        codes.add(a.region_id)
    return Scope.of(codes)


def capabilities_for(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return ALL_CAPABILITIES
    person = person_of(user)
    return person.capabilities() if person is not None else frozenset()


def needs_second_factor(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    person = person_of(user)
    return bool(person and person.needs_second_factor)


def has_capability(request: Any, capability: str) -> bool:
    return capability in getattr(request, "capabilities", frozenset())


def require_capability(request: Any, capability: str) -> None:
    """Raise PermissionDenied (403) unless the signed-in person holds `capability`."""
    from django.core.exceptions import PermissionDenied

    if not has_capability(request, capability):
        raise PermissionDenied(capability)


def capability_required(capability: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator: sign-in required (redirect to login), then `capability` (403 without it)."""
    from django.contrib.auth.decorators import login_required

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            require_capability(request, capability)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate
