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


def test_the_week_ahead_lists_the_checklist_and_the_commitments_falling_due(polres_ops: Client) -> None:
    import datetime

    from django.utils import timezone

    from praja.accounts.models import Agency
    from praja.coordination.models import Commitment, Decision, Meeting

    load_election()
    meeting = Meeting.objects.create(title="Rakor Forkopimda", held_at=timezone.now(), place="Pendopo",
                                     chair="Bupati", region_id="35.07")
    polres = Agency.objects.get(slug="polres-malang")
    for n, (text, due) in enumerate([("Pengawalan logistik ke PPK", datetime.date(2024, 11, 26)),
                                     ("Apel kesiapan", datetime.date(2024, 11, 20)),
                                     ("Evaluasi akhir operasi", datetime.date(2024, 12, 30))], start=1):
        Commitment.objects.create(decision=Decision.objects.create(meeting=meeting, number=n, text=text),
                                  owner=polres, due_date=due)
    panel = _panel(polres_ops.get(reverse("situation:home") + "?tanggal=2024-11-25").content.decode())
    upcoming = panel[panel.index("Dimulai dalam 7 hari"):]
    assert "Harus siap sebelum tahap ini" in upcoming and "Pos TPS terisi personel" in upcoming
    assert "2 komitmen rakor jatuh tempo dalam 7 hari" in panel and "1 lewat tenggat" in panel
    assert "Pengawalan logistik ke PPK" in panel and "Evaluasi akhir operasi" not in panel
