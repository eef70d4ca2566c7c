from __future__ import annotations

import datetime

import pytest
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
    r = officer.get(reverse("coordination:stages"))
    assert r.status_code == 200 and "Belum ada kalender tahapan yang dimuat." in main_of(r)
    # issue 14: an impossible date is a 400 naming it, no longer silently today
    bad = officer.get(reverse("coordination:stages") + "?tanggal=bukan-tanggal")
    assert bad.status_code == 400 and "Tanggal atau waktu tidak sah: bukan-tanggal" in bad.content.decode()


REVOTE = """{"slug": "psu-2025", "name": "Pemungutan Suara Ulang 2025",
 "stages": [
  {"name": "Pengumuman PSU", "start": "2025-02-10", "end": "2025-02-14", "checklist": ["Peta TPS PSU"]},
  {"name": "Hari PSU", "start": "2025-02-22", "end": "2025-02-22", "voting_day": true,
   "checklist": ["Pos TPS PSU terisi personel"]}
 ]}"""


def test_a_re_vote_calendar_replaces_the_picture_and_its_voting_day(
    db: None, tmp_path: object, ops: Client
) -> None:
    from pathlib import Path

    from praja.situation.dashboard import voting_day

    services.load_election()
    assert voting_day() == datetime.date(2024, 11, 27)
    path = Path(str(tmp_path)) / "psu.json"
    path.write_text(REVOTE, "utf-8")
    call_command("load_stages", str(path))
    assert voting_day() == datetime.date(2025, 2, 22)  # not found by its name: "Hari PSU" is marked
    html = ops.get(reverse("situation:home") + "?tanggal=2025-02-18").content.decode()
    panel = html[html.index('id="stage-panel"'):]
    assert "Pemungutan Suara Ulang 2025" in panel and "Hari PSU" in panel
    assert "Pos TPS PSU terisi personel" in panel


@pytest.mark.parametrize("bad, message", [
    ('{"slug": "x", "name": "X", "stages": [{"name": "A", "start": "2025-02-31", "end": "2025-03-01"}]}',
     "stage 1 (A): field 'start' must be a date"),
    ('{"slug": "x", "name": "X", "stages": [{"name": "A", "start": "2025-02-01", "end": "2025-01-01"}]}',
     "stage 1 (A): field 'end' (2025-01-01) is before 'start'"),
    ('{"slug": "x", "name": "X", "stages": [{"name": "A", "start": "2025-02-01", "end": "2025-02-02"},'
     ' {"start": "2025-02-03"}]}',
     "stage 2: field 'name' is missing"),
    ('{"slug": "x", "stages": []}', "field 'name' is missing"),
    ('{"slug": "x", "name": "X", "stages": [', "psu.json"),
])
def test_a_bad_calendar_file_is_refused_whole_naming_the_stage_and_field(
    db: None, tmp_path: object, bad: str, message: str
) -> None:
    from pathlib import Path

    from django.core.management.base import CommandError

    services.load_election()
    path = Path(str(tmp_path)) / "psu.json"
    path.write_text(bad, "utf-8")
    with pytest.raises(CommandError) as err:
        call_command("load_stages", str(path))
    assert message in str(err.value) and "psu.json" in str(err.value)
    assert list(Election.objects.values_list("slug", flat=True)) == ["pilkada-2024"]
    assert Election.objects.get().stages.count() == 13
