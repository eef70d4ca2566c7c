"""The home page's stage panel: which Pilkada stage it is and what starts this week (from coordination)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from praja.coordination import services
from praja.coordination.models import Election


@dataclass
class StagePanel:
    election: Any
    day: datetime.date
    current: list[Any] = field(default_factory=list)
    upcoming: list[Any] = field(default_factory=list)
    url: str = ""


def day_of(raw: str) -> datetime.date:
    """?tanggal=YYYY-MM-DD (to look at the 2024 demo as it was), else today in the server's zone."""
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def stage_panel(raw_day: str = "") -> StagePanel | None:
    election = Election.objects.first()  # the newest election loaded (Meta.ordering = -pk)
    if election is None:
        return None
    day = day_of(raw_day)
    return StagePanel(
        election=election, day=day, current=services.current_stages(election, day),
        upcoming=services.starting_within(election, day),
        url=f"{reverse('coordination:stages')}?tanggal={day.isoformat()}",
    )
