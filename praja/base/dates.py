"""Dates read from a page's address: 2000-01-01..2099-12-31, anything else is an ``ImpossibleDate`` (a
``BadRequest``: the 400 page of praja/ops/errors.py names it in Indonesian; issue 14). Used by the situation pages
(praja/situation/moment.py) and the stage calendar (praja/coordination/views.py)."""

from __future__ import annotations

import datetime

from django.core.exceptions import BadRequest
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


