"""The risk services: recompute and its audit trail, incidents moving the index, roll-ups, the demo values."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from praja.accounts.tests.fixtures import World
from praja.base.models import AuditEntry
from praja.base.scope import Scope
from praja.risk import catalogue as cat
from praja.risk import index as ix
from praja.risk import services
from praja.risk.models import IncidentSignal, Indicator, IndicatorValue, RiskConfig, TPSScore
from praja.risk.tests.conftest import T1, T2, T3, T4, T_OTHER_REGENCY, add_value

pytestmark = pytest.mark.django_db

TODAY = date(2024, 11, 27)


def score(code: str) -> TPSScore:
    return TPSScore.objects.get(tps_id=code)


def test_recompute_stores_every_tps_with_the_cores_score_and_explanation(risk_world: World) -> None:
    add_value(T1, "riwayat_kekerasan", note="2019: perkelahian saat penghitungan")
    add_value(T1, "dptb", 10, agency="KPU")
    add_value(T3, "lokasi_khusus", note="Lapas")
    result = services.recompute("35.07", as_of=TODAY)
    assert result.tps == 4 and TPSScore.objects.count() == 4  # 35.08 untouched
    assert not TPSScore.objects.filter(tps_id=T_OTHER_REGENCY).exists()
    history = ix.history_values([], [T1], TODAY)[T1]
    core = ix.score_tps(
        [
            ix.IndicatorValue(
                "riwayat_kekerasan", 1.0, "Bawaslu", date(2024, 11, 15), "2019: perkelahian saat penghitungan"
            ),
            ix.IndicatorValue("dptb", 10.0, "KPU", date(2024, 11, 15), f"dptb at {T1}"),
            *history,
        ],
        tps_code=T1,
    )
    s = score(T1)
    assert s.score == core.score and s.klass == core.klass.value == "rawan"
    expl = s.explanation
    assert [c["key"] for c in expl["contributions"]][:2] == ["riwayat_kekerasan", "dptb"]
    top = expl["contributions"][0]
    assert top["evidence"] == [
        {"value": 1.0, "source": "Bawaslu", "on": "2024-11-15", "note": "2019: perkelahian saat penghitungan"}
    ]
    assert expl["missing"] == list(core.missing) and "intimidasi" in expl["missing"]
    assert score(T3).klass == "khusus" and score(T3).score_klass == "aman"
    assert score(T4).score == 0.0 and score(T4).klass == "aman"


def test_recompute_writes_one_audit_entry_with_the_class_changes(risk_world: World) -> None:
    add_value(T1, "dekat_posko_paslon")
    services.recompute("35.07", as_of=TODAY)
    first = AuditEntry.objects.filter(action="recompute").latest("seq")
    assert first.target_id == "35.07" and first.changes["tps"] == 4 and first.changes["new"] == 4
    assert first.changes["counts"]["kurang_rawan"] == 1 and first.changes["changed"] == []
    add_value(T1, "intimidasi")
    n = AuditEntry.objects.count()
    result = services.recompute("35.07", as_of=TODAY)
    assert AuditEntry.objects.count() == n + 1  # 4 scores rewritten, one entry
    entry = AuditEntry.objects.latest("seq")
    assert result.changed == [(T1, "kurang_rawan", "rawan")]
    assert (
        entry.changes["changed"] == [f"{T1}: kurang_rawan -> rawan"] and entry.changes["class_changes"] == 1
    )


def test_a_districts_thresholds_and_weights_move_the_classes(risk_world: World) -> None:
    add_value(T1, "sulit_dijangkau")  # 5 / 142 = 3.5 points: kurang rawan by default
    services.recompute("35.07", as_of=TODAY)
    assert score(T1).klass == "kurang_rawan"
    RiskConfig.objects.create(
        region_id="35.07", threshold_kurang_rawan=1, threshold_rawan=3, threshold_sangat_rawan=9
    )
    services.recompute("35.07", as_of=TODAY)
    assert score(T1).klass == "rawan" and score(T1).explanation["thresholds"] == [1, 3, 9]
    RiskConfig.objects.filter(region_id="35.07").update(weights={"sulit_dijangkau": 0})
    services.recompute("35.07", as_of=TODAY)
    assert score(T1).score == 0.0 and score(T1).klass == "aman"


def test_a_district_indicator_counts_in_its_district(risk_world: World) -> None:
    Indicator.objects.create(
        key="konflik_pilkades",
        region_id="35.07",
        label_id="Konflik pilkades",
        value_type="boolean",
        default_weight=10,
        source_agency="Polri",
    )
    add_value(T1, "konflik_pilkades", agency="Polsek Donomulyo", note="bentrok pendukung calon kades 2023")
    services.recompute("35.07", as_of=TODAY)
    s = score(T1)
    assert s.score == pytest.approx(round(100 * 10 / (142 + 10), 6)) and s.klass == "rawan"
    assert s.explanation["contributions"][0]["key"] == "konflik_pilkades"


def test_recompute_of_a_kecamatan_touches_only_its_tps(risk_world: World) -> None:
    result = services.recompute("35.07.01", as_of=TODAY)
    assert result.tps == 3 and set(TPSScore.objects.values_list("tps_id", flat=True)) == {T1, T2, T3}
    assert services.recompute("35", as_of=TODAY).tps == 5  # a province: each of its regencies


# --- incidents ----------------------------------------------------------------------------------------


def test_recording_an_incident_raises_the_score_and_crosses_a_threshold(risk_world: World) -> None:
    add_value(T1, "dekat_posko_paslon")  # 3.5: kurang rawan
    add_value(T2, "dekat_posko_paslon")
    services.recompute("35.07", as_of=TODAY)
    before = {c: score(c).score for c in (T1, T2, T3, T4)}
    assert score(T1).klass == "kurang_rawan"

    signal = services.record_incident(T1, TODAY - timedelta(days=1), 3.0, "LAP-2024-0042", as_of=TODAY)

    assert IncidentSignal.objects.get() == signal
    assert score(T1).score > before[T1] and score(T1).klass == "rawan"
    drivers = [c for c in score(T1).explanation["contributions"] if c["points"] > 0]
    assert drivers[0]["key"] == "insiden_tps" and "LAP-2024-0042" not in drivers[0]["evidence"][0]["note"]
    assert (TODAY - timedelta(days=1)).isoformat() in drivers[0]["evidence"][0]["note"]  # when, not which report
    assert score(T2).score > before[T2]  # the same desa: its desa indicator moved
    assert score(T3).score == before[T3] and score(T4).score == before[T4]  # other desa: unchanged
    entry = AuditEntry.objects.filter(action="recompute").latest("seq")
    assert f"{T1}: kurang_rawan -> rawan" in entry.changes["changed"]
    assert AuditEntry.objects.filter(target_type="risk.incidentsignal", action="create").exists()


def test_the_same_report_again_updates_its_incident(risk_world: World) -> None:
    services.recompute("35.07", as_of=TODAY)
    services.record_incident(T1, TODAY, 3.0, "LAP-7", as_of=TODAY)
    high = score(T1).score
    services.record_incident(T1, TODAY, 0.0, "LAP-7", as_of=TODAY)  # the report was downgraded
    assert IncidentSignal.objects.count() == 1 and score(T1).score < high
    services.record_incident(T3, TODAY, 3.0, "LAP-7", as_of=TODAY)  # it was placed at the wrong TPS
    assert score(T1).score == 0.0  # its old place no longer carries it
    assert score(T3).klass == "rawan"


def test_a_withdrawn_report_takes_its_incident_back_out_of_the_index(risk_world: World) -> None:
    add_value(T1, "dekat_posko_paslon")
    services.record_incident(T1, TODAY, 3.0, "LAP-HOAX", as_of=TODAY)
    assert score(T1).klass == "rawan"
    assert services.withdraw_incident("LAP-HOAX", as_of=TODAY) is True
    assert score(T1).klass == "kurang_rawan" and not IncidentSignal.objects.exists()
    assert services.withdraw_incident("LAP-HOAX", as_of=TODAY) is False
    assert AuditEntry.objects.filter(target_type="risk.incidentsignal", action="delete").count() == 1


def test_an_incident_in_a_desa_moves_all_its_tps_and_old_ones_fade(risk_world: World) -> None:
    services.recompute("35.07", as_of=TODAY)
    services.record_incident("35.07.01.2001", TODAY, 5.0, "LAP-9", as_of=TODAY)
    assert score(T1).score > 0 and score(T2).score > 0 and score(T3).score == 0
    services.record_incident(T3, TODAY - timedelta(days=60), 5.0, "LAP-OLD", as_of=TODAY)
    assert score(T3).score == 0  # outside the 30-day window
    with pytest.raises(ValueError):
        services.record_incident("35.07.01", TODAY, 1.0)  # a kecamatan is not a place of an incident
    with pytest.raises(ValueError):
        services.record_incident(T1, TODAY, -1.0)


def test_incident_history_changed_recomputes_the_desa_of_the_codes(risk_world: World) -> None:
    IncidentSignal.objects.create(place_code=T3, on=TODAY, severity=3.0, ref="LAP-3")
    result = services.incident_history_changed([T3], as_of=TODAY)
    assert result.tps == 1 and score(T3).klass == "rawan"
    assert not TPSScore.objects.filter(tps_id=T1).exists()


# --- roll-ups ----------------------------------------------------------------------------------------


def test_rollup_counts_classes_and_the_share_of_rawan_per_kecamatan_and_desa(risk_world: World) -> None:
    add_value(T1, "riwayat_kekerasan")
    add_value(T1, "intimidasi")  # sangat rawan
    add_value(T2, "wilayah_konflik")  # rawan
    add_value(T4, "sulit_dijangkau")  # kurang rawan
    services.recompute("35.07", as_of=TODAY)
    kec = {r.code: r for r in services.rollup(Scope.of(["35.07"]), 3)}
    assert list(kec) == ["35.07.01", "35.07.02"]  # sorted by share, highest first
    donomulyo = kec["35.07.01"]
    assert donomulyo.name == "Donomulyo" and donomulyo.tps == 3 and donomulyo.scored == 3
    assert donomulyo.counts == {"aman": 1, "kurang_rawan": 0, "rawan": 1, "sangat_rawan": 1, "khusus": 0}
    assert donomulyo.rawan_share == pytest.approx(2 / 3) and donomulyo.max_score == score(T1).score
    assert kec["35.07.02"].rawan_share == 0 and kec["35.07.02"].counts["kurang_rawan"] == 1
    desa = services.rollup(Scope.of(["35.07"]), 4, "35.07.01", sort="code")
    assert [(r.code, r.tps, r.rawan) for r in desa] == [("35.07.01.2001", 2, 2), ("35.07.01.2002", 1, 0)]
    assert [r.code for r in services.rollup(Scope.of(["35.07.02"]), 3)] == ["35.07.02"]  # bounded by scope
    by_name = services.rollup(Scope.of(["35.07"]), 3, sort="name")
    assert [r.name for r in by_name] == ["Donomulyo", "Kalipare"]


def test_other_apps_read_the_classes_through_one_function(risk_world: World) -> None:
    add_value(T1, "wilayah_konflik")
    add_value(T3, "lokasi_khusus")
    services.recompute("35.07.01", as_of=TODAY)
    assert services.tps_classes("35.07") == {T1: "rawan", T2: "aman", T3: "khusus"}  # T4 not scored yet
    assert services.tps_classes("35.07.01.2002") == {T3: "khusus"}


def test_rollup_counts_tps_not_yet_scored(risk_world: World) -> None:
    services.recompute("35.07.01.2001", as_of=TODAY)
    rows = {r.code: r for r in services.rollup(Scope.of(["35.07"]), 3)}
    assert rows["35.07.01"].tps == 3 and rows["35.07.01"].scored == 2
    assert rows["35.07.02"].tps == 1 and rows["35.07.02"].scored == 0


# --- the demo district --------------------------------------------------------------------------------


def test_the_demo_district_gets_the_malang_figures_marked_generated_and_scored(demo_district: object) -> None:
    values = IndicatorValue.objects.select_related("indicator")
    assert values.count() > 4042 * 8
    assert set(values.values_list("kind", flat=True)) == {IndicatorValue.Kind.GENERATED}
    assert set(values.values_list("source_agency", flat=True)) == {ix.GENERATED}
    positives = Counter(values.filter(value__gt=0).values_list("indicator__key", flat=True))
    for key, figure in cat.MALANG_FIGURES.items():
        assert positives[key] == figure, key
    assert TPSScore.objects.count() == 4042
    counts = services.class_counts(TPSScore.objects.all())
    assert counts["sangat_rawan"] == 2 and counts["rawan"] > 0 and counts["aman"] > 3900
    assert AuditEntry.objects.filter(action="demo_values", target_type="risk.indicatorvalue").count() == 1
    # loading again replaces the generated values, never doubles them
    n = values.count()
    services.load_demo_values("35.07")
    assert IndicatorValue.objects.count() == n


def test_a_desa_noted_by_two_writers_at_once_is_noted_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two job workers note the same desa: one INSERT fails on the primary key (the other's note, or a scoring run
    # that took it meanwhile); the note is tried again, not lost with the incident it belongs to.
    from django.db import IntegrityError

    from praja.risk.models import PendingIncidentScore

    real = PendingIncidentScore.objects.update_or_create
    calls: list[dict[str, str]] = []

    def racing(**kwargs: str) -> object:
        calls.append(kwargs)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "risk_pendingincidentscore_pkey"')
        return real(**kwargs)

    monkeypatch.setattr(PendingIncidentScore.objects, "update_or_create", racing)
    services.note_pending(["35.07.01.2001/003"])
    assert list(PendingIncidentScore.objects.values_list("desa", flat=True)) == ["35.07.01.2001"]
    assert len(calls) == 2
