"""Fixtures of the coordination tests: the accounts app's two-kecamatan world (35.07.01 Donomulyo,
35.07.02 Kalipare) and a rakor held in Donomulyo with one decision."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.accounts.tests.fixtures import HOME_KEC, World, client_for
from praja.base import audit
from praja.coordination.models import Decision, Meeting

SYSTEM = audit.Actor(None, "system:test", "", "cli")


@pytest.fixture
def meeting(world: World) -> Meeting:
    with audit.acting_as(SYSTEM):
        m = Meeting.objects.create(
            title="Rakor Pengamanan Kampanye", held_at=timezone.now() - datetime.timedelta(days=1),
            place="Aula Kecamatan Donomulyo", chair="Camat Donomulyo", region_id=HOME_KEC,
            agenda="Kesiapan kampanye", minutes="Rapat dibuka pukul 09.00.",
        )
        Decision.objects.create(meeting=m, number=1, text="Polsek memetakan titik kampanye")
    return m


@pytest.fixture
def ops(world: World) -> Client:
    """polres_ops on regency 35.07 (coordination.manage), agency Polres Malang."""
    return client_for(world.people["polres_ops"].user, second_factor=False)


@pytest.fixture
def officer(world: World) -> Client:
    """polsek_officer on 35.07.01, agency Polsek Donomulyo."""
    return client_for(world.people["officer"].user, second_factor=False)


@pytest.fixture
def other_officer(world: World) -> Client:
    """polsek_officer on 35.07.02, agency Polsek Kalipare."""
    return client_for(world.people["other_officer"].user, second_factor=False)
