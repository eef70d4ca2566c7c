"""The accounts app's two-kecamatan world (35.07.01 Donomulyo, 35.07.02 Kalipare) with the agencies of the
legal paths and a person for each reports role, plus a helper that files a report through intake.

Imported by the handling tests: ``from praja.reports.tests.handle_world import *``.
"""

from __future__ import annotations

from typing import Any

import pytest

from praja.accounts.models import Agency
from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, OTHER_KEC, World, make_person
from praja.base import audit
from praja.reports import handling, intake
from praja.reports.models import Report

SYSTEM = audit.Actor(None, "system:test", "", "cli")

# agency slug -> (kind, name, region, parent slug)
EXTRA_AGENCIES = [
    ("bawaslu-malang", "bawaslu", "Bawaslu Kabupaten Malang", "35.07", None),
    ("panwascam-donomulyo", "panwascam", "Panwascam Donomulyo", HOME_KEC, "bawaslu-malang"),
    ("gakkumdu-malang", "gakkumdu", "Sentra Gakkumdu Kabupaten Malang", "35.07", None),
    ("propam-polda-jatim", "propam", "Bid Propam Polda Jawa Timur", "35", None),
    ("kpu-malang", "kpu", "KPU Kabupaten Malang", "35.07", None),
    ("dkpp", "dkpp", "DKPP RI", "35", None),
    ("kasn", "kasn", "KASN/BKN", "35", None),
    ("pom-tni", "pom_tni", "Pomdam V/Brawijaya", "35", None),
    ("pemda-malang", "pemda", "Pemerintah Kabupaten Malang", "35.07", None),
    ("kodim-0818", "kodim", "Kodim 0818", "35.07", None),
    ("koramil-donomulyo", "koramil", "Koramil Donomulyo", HOME_KEC, "kodim-0818"),
]

# person key -> (agency slug, role, region)
EXTRA_PEOPLE = [
    ("bawaslu", "bawaslu-malang", "bawaslu_staff", "35.07"),
    ("bawaslu_custodian", "bawaslu-malang", "bawaslu_staff", "35.07"),
    ("panwascam", "panwascam-donomulyo", "panwascam", HOME_KEC),
    ("gakkumdu", "gakkumdu-malang", "gakkumdu", "35.07"),
    ("propam", "propam-polda-jatim", "propam", "35"),
    ("kpu", "kpu-malang", "kpu_staff", "35.07"),
    ("pemda", "pemda-malang", "pemda_staff", "35.07"),
    ("kodim", "kodim-0818", "kodim_staff", "35.07"),
    ("koramil", "koramil-donomulyo", "koramil_staff", HOME_KEC),
    ("polres_leader", "polres-malang", "polres_leader", "35.07"),
    ("media", "polres-malang", "media", "35.07"),
    ("other_kapolsek", "polsek-kalipare", "polsek_leader", OTHER_KEC),
]


def extend_world(w: World) -> World:
    for slug, kind, name, region, parent in EXTRA_AGENCIES:
        w.agencies[slug] = Agency.objects.create(
            slug=slug, kind=kind, name=name, region_id=region,
            parent=w.agencies[parent] if parent else None,
        )
    for key, agency, role, region in EXTRA_PEOPLE:
        w.people[key] = make_person(key, w.agencies[agency], [(role, region)])
    return w


@pytest.fixture
def hworld(world: World) -> World:
    with audit.acting_as(SYSTEM):
        return extend_world(world)


def file_report(**fields: Any) -> Report:
    """A report through the one intake path (validate + submit), as the public form would file it."""
    raw: dict[str, Any] = {"category": "politik_uang", "description": "Bagi-bagi amplop di balai desa",
                           "region": HOME_DESA}
    raw.update(fields)
    channel = raw.pop("channel", "web_publik")
    answer = intake.submit(intake.validate(raw), channel=channel)
    return answer.report


def act(person_or_user: Any) -> handling.By:
    user = getattr(person_or_user, "user", person_or_user)
    return handling.by(user)
