"""The intake channels' rate limits, read from ``PRAJA_REPORTS`` (``PUBLIC_RATE``, ``DEVICE_RATE``, ``PHONE_RATE``,
``FOLLOW_RATE``, ``GATEWAY_RATE``: (requests, seconds); 0 requests lifts a limit) and counted by
praja/reports/ratelimit.py; and the lock of a receipt after ``PIN_LOCK_AFTER`` wrong PINs (issue 14).

Sized for voting day (docs/security.md, "Hardening (issue 14)"): one carrier address (CGNAT) carries thousands
of phones, so the per-address limits are wide and stop floods only; the signed per-device token
(praja/reports/device.py) and the phone number do the fine-grained work."""

from __future__ import annotations

from django.conf import settings

from praja.reports import sealing

# The buckets the API counts in too (praja/reports/api.py): one address or phone has one limit over all channels.
BUCKETS = {"PUBLIC_RATE": "public", "DEVICE_RATE": "device", "PHONE_RATE": "phone", "FOLLOW_RATE": "follow",
           "GATEWAY_RATE": "gateway"}
# A limit missing from the settings: the webhook's per-address limit and the per-device limit are on unless lifted.
DEFAULTS = {"GATEWAY_RATE": (600, 60), "DEVICE_RATE": (5, 600)}
PIN_LOCK_AFTER = 5
PIN_LOCK_HOURS = 24


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


# --- a receipt locks after wrong PINs, whatever address they come from -------------------------------------


def pin_lock_settings() -> tuple[int, int]:
    """(wrong PINs that lock a receipt, hours the lock holds) from PIN_LOCK_AFTER and PIN_LOCK_HOURS."""
    conf = getattr(settings, "PRAJA_REPORTS", {})
    return int(conf.get("PIN_LOCK_AFTER", PIN_LOCK_AFTER)), int(conf.get("PIN_LOCK_HOURS", PIN_LOCK_HOURS))


def _pin_key(receipt: str) -> str:
    import hashlib

    return "praja:pinlock:" + hashlib.blake2b(receipt.upper().encode(), digest_size=12).hexdigest()


def _pin_state(receipt: str) -> dict[str, float]:
    from django.core.cache import cache

    try:
        state = cache.get(_pin_key(receipt))
    except Exception:  # noqa: BLE001 - a broken cache: no lock rather than no follow page
        return {}
    return state if isinstance(state, dict) else {}


def pin_locked_until(receipt: str) -> float:
    """The epoch second the receipt's lock ends, or 0 when it is not locked."""
    import time

    after, _hours = pin_lock_settings()
    state = _pin_state(receipt)
    if after <= 0 or int(state.get("n", 0)) < after or float(state.get("until", 0)) <= time.time():
        return 0.0
    return float(state["until"])


def pin_failed(receipt: str) -> bool:
    """Count one wrong PIN for ``receipt``; True when the receipt is now locked. The count lives PIN_LOCK_HOURS
    from the first wrong PIN; the lock holds PIN_LOCK_HOURS from the wrong PIN that set it."""
    import time

    from django.core.cache import cache

    after, hours = pin_lock_settings()
    if after <= 0 or not receipt:
        return False
    now = time.time()
    state = _pin_state(receipt)
    if float(state.get("until", 0)) <= now:
        state = {}
    count = int(state.get("n", 0)) + 1
    until = now + hours * 3600 if count >= after else float(state.get("until", now + hours * 3600))
    try:
        cache.set(_pin_key(receipt), {"n": count, "until": until}, timeout=max(1, int(until - now)) + 1)
    except Exception:  # noqa: BLE001
        return False
    return count >= after


def pin_unlock(receipt: str) -> None:
    """Lift the lock (a wrong-PIN count) of ``receipt``: after the right PIN, or by an administrator."""
    from django.core.cache import cache

    try:
        cache.delete(_pin_key(receipt))
    except Exception:  # noqa: BLE001
        pass
