"""Rate limits per sender address and per phone number: ``hit(bucket, key, limit, window_s) -> bool``.

A fixed-window counter in the Django cache (the default cache: file-based in var/cache on one machine,
Redis in production so every server counts together). One ``add`` (first hit of a window) or one ``incr``
per call. The key is hashed before it reaches the cache, so addresses and phone numbers are never stored
as cache keys in clear.

``limit`` 0 (or below) means unlimited: nothing is counted and the call costs nothing (a benchmark lifts
the public limit with PRAJA_REPORTS_PUBLIC_RATE=0).

A cache that fails (Redis down, a full disk) lets the request through and logs once per failure: an
election report is worth more than a perfect count.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import BaseCache, caches

log = logging.getLogger("praja.reports.ratelimit")

PREFIX = "praja:rl"


def _cache() -> BaseCache:
    return caches[getattr(settings, "PRAJA_RATELIMIT_CACHE", "default")]


def cache_key(bucket: str, key: str, window_s: int, now: float | None = None) -> str:
    """The counter's cache key for ``key`` in ``bucket`` for the current window."""
    slot = int((time.time() if now is None else now) // max(1, window_s))
    digest = hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=12).hexdigest()
    return f"{PREFIX}:{bucket}:{window_s}:{slot}:{digest}"


def hit(bucket: str, key: str, limit: int, window_s: int) -> bool:
    """Count one request of ``key`` in ``bucket``; True when it is within ``limit`` per ``window_s`` seconds.

    A refused request still counts (a sender who keeps hammering stays refused until the window ends).
    """
    if limit <= 0:
        return True
    window_s = max(1, int(window_s))
    name = cache_key(bucket, key, window_s)
    cache = _cache()
    try:
        # the window's counter lives a little longer than the window, so a late incr finds it
        if cache.add(name, 1, timeout=window_s + 1):
            count = 1
        else:
            try:
                count = int(cache.incr(name))
            except ValueError:  # expired between add and incr
                cache.set(name, 1, timeout=window_s + 1)
                count = 1
    except Exception:  # noqa: BLE001 - a broken cache must not stop a report
        log.exception("rate-limit cache failed for bucket %s; request let through", bucket)
        return True
    return count <= limit


def remaining(bucket: str, key: str, limit: int, window_s: int) -> int:
    """How many more requests ``key`` may make in this window (for a Retry/Remaining header); unlimited: -1."""
    if limit <= 0:
        return -1
    window_s = max(1, int(window_s))
    try:
        count = int(_cache().get(cache_key(bucket, key, window_s)) or 0)
    except Exception:  # noqa: BLE001
        return limit
    return max(0, limit - count)


def retry_after(window_s: int, now: float | None = None) -> int:
    """Seconds until the current window ends (the Retry-After of a 429)."""
    window_s = max(1, int(window_s))
    t = time.time() if now is None else now
    return max(1, int(window_s - (t % window_s)))
