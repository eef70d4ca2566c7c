"""One moment per page: the date-time a situation page shows (every card, chart and list at that moment).

Read from the query string: ``saat=YYYY-MM-DDTHH:MM`` (what an <input type="datetime-local"> sends), or the older
``tanggal=YYYY-MM-DD`` (the end of that day; today: now). Nothing given: now. A moment in the future is now.
An impossible date (0001-01-01, 2024-02-30, text) answers 400 through ``BadRequest``: never a 500.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

# The dates a page may show, and what an impossible one raises (a 400 naming it): praja/base/dates.py.
from praja.base.dates import EARLIEST, LATEST, ImpossibleDate, parse_date

__all__ = ["EARLIEST", "LATEST", "ImpossibleDate", "parse_date", "parse_moment", "end_of", "now", "from_request",
           "input_value"]


def parse_moment(raw: str) -> datetime.datetime | None:
    """YYYY-MM-DDTHH:MM[:SS] in local time; '' is None; anything impossible raises BadRequest."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if "T" not in raw and " " not in raw:
        day = parse_date(raw)
        return end_of(day) if day else None
    try:
        naive = datetime.datetime.fromisoformat(raw.replace(" ", "T"))
    except ValueError as exc:
        raise ImpossibleDate(raw) from exc
    if not EARLIEST <= naive.date() <= LATEST:
        raise ImpossibleDate(raw)
    if naive.tzinfo is not None:
        return naive
    return timezone.make_aware(naive)


def end_of(day: datetime.date) -> datetime.datetime:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start + datetime.timedelta(days=1) - datetime.timedelta(seconds=1)


def now() -> datetime.datetime:
    """Now: read once per page, so every part of the page shows the same moment. While a drill is viewed, the
    drill's clock (its day, its hour): the pages show the drill as it runs."""
    from praja.base import drillctx

    clock = drillctx.viewed_clock()
    return clock if clock is not None else timezone.now()


def from_request(request: Any) -> tuple[datetime.datetime, bool]:
    """(the moment, whether it was chosen) from ?saat= or ?tanggal=; now when neither; never in the future."""
    get = getattr(request, "GET", {})
    post = getattr(request, "POST", {})
    raw_at = (post.get("saat") if hasattr(post, "get") else "") or get.get("saat", "")
    raw_day = (post.get("tanggal") if hasattr(post, "get") else "") or get.get("tanggal", "")
    current = now()
    at = parse_moment(raw_at)
    if at is None:
        day = parse_date(raw_day)
        if day is None or day >= timezone.localdate(current):
            return current, False
        at = end_of(day)
    if at >= current:
        return current, False
    return at, True


def input_value(at: datetime.datetime) -> str:
    """The value of the page's <input type="datetime-local">."""
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
