"""The home page says which election stage it is and what starts this week."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from praja.coordination.services import load_election

pytestmark = pytest.mark.django_db


def _panel(html: str) -> str:
    start = html.index('id="stage-panel"')
    return html[start:html.index("</section>", start)]


def test_without_a_calendar_there_is_no_stage_panel(polres_ops: Client) -> None:
    assert 'id="stage-panel"' not in polres_ops.get(reverse("situation:home")).content.decode()


def test_the_quiet_period_is_current_and_voting_day_starts_within_the_week(polres_ops: Client) -> None:
    load_election()
    html = polres_ops.get(reverse("situation:home") + "?tanggal=2024-11-25").content.decode()
    panel = _panel(html)
    assert "Masa tenang" in panel or "masa tenang" in panel.lower()
    upcoming = panel[panel.index("Dimulai dalam 7 hari"):]
    assert "27 Nov 2024" in upcoming
    assert "tanggal=2024-11-25" in panel


def test_a_day_between_elections_says_no_stage_is_running(polres_ops: Client) -> None:
    load_election()
    html = polres_ops.get(reverse("situation:home") + "?tanggal=2026-11-28").content.decode()
    assert "Tidak ada tahapan yang berjalan" in _panel(html)
