"""The home page's stage panel: which Pilkada stage it is and what is due this week (from coordination): the
stages that start within 7 days with the checklist the operation must have done before each, and the rakor
commitments falling due in those 7 days (or already overdue) that the viewer can see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
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
    due: list[Any] = field(default_factory=list)
    due_total: int = 0
    overdue: int = 0
    board_url: str = ""


def day_of(raw: str) -> datetime.date:
    """?tanggal=YYYY-MM-DD (to look at the 2024 demo as it was), else today in the server's zone; an impossible
    date answers 400 (moment.ImpossibleDate)."""
    from praja.situation.moment import parse_date

    return parse_date(raw) or timezone.localdate()


def stage_panel(raw_day: str = "", request: HttpRequest | None = None) -> StagePanel | None:
    day = day_of(raw_day)  # first: an impossible date is a 400 with or without an election
    election = Election.objects.first()  # the newest election loaded (Meta.ordering = -pk)
    if election is None:
        return None
    panel = StagePanel(
        election=election, day=day, current=services.current_stages(election, day),
        upcoming=services.starting_within(election, day),
        url=f"{reverse('coordination:stages')}?tanggal={day.isoformat()}",
    )
    if request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        from praja.accounts import visibility
        from praja.coordination.models import Commitment

        visible = services.visible_commitments(visibility.scope_of(request), services.agency_id_of(request.user))
        open_ = visible.filter(status=Commitment.Status.OPEN)
        week = open_.filter(due_date__lte=day + datetime.timedelta(days=7)).order_by("due_date", "pk")
        panel.due_total = week.count()
        panel.overdue = open_.filter(due_date__lt=day).count()
        panel.due = list(week[:5])
        panel.board_url = reverse("coordination:board")
    return panel
