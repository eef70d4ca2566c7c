"""The risk records: the seeded catalogue, district indicators and settings, and what each scope sees."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from praja.accounts.tests.fixtures import World
from praja.base.scope import Scope
from praja.risk import catalogue as cat
from praja.risk import index as ix
from praja.risk import services
from praja.risk.models import IncidentSignal, Indicator, IndicatorValue, RiskConfig, TPSScore
from praja.risk.tests.conftest import T1, T3, T4, T_OTHER_REGENCY, add_value

pytestmark = pytest.mark.django_db

POLSEK = Scope.of(["35.07.01"])  # a Polsek officer of Donomulyo
REGENCY = Scope.of(["35.07"])  # Polres Malang


def test_the_migration_seeds_the_national_catalogue_as_it_is_in_the_code() -> None:
    rows = list(Indicator.objects.filter(region__isnull=True).order_by("position"))
    assert [i.key for i in rows] == [i.key for i in cat.INDICATORS]
    assert tuple(i.as_core() for i in rows) == cat.INDICATORS
    assert services.ensure_catalogue() == 0  # already there: nothing to do


def test_ensure_catalogue_restores_missing_rows_and_edits() -> None:
    Indicator.objects.filter(key="dptb").delete()
    Indicator.objects.filter(key="intimidasi").update(default_weight=1)
    assert services.ensure_catalogue(force=True) == 2
    assert Indicator.objects.get(key="dptb", region__isnull=True).as_core() == cat.BY_KEY["dptb"]
    assert Indicator.objects.get(key="intimidasi").default_weight == cat.BY_KEY["intimidasi"].weight


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_catalogue_back_with_the_ids_of_a_new_one() -> None:
    """`flush` (what a live-server test ends with) empties every table; post_migrate puts the catalogue back with
    the primary keys migration 0002 gave it, so rows that point to an indicator by id (a copied test world,
    a restored backup) point to the same indicator again; a new district indicator still gets a free id."""
    from django.core.management import call_command

    before = dict(Indicator.objects.filter(region__isnull=True).values_list("key", "pk"))
    assert sorted(before.values()) == list(range(1, len(cat.INDICATORS) + 1))
    # as a transactional test's teardown does it: the id sequences go on where they were
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert dict(Indicator.objects.filter(region__isnull=True).values_list("key", "pk")) == before
    from praja.territory.models import Region

    Region.objects.create(code="35", name="Jawa Timur", level=1, kind="provinsi")
    Region.objects.create(code="35.07", name="Kabupaten Malang", level=2, kind="kabupaten", parent_id="35")
    made = _district("konflik_pilkades", "35.07")
    assert made.pk not in before.values()


def _district(key: str, regency: str, weight: float = 6.0, value_type: str = "boolean") -> Indicator:
    return Indicator.objects.create(
        key=key,
        region_id=regency,
        label_id=key.replace("_", " "),
        value_type=value_type,
        default_weight=weight,
        source_agency="Polri",
    )


def test_a_key_is_unique_nationally_and_within_a_district(risk_world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            key="dptb", label_id="x", value_type="count", default_weight=1, source_agency="KPU"
        )
    _district("konflik_pilkades", "35.07")
    _district("konflik_pilkades", "35.08")  # another district may use the same key
    with pytest.raises(IntegrityError), transaction.atomic():
        _district("konflik_pilkades", "35.07")


def test_a_district_indicator_is_scored_only_in_its_district(risk_world: World) -> None:
    _district("konflik_pilkades", "35.07", weight=8)
    malang = services.config_for("35.07")
    lumajang = services.config_for("35.08")
    assert "konflik_pilkades" in malang.column and "konflik_pilkades" not in lumajang.column
    assert malang.total_weight == pytest.approx(sum(i.weight for i in cat.INDICATORS) + 8)
    assert malang.indicators[-1].origin is cat.Origin.DISTRICT


def test_a_districts_settings_become_the_cores_overrides(risk_world: World) -> None:
    RiskConfig.objects.create(
        region_id="35.07",
        weights={"riwayat_kekerasan": 20, "gone": 3},
        caps={"dptb": 10},
        khusus_keys=["lokasi_khusus", "sulit_dijangkau"],
        threshold_kurang_rawan=1,
        threshold_rawan=2,
        threshold_sangat_rawan=3,
        combine="latest",
    )
    cfg = services.config_for("35.07")
    expected = ix.Config().with_overrides(
        weights={"riwayat_kekerasan": 20},
        caps={"dptb": 10},
        khusus=["lokasi_khusus", "sulit_dijangkau"],
        thresholds=(1, 2, 3),
        combine="latest",
    )
    assert cfg == expected  # an override of an indicator that no longer exists is dropped
    assert services.config_for("35.08") == ix.Config()


# --- scope: one test per model ----------------------------------------------------------------------


def test_indicators_a_scope_sees(risk_world: World) -> None:
    mine = _district("konflik_pilkades", "35.07")
    theirs = _district("sengketa_tapal_batas", "35.08")
    polsek = set(Indicator.objects.visible(POLSEK).values_list("pk", flat=True))
    assert mine.pk in polsek and theirs.pk not in polsek  # his regency's own indicators apply to his TPS
    assert Indicator.objects.filter(region__isnull=True).count() == len(cat.INDICATORS)
    assert set(Indicator.objects.visible(Scope.everything())) >= {mine, theirs}
    assert not Indicator.objects.visible(Scope.nothing()).filter(region__isnull=False).exists()


def test_settings_a_scope_sees(risk_world: World) -> None:
    malang = RiskConfig.objects.create(region_id="35.07")
    lumajang = RiskConfig.objects.create(region_id="35.08")
    assert list(RiskConfig.objects.visible(POLSEK)) == [malang]  # reads his district's thresholds
    assert set(RiskConfig.objects.visible(Scope.everything())) == {malang, lumajang}
    assert not RiskConfig.objects.visible(Scope.nothing()).exists()


def test_values_a_scope_sees(risk_world: World) -> None:
    a, b, c, d = (add_value(t, "riwayat_kekerasan") for t in (T1, T3, T4, T_OTHER_REGENCY))
    assert set(IndicatorValue.objects.visible(POLSEK)) == {a, b}
    assert set(IndicatorValue.objects.visible(REGENCY)) == {a, b, c}
    assert set(IndicatorValue.objects.visible(Scope.of(["35.07.01.2002"]))) == {b}
    assert IndicatorValue.objects.visible(Scope.everything()).count() == 4 and d.pk


def test_scores_a_scope_sees(risk_world: World) -> None:
    services.recompute("35.07")
    services.recompute("35.08")
    assert set(TPSScore.objects.visible(POLSEK).values_list("tps_id", flat=True)) == {
        T1,
        "35.07.01.2001/002",
        T3,
    }
    assert T4 in set(TPSScore.objects.visible(REGENCY).values_list("tps_id", flat=True))
    assert not TPSScore.objects.visible(REGENCY).filter(tps_id=T_OTHER_REGENCY).exists()


def test_incidents_a_scope_sees(risk_world: World) -> None:
    at_tps = IncidentSignal.objects.create(place_code=T1, on=date(2024, 11, 20))
    in_desa = IncidentSignal.objects.create(place_code="35.07.01.2002", on=date(2024, 11, 20))
    elsewhere = IncidentSignal.objects.create(place_code=T4, on=date(2024, 11, 20))
    assert set(IncidentSignal.objects.visible(POLSEK)) == {at_tps, in_desa}
    assert elsewhere in IncidentSignal.objects.visible(REGENCY)


def test_an_incident_reference_is_stored_once(risk_world: World) -> None:
    IncidentSignal.objects.create(place_code=T1, on=date(2024, 11, 20), ref="LAP-1")
    IncidentSignal.objects.create(place_code=T1, on=date(2024, 11, 20))  # no reference: any number
    IncidentSignal.objects.create(place_code=T1, on=date(2024, 11, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentSignal.objects.create(place_code=T3, on=date(2024, 11, 21), ref="LAP-1")
