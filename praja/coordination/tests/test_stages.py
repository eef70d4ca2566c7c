from __future__ import annotations

import datetime

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import World, main_of
from praja.coordination import services
from praja.coordination.models import Election


def test_the_pilkada_2024_calendar_loads_and_reloads_without_duplicates(db: None) -> None:
    call_command("load_stages")
    call_command("load_stages")
    e = Election.objects.get(slug="pilkada-2024")
    assert e.stages.count() == 13
    voting = e.stages.get(name="Pemungutan suara")
    assert voting.start == voting.end == datetime.date(2024, 11, 27)


def test_on_voting_day_the_current_stages_are_voting_and_counting(db: None) -> None:
    e = services.load_election()
    names = {s.name for s in services.current_stages(e, datetime.date(2024, 11, 27))}
    assert names == {"Pemungutan suara", "Penghitungan dan rekapitulasi suara"}


def test_in_the_quiet_period_the_current_stage_is_masa_tenang(db: None) -> None:
    e = services.load_election()
    assert [s.name for s in services.current_stages(e, datetime.date(2024, 11, 25))] == ["Masa tenang"]


def test_what_starts_this_week_is_listed(db: None) -> None:
    e = services.load_election()
    names = [s.name for s in services.starting_within(e, datetime.date(2024, 11, 22))]
    assert names == ["Masa tenang", "Pemungutan suara", "Penghitungan dan rekapitulasi suara"]


def test_the_stage_page_shows_the_current_stage_for_a_given_date(officer: Client, world: World) -> None:
    services.load_election()
    page = main_of(officer.get(reverse("coordination:stages") + "?tanggal=2024-11-25"))
    current = page[page.index('id="current"'):page.index('id="upcoming"')]
    assert "Masa tenang" in current and "Kampanye" not in current
    upcoming = page[page.index('id="upcoming"'):page.index('id="stages"')]
    assert "Pemungutan suara" in upcoming and "Pos TPS terisi personel" in upcoming


def test_the_stage_page_without_a_calendar_says_so(officer: Client) -> None:
    r = officer.get(reverse("coordination:stages") + "?tanggal=bukan-tanggal")
    assert r.status_code == 200 and "Belum ada kalender tahapan yang dimuat." in main_of(r)
