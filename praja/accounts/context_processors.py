from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from praja.base.access import needs_second_factor, person_of


def praja(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    pending = bool(
        user is not None
        and user.is_authenticated
        and needs_second_factor(user)
        and not getattr(user, "is_verified", lambda: False)()
    )
    return {
        "person": person_of(user),
        # While a second factor is owed, the shell shows no menu or region picker: they would only bounce.
        "second_factor_pending": pending,
        "capabilities": frozenset() if pending else getattr(request, "capabilities", frozenset()),
        "praja_settings": settings.PRAJA,
    }
