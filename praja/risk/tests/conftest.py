"""Fixtures of the risk tests: the accounts app's two-kecamatan world (35.07.01 Donomulyo with 3 TPS,
35.07.02 Kalipare with 1), plus a neighbouring regency with one TPS, a Bawaslu staffer, and helpers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.accounts.tests.fixtures import World, client_for, make_person
from praja.base import audit
from praja.risk.models import IncidentSignal, IndicatorValue, RiskConfig, TPSScore
from praja.territory.models import TPS, Region

T1 = "35.07.01.2001/001"  # Tulungrejo 1 (Donomulyo)
T2 = "35.07.01.2001/002"  # Tulungrejo 2
T3 = "35.07.01.2002/001"  # Sumberoto 1 (Donomulyo)
T4 = "35.07.02.2001/001"  # Arjosari 1 (Kalipare)
T_OTHER_REGENCY = "35.08.01.2001/001"  # Lumajang: outside every 35.07 scope
DAY = date(2024, 11, 15)
SYSTEM = audit.Actor(None, "system:test", "", "cli")


@pytest.fixture
def risk_world(world: World) -> World:
    """The accounts world plus regency 35.08 with one TPS, and a Bawaslu staffer of 35.07."""
    for code, name, level, kind, parent in [
        ("35.08", "Lumajang", 2, "kabupaten", "35"),
        ("35.08.01", "Tempursari", 3, "kecamatan", "35.08"),
        ("35.08.01.2001", "Tempursari", 4, "desa", "35.08.01"),
    ]:
        world.regions[code] = Region.objects.create(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent,
            centroid_lat=-8.3,
            centroid_lng=113.0,
        )
    t = TPS.objects.create(desa_id="35.08.01.2001", number=1, voters=200, lat=-8.3, lng=113.0)
    world.tps[t.code] = t
    from praja.accounts.models import Agency

    bawaslu = Agency.objects.create(
        slug="bawaslu-malang", kind="bawaslu", name="Bawaslu Kab. Malang", region_id="35.07"
    )
    world.agencies[bawaslu.slug] = bawaslu
    world.people["bawaslu"] = make_person("bawaslu", bawaslu, [("bawaslu_staff", "35.07")])
    return world


@pytest.fixture
def ops(risk_world: World) -> Client:
    """Polres operations staff (risk.edit), scope 35.07."""
    return client_for(risk_world.people["polres_ops"].user, second_factor=False)


@pytest.fixture
def officer(risk_world: World) -> Client:
    """A Polsek officer of 35.07.01 (territory.view, no risk.edit)."""
    return client_for(risk_world.people["officer"].user, second_factor=False)


@pytest.fixture
def bawaslu(risk_world: World) -> Client:
    """A Bawaslu staffer of 35.07 (risk.edit; second factor passed)."""
    return client_for(risk_world.people["bawaslu"].user)


def add_value(
    tps: str,
    key: str,
    value: float = 1.0,
    agency: str = "Bawaslu",
    on: date = DAY,
    note: str = "",
    kind: str = IndicatorValue.Kind.IMPORT,
) -> IndicatorValue:
    from praja.risk.models import Indicator

    ind = Indicator.objects.filter(key=key).order_by("region_id").first()
    assert ind is not None, key
    return IndicatorValue.objects.create(
        tps_id=tps,
        indicator=ind,
        value=value,
        source_agency=agency,
        observed_on=on,
        evidence=note or f"{key} at {tps}",
        kind=kind,
    )


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Every risk row that an import or a rejected request could touch."""
    values = list(IndicatorValue.objects.order_by("pk").values_list())
    scores = list(TPSScore.objects.order_by("pk").values_list("tps_id", "score", "klass", "computed_at"))
    configs = list(RiskConfig.objects.order_by("pk").values_list())
    incidents = list(IncidentSignal.objects.order_by("pk").values_list())
    return values, scores, configs, incidents
