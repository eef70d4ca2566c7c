from __future__ import annotations

import datetime
from typing import Any

from praja.coordination.models import Commitment

TODAY = datetime.date(2024, 11, 20)


def _c(due: datetime.date, status: str = "open") -> Commitment:
    return Commitment(due_date=due, status=status)


def test_a_commitment_due_later_than_three_days_is_open() -> None:
    assert _c(TODAY + datetime.timedelta(days=4)).state(TODAY) == "open"


def test_a_commitment_due_within_three_days_is_due_soon() -> None:
    assert _c(TODAY + datetime.timedelta(days=3)).state(TODAY) == "due_soon"
    assert _c(TODAY).state(TODAY) == "due_soon"


def test_a_commitment_past_its_due_date_is_overdue() -> None:
    assert _c(TODAY - datetime.timedelta(days=1)).state(TODAY) == "overdue"


def test_a_done_commitment_is_done_even_when_late() -> None:
    assert _c(TODAY - datetime.timedelta(days=10), status="done").state(TODAY) == "done"


def test_the_due_soon_window_is_a_setting(settings: Any) -> None:
    settings.PRAJA_COMMITMENT_DUE_SOON_DAYS = 7
    assert _c(TODAY + datetime.timedelta(days=6)).state(TODAY) == "due_soon"
    settings.PRAJA_COMMITMENT_DUE_SOON_DAYS = 1
    assert _c(TODAY + datetime.timedelta(days=2)).state(TODAY) == "open"
