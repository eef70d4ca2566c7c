from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import World, main_of
from praja.base import audit
from praja.coordination import services
from praja.coordination.models import Meeting
from praja.coordination.tests.conftest import SYSTEM
from praja.situation.tests.conftest import compiled_messages  # noqa: F401


@pytest.mark.parametrize("page", ["index", "board", "stages", "operation", "meeting", "meeting_new"])
def test_coordination_pages_read_in_english(
    ops: Client, world: World, meeting: Meeting, compiled_messages: Any, page: str  # noqa: F811
) -> None:
    with audit.acting_as(SYSTEM):
        services.load_demo("35.07")
    ops.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse(f"coordination:{page}", args=[meeting.pk] if page == "meeting" else [])
    body = main_of(ops.get(url + ("?tanggal=2024-11-25" if page in ("stages", "operation") else "")))
    english = {"index": "Commitments board", "board": "No commitments.",
               "stages": "Current stage", "operation": "Lines of activity", "meeting": "Attendance list",
               "meeting_new": "New meeting"}
    assert english[page] in body
