"""A busy day in the situation tests' world: scored TPS, reports (one severe, one closed, one in Kota Malang)
and a growing hoax narrative in Donomulyo. The `busy` fixture is registered in conftest.py."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from praja.accounts import audit

if TYPE_CHECKING:
    from praja.situation.tests.conftest import World

SYSTEM = audit.Actor(None, "system:test", "", "cli")


def make_report(tps: str | None, region: str, severity: int = 2, status: str = "baru", title: str = "Laporan",
                hours_ago: float = 1.0, category: str = "keamanan") -> Any:
    from praja.reports.models import Report

    n = Report.objects.count() + 1
    with audit.acting_as(SYSTEM):
        return Report.objects.create(
            receipt=f"R{n:06d}", channel="staf", category=category, severity=severity, title=title,
            description="uraian", received_at=timezone.now() - datetime.timedelta(hours=hours_ago),
            region_id=region, tps_id=tps, status=status,
        )


def score_tps(world: World, klass: dict[str, str]) -> None:
    from praja.risk.models import TPSScore

    with audit.acting_as(SYSTEM):
        for code, k in klass.items():
            TPSScore.objects.create(tps=world.tps[code], score=80 if "rawan" in k else 10, klass=k, score_klass=k,
                                    assessed_share=1.0, computed_at=timezone.now())


def narrative(places: list[str], growth: float = 3.0, title: str = "Hoaks surat suara tercoblos") -> Any:
    from praja.infowatch.models import Narrative

    now = timezone.now()
    with audit.acting_as(SYSTEM):
        return Narrative.objects.create(key=title[:60], title=title, first_seen=now - datetime.timedelta(hours=30),
                                        last_seen=now, volume=40, growth=growth, places=places)


@pytest.fixture
def busy(world: World) -> World:
    score_tps(world, {"35.07.01.2001/001": "sangat_rawan", "35.07.01.2001/002": "rawan",
                      "35.07.01.2002/001": "aman", "35.07.02.2001/001": "aman", "35.07.02.2001/002": "aman"})
    make_report("35.07.01.2001/001", "35.07.01.2001", severity=4, title="Bentrok massa di TPS 1")
    make_report(None, "35.07.01.2002", severity=2, title="Baliho dirusak")
    make_report(None, "35.07.01.2002", severity=2, status="ditutup", title="Sudah selesai")
    make_report(None, "35.73.01.1001", severity=4, title="Kota: tidak boleh terlihat")
    narrative(["35.07.01"])
    return world


