"""A signed per-device token for the public report form (issue 14: voting-day senders behind a carrier's NAT).

On voting day thousands of phones reach Praja through one carrier address (CGNAT), so a tight per-address
limit refuses honest senders. The form therefore gives each browser a random token in a cookie signed with
SECRET_KEY (``praja_perangkat``, one year, HttpOnly, SameSite=Lax): the per-device limit (``DEVICE_RATE``) and the
per-phone limit (``PHONE_RATE``) do the fine-grained work, and the per-address limit (``PUBLIC_RATE``) is sized
for a NAT and only stops floods. A sender without a valid token (cookies off, a forged or stale cookie) is one
device per address: the address itself is counted under ``DEVICE_RATE``.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse

COOKIE = "praja_perangkat"
SALT = "praja.reports.device.v1"
MAX_AGE_S = 365 * 24 * 3600


def token_of(request: HttpRequest) -> str:
    """The device token of a valid signed cookie, else ''."""
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE_S)
    return str(value or "")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def give(response: HttpResponse, token: str) -> HttpResponse:
    """Set (or renew) the signed device cookie on ``response``."""
    from django.conf import settings

    response.set_signed_cookie(
        COOKIE, token, salt=SALT, max_age=MAX_AGE_S, httponly=True, samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )
    return response


def limit_key(request: HttpRequest, address: str) -> str:
    """What ``DEVICE_RATE`` counts for this request: the device token, or the address when there is none."""
    token = token_of(request)
    return f"device:{token}" if token else f"address:{address}"
