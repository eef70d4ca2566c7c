from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from praja.accounts.access import person_of


def praja(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "person": person_of(user),
        "capabilities": getattr(request, "capabilities", frozenset()),
        "praja_settings": settings.PRAJA,
    }
