"""One moment per page: the date-time a situation page shows (every card, chart and list at that moment).

Read from the query string: ``saat=YYYY-MM-DDTHH:MM`` (what an <input type="datetime-local"> sends), or the older
``tanggal=YYYY-MM-DD`` (the end of that day; today: now). Nothing given: now. A moment in the future is now.
An impossible date (0001-01-01, 2024-02-30, text) answers 400 through ``BadRequest``: never a 500.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


class ImpossibleDate(BadRequest):
    """A date or moment in the address that cannot be shown: the 400 page (praja/ops/errors.py) names it."""

    def __init__(self, raw: str) -> None:
        self.raw = raw[:40]
        super().__init__(
            _("Tanggal atau waktu tidak sah: %(raw)s. Tulis tanggal antara %(first)s dan %(last)s "
              "(TTTT-BB-HH, misalnya 2024-11-27).")
            % {"raw": self.raw, "first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
        )


def parse_date(raw: str) -> datetime.date | None:
    """YYYY-MM-DD inside 2000..2099; '' is None; anything else raises BadRequest."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ImpossibleDate(raw) from exc
    if not EARLIEST <= day <= LATEST:
        raise ImpossibleDate(raw)
    return day


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
