"""Polite fetching of the RSS/Atom sources an analyst lists.

Each fetch: a timeout (PRAJA_INFOWATCH_FETCH_TIMEOUT_S), a size cap (PRAJA_INFOWATCH_FETCH_MAX_BYTES), a
User-Agent that names Praja, and a conditional request (If-None-Match / If-Modified-Since from the last
answer), so an unchanged feed costs one short 304. A failure (network, HTTP error, a feed that cannot be
parsed at all) counts on the source and pushes its next fetch back exponentially (base
PRAJA_INFOWATCH_BACKOFF_S, doubling, at most PRAJA_INFOWATCH_BACKOFF_MAX_S); a success resets it. A feed
that parses with errors but still has entries is used, its items flagged ``malformed_feed``.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from praja.infowatch import netguard, services
from praja.infowatch.models import Channel, Source


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "PRAJA_INFOWATCH_" + name, default)


log = logging.getLogger("praja.infowatch.fetch")


def allow_hosts() -> set[str]:
    """Hosts exempt from the public-address check (PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS)."""
    return netguard.allowed_hosts(_setting("FETCH_ALLOW_HOSTS", ""))


USER_AGENT = "Praja/1.0 (election security hoax monitoring; +https://github.com/praja)"


@dataclass
class FetchResult:
    source: str
    status: str  # "ok", "not modified", "error", "skipped"
    new: int = 0
    repeated: int = 0
    error: str = ""


def backoff_delay(failures: int) -> datetime.timedelta:
    base = float(_setting("BACKOFF_S", 300))
    cap = float(_setting("BACKOFF_MAX_S", 6 * 3600))
    return datetime.timedelta(seconds=min(cap, base * (2 ** max(0, failures - 1))))


def _entry_time(entry: Any) -> datetime.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.datetime.fromtimestamp(calendar.timegm(t), tz=datetime.UTC)
            except (OverflowError, ValueError, TypeError):
                return None
    return None


def _fail(src: Source, now: datetime.datetime, status: str, error: str) -> FetchResult:
    src.failures += 1
    src.last_status = status[:40]
    src.last_error = error[:300]
    src.last_fetched_at = now
    src.next_fetch_at = now + backoff_delay(src.failures)
    src.last_new_items = 0
    src.save(update_fields=["failures", "last_status", "last_error", "last_fetched_at", "next_fetch_at",
                            "last_new_items"])
    return FetchResult(src.name, "error", error=error)


def fetch_source(src: Source, *, now: datetime.datetime | None = None, force: bool = False,
                 sync: bool = False) -> FetchResult:
    import feedparser

    now = now or timezone.now()
    if not force and src.next_fetch_at and src.next_fetch_at > now:
        return FetchResult(src.name, "skipped")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, */*;q=0.5"}
    if src.etag:
        headers["If-None-Match"] = src.etag
    if src.last_modified:
        headers["If-Modified-Since"] = src.last_modified
    limit = int(_setting("FETCH_MAX_BYTES", 5_000_000))
    try:
        resp = netguard.fetch(src.url, headers=headers, timeout=float(_setting("FETCH_TIMEOUT_S", 10)),
                              max_bytes=limit, allow=allow_hosts())
    except netguard.NotModified:
        src.failures = 0
        src.last_status = "304"
        src.last_error = ""
        src.last_fetched_at = now
        src.last_new_items = 0
        src.next_fetch_at = now + datetime.timedelta(seconds=float(_setting("FETCH_INTERVAL_S", 900)))
        src.save(update_fields=["failures", "last_status", "last_error", "last_fetched_at", "next_fetch_at",
                                "last_new_items"])
        return FetchResult(src.name, "not modified")
    except netguard.FetchRefused as e:
        log.warning("feed source %s not fetched: %s", src.pk, e.reason)
        return _fail(src, now, "error", netguard.REFUSED)
    data = resp.body
    etag = resp.headers.get("etag", "") or ""
    modified = resp.headers.get("last-modified", "") or ""
    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    if parsed.get("bozo") and not entries:
        return _fail(src, now, "malformed", "umpan tidak dapat dibaca (bukan RSS/Atom) / not an RSS or Atom feed")
    flags = ["malformed_feed"] if parsed.get("bozo") else []
    new = repeated = 0
    new_ids: list[int] = []
    for entry in entries:
        guid = str(entry.get("id") or entry.get("link") or entry.get("title") or "")[:250]
        if not guid:
            continue
        summary = str(entry.get("summary") or entry.get("description") or "")
        link = str(entry.get("link") or "")
        r = services.ingest(
            channel=Channel.FEED, text=summary, title=str(entry.get("title") or ""),
            author=str(entry.get("author") or ""), url=link if link.startswith(("http://", "https://")) else "",
            published_at=_entry_time(entry), source=src, key=f"feed:{src.pk}:{guid}", flags=flags,
            analyse_now=False,
        )
        if r.created:
            new += 1
            new_ids.append(r.item.pk)
        else:
            repeated += 1
    src.etag = etag[:300]
    src.last_modified = modified[:100]
    src.failures = 0
    src.last_status = "ok"
    src.last_error = "" if not flags else "feed parsed with errors; entries kept"
    src.last_fetched_at = now
    src.last_new_items = new
    src.next_fetch_at = now + datetime.timedelta(seconds=float(_setting("FETCH_INTERVAL_S", 900)))
    src.save()
    services.after_input(new_ids, reason=f"feed {src.pk}", sync=sync)
    return FetchResult(src.name, "ok", new=new, repeated=repeated)


def fetch_due(*, now: datetime.datetime | None = None, force: bool = False, sync: bool = False) -> list[FetchResult]:
    now = now or timezone.now()
    return [fetch_source(s, now=now, force=force, sync=sync)
            for s in Source.objects.filter(active=True).order_by("pk")]
