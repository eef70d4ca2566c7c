"""The intake channels' rate limits, read from ``PRAJA_REPORTS`` (``PUBLIC_RATE``, ``PHONE_RATE``,
``FOLLOW_RATE``, ``GATEWAY_RATE``: (requests, seconds); 0 requests lifts a limit) and counted by
praja/reports/ratelimit.py."""

from __future__ import annotations

from django.conf import settings

from praja.reports import sealing

# The buckets the API counts in too (praja/reports/api.py): one address or phone has one limit over all channels.
BUCKETS = {"PUBLIC_RATE": "public", "PHONE_RATE": "phone", "FOLLOW_RATE": "follow", "GATEWAY_RATE": "gateway"}
# A limit missing from the settings: the webhook's per-address limit is on unless lifted with 0.
DEFAULTS = {"GATEWAY_RATE": (600, 60)}


def rate(name: str) -> tuple[int, int]:
    value = getattr(settings, "PRAJA_REPORTS", {}).get(name) or DEFAULTS.get(name) or (0, 60)
    limit, window = value
    return int(limit), int(window)


def retry_after(name: str) -> int:
    """Seconds until the current window of limit ``name`` ends (the Retry-After of a 429)."""
    from praja.reports import ratelimit

    return ratelimit.retry_after(rate(name)[1])


def allowed(name: str, key: str) -> bool:
    """True when one more request of ``key`` (an address, a phone hash) fits the limit ``name``."""
    limit, window = rate(name)
    if limit <= 0 or not key:
        return True
    from praja.reports import ratelimit

    return bool(ratelimit.hit(BUCKETS.get(name, name.lower()), key, limit, window))


def address_allowed(name: str, address: str) -> bool:
    return allowed(name, address)


def phone_allowed(phone: str) -> bool:
    """Per phone number (normalised, counted by its keyed hash: the number itself is never a cache key)."""
    number = sealing.normalise_phone(phone)
    if not number:
        return True
    return allowed("PHONE_RATE", sealing.keyed_hash(number, "phone"))
