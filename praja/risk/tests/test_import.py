"""The TPS mapping import (CSV, XLSX): loaded whole and scored, or rejected whole, every bad field named."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.base.models import AuditEntry
from praja.base.scope import Scope
from praja.risk import catalogue as cat
from praja.risk.importers import (
    IndicatorSpec,
    MappingImportResult,
    import_mapping,
    normalise_tps_code,
    parse_value,
)
from praja.risk.models import Indicator, IndicatorValue, TPSScore
from praja.risk.tests.conftest import (
    SYSTEM,
    T1,
    T2,
    T3,
    T4,
    T_OTHER_REGENCY,
    add_value,
    csv_bytes,
    snapshot,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "kode_tps",
    "sumber",
    "tanggal",
    "catatan",
    "riwayat_kekerasan",
    "dptb",
    "keseimbangan_dukungan",
    "catatan_dptb",
]


def load(data: bytes, name: str = "pemetaan.csv", **kw: Any) -> MappingImportResult:
    with audit.acting_as(SYSTEM):
        return import_mapping(name, data, **kw)


def values_of(code: str) -> dict[str, IndicatorValue]:
    return {
        v.indicator.key: v for v in IndicatorValue.objects.filter(tps_id=code).select_related("indicator")
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_clean_file_loads_whole_and_its_tps_are_scored(risk_world: World, kind: str) -> None:
    rows: list[list[object]] = [
        [
            T1,
            "Bawaslu Kab. Malang",
            "2024-11-14",
            "survei pengawas desa",
            "ya",
            12,
            "45%",
            "12 pemilih pindahan",
        ],
        [T2, "", "", "", "tidak", 0, 0.9, ""],
        [T3, "Polsek Donomulyo", "15/11/2024", "", "", "", "", ""],  # nothing assessed in this row
    ]
    if kind == "xlsx":
        rows[0][2] = datetime(2024, 11, 14)
        rows[0][4] = True
        rows[1][4] = 0
        data, name = xlsx_bytes(HEADER, rows), "pemetaan.xlsx"
    else:
        data, name = csv_bytes(HEADER, rows), "pemetaan.csv"
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0  # the last number
    result = load(data, name, source_agency="Bawaslu", observed_on=date(2024, 11, 15))
    assert result.ok, result.problems
    assert (result.rows, result.tps, result.values, result.replaced) == (3, 3, 6, 0)
    v1 = values_of(T1)
    assert (
        v1["riwayat_kekerasan"].value == 1.0
        and v1["dptb"].value == 12
        and v1["keseimbangan_dukungan"].value == 0.45
    )
    assert v1["riwayat_kekerasan"].source_agency == "Bawaslu Kab. Malang"
    assert v1["riwayat_kekerasan"].observed_on == date(2024, 11, 14)
    assert (
        v1["riwayat_kekerasan"].evidence == "survei pengawas desa"
        and v1["dptb"].evidence == "12 pemilih pindahan"
    )
    assert v1["dptb"].kind == IndicatorValue.Kind.IMPORT and v1["dptb"].source == f"impor {name}"
    v2 = values_of(T2)
    assert v2["riwayat_kekerasan"].value == 0 and v2["riwayat_kekerasan"].source_agency == "Bawaslu"
    assert v2["riwayat_kekerasan"].observed_on == date(2024, 11, 15)  # the import's date for an empty cell
    assert values_of(T3) == {}
    scores = {s.tps_id: s for s in TPSScore.objects.all()}
    assert set(scores) == {T1, T2, T3} and scores[T1].klass == "rawan"
    entries = AuditEntry.objects.filter(seq__gt=before)
    assert [e.action for e in entries] == ["import", "recompute"]  # one summary each, no entry per value
    assert entries[0].changes["values"] == 6 and entries[0].changes["file"] == name


def test_five_kinds_of_bad_rows_and_an_unknown_column_reject_the_file_and_change_nothing(
    risk_world: World,
) -> None:
    add_value(T1, "dptb", 3)  # something already there, which must stay as it is
    with audit.acting_as(SYSTEM):
        from praja.risk import services

        services.recompute("35.07")
    before, n_audit = snapshot(), AuditEntry.objects.count()
    header = ["kode_tps", "tanggal", "riwayat_kekerasan", "dptb", "keseimbangan_dukungan", "kekerasan"]
    rows = [
        [T1, "2024-11-15", 1, 2, 0.5, ""],  # row 2: fine
        ["35.07.01.2001/009", "", 1, "", "", ""],  # row 3: unknown TPS
        [T2, "", "mungkin", "", "", ""],  # row 4: a value of the wrong type
        [T3, "", "", -3, 1.5, ""],  # row 5: two values out of range
        [T4, "31/02/2024", 0, "", "", ""],  # row 6: a bad date
        [T1, "", 0, "", "", ""],  # row 7: the same TPS again
        ["35.07.01/1", "", 0, "", "", ""],  # row 8: not a TPS code
    ]
    for kind, data in (("csv", csv_bytes(header, rows)), ("xlsx", xlsx_bytes(header, rows))):
        result = load(data, f"pemetaan.{kind}")
        assert not result.ok
        cells = {(p.row, p.field) for p in result.problems}
        assert cells == {
            (None, "kekerasan"),
            (3, "kode_tps"),
            (4, "riwayat_kekerasan"),
            (5, "dptb"),
            (5, "keseimbangan_dukungan"),
            (6, "tanggal"),
            (7, "kode_tps"),
            (8, "kode_tps"),
        }, kind
        messages = {(p.row, p.field): p.message for p in result.problems}
        assert "tidak dikenal" in messages[(3, "kode_tps")] and "ganda" in messages[(7, "kode_tps")]
        assert "baris 2" in messages[(7, "kode_tps")] and "bukan indikator" in messages[(None, "kekerasan")]
        assert result.bad_rows == 6
        assert snapshot() == before and AuditEntry.objects.count() == n_audit


def test_a_file_without_kode_tps_or_with_history_columns_is_rejected(risk_world: World) -> None:
    result = load(csv_bytes(["tps", "riwayat_kekerasan"], [[T1, 1]]))
    assert {(p.row, p.field) for p in result.problems} == {(None, "tps"), (None, "kode_tps")}
    result = load(csv_bytes(["kode_tps", "insiden_tps"], [[T1, 2]]))
    assert [(p.row, p.field) for p in result.problems] == [(None, "insiden_tps")]
    assert "laporan kejadian" in result.problems[0].message
    assert not IndicatorValue.objects.exists()
    result = load(b"", "kosong.csv")
    assert not result.ok and result.problems[0].row is None


def test_descriptive_columns_are_ignored_and_spreadsheet_habits_are_read(risk_world: World) -> None:
    header = ["No", "Kode TPS", "Nama Desa", "Kecamatan", "Riwayat Kekerasan", "DPTb", "Wilayah-Konflik"]
    rows = [
        [1, "3507012001/1", "Tulungrejo", "Donomulyo", "Ada", "-", "Tidak ada"],
        [2, "35.07.01.2001/ TPS 2", "Tulungrejo", "Donomulyo", "-", "4", "✓"],
    ]
    result = load(csv_bytes(header, rows, delimiter=";"))
    assert result.ok, result.problems
    assert values_of(T1)["riwayat_kekerasan"].value == 1 and values_of(T1)["dptb"].value == 0
    assert values_of(T1)["wilayah_konflik"].value == 0 and values_of(T2)["wilayah_konflik"].value == 1


def test_a_value_replaces_the_same_agencys_and_generated_values_and_keeps_the_others(
    risk_world: World,
) -> None:
    old = add_value(T1, "dptb", 30, agency="Bawaslu")
    other = add_value(T1, "dptb", 25, agency="KPU")
    generated = add_value(T1, "riwayat_kekerasan", 1, agency="generated", kind=IndicatorValue.Kind.GENERATED)
    untouched = add_value(T1, "intimidasi", 1, agency="Bawaslu")
    result = load(csv_bytes(["kode_tps", "dptb", "riwayat_kekerasan"], [[T1, 5, 0]]), source_agency="Bawaslu")
    assert result.ok and result.replaced == 2
    left = set(IndicatorValue.objects.filter(tps_id=T1).values_list("pk", flat=True))
    assert other.pk in left and untouched.pk in left and old.pk not in left and generated.pk not in left
    dptb = sorted(
        IndicatorValue.objects.filter(tps_id=T1, indicator__key="dptb").values_list("source_agency", "value")
    )
    assert dptb == [("Bawaslu", 5.0), ("KPU", 25.0)]


def test_tps_outside_the_scope_or_regency_are_named(risk_world: World) -> None:
    data = csv_bytes(["kode_tps", "riwayat_kekerasan"], [[T1, 1], [T4, 1], [T_OTHER_REGENCY, 1]])
    result = load(data, scope=Scope.of(["35.07.01"]))
    assert {(p.row, p.field) for p in result.problems} == {(3, "kode_tps"), (4, "kode_tps")}
    assert "wilayah tugas" in result.problems[0].message
    result = load(data, regency="35.07")
    assert {(p.row, p.field) for p in result.problems} == {(4, "kode_tps")}
    assert not IndicatorValue.objects.exists()


def test_a_district_indicator_is_imported_only_for_its_district(risk_world: World) -> None:
    Indicator.objects.create(
        key="konflik_pilkades",
        region_id="35.07",
        label_id="Konflik pilkades",
        value_type="boolean",
        default_weight=8,
        source_agency="Polri",
    )
    result = load(csv_bytes(["kode_tps", "konflik_pilkades"], [[T1, 1], [T_OTHER_REGENCY, 1]]))
    assert [(p.row, p.field) for p in result.problems] == [(3, "konflik_pilkades")]
    result = load(csv_bytes(["kode_tps", "konflik_pilkades"], [[T1, 1]]))
    assert (
        result.ok
        and TPSScore.objects.get(tps_id=T1).explanation["contributions"][0]["key"] == "konflik_pilkades"
    )


def test_future_dates_and_long_notes_are_rejected(risk_world: World) -> None:
    tomorrow = timezone.localdate().toordinal() + 1
    header = ["kode_tps", "tanggal", "catatan", "riwayat_kekerasan"]
    result = load(
        csv_bytes(header, [[T1, date.fromordinal(tomorrow).isoformat(), "", 1], [T2, "", "x" * 501, 1]])
    )
    assert {(p.row, p.field) for p in result.problems} == {(2, "tanggal"), (3, "catatan")}


def test_values_are_read_by_the_indicators_type() -> None:
    boolean = IndicatorSpec("b", cat.ValueType.BOOLEAN)
    count = IndicatorSpec("c", cat.ValueType.COUNT)
    share = IndicatorSpec("s", cat.ValueType.SHARE)
    assert [parse_value(boolean, v)[0] for v in ("ya", "Tidak", True, 1.0, "1", "x", "ADA")] == [
        1,
        0,
        1,
        1,
        1,
        1,
        1,
    ]
    assert parse_value(boolean, "2")[0] is None and parse_value(boolean, "mungkin")[0] is None
    assert parse_value(count, 12.0) == (12.0, "") and parse_value(count, "-") == (0.0, "")
    assert parse_value(count, 1.5)[0] is None and parse_value(count, -1)[0] is None
    assert parse_value(count, "banyak")[0] is None and parse_value(count, 10**6)[0] is None
    assert parse_value(share, "45%") == (0.45, "") and parse_value(share, "0,3") == (0.3, "")
    assert parse_value(share, 45)[0] is None and "45%" in parse_value(share, 45)[1]
    assert normalise_tps_code("3507012001003") == "35.07.01.2001/003"
    assert normalise_tps_code("35.07.01.2001/1000") is None and normalise_tps_code("35.07.01/1") is None


# --- the command ----------------------------------------------------------------------------------------


def test_the_command_loads_a_file_and_reports_the_counts(
    risk_world: World, tmp_path: Path, capsys: object
) -> None:
    path = tmp_path / "bawaslu.csv"
    path.write_bytes(csv_bytes(["kode_tps", "wilayah_konflik"], [[T1, 1], [T4, 0]]))
    call_command("risk", "import", str(path), "--sumber", "Bawaslu Kab. Malang", "--tanggal", "2024-11-15")
    assert values_of(T1)["wilayah_konflik"].source_agency == "Bawaslu Kab. Malang"
    assert TPSScore.objects.get(tps_id=T1).klass == "rawan"
    entry = AuditEntry.objects.filter(action="import").latest("seq")
    assert entry.actor_label.startswith("system:risk import") and entry.channel == "cli"


def test_the_command_rejects_a_bad_file_naming_every_problem(risk_world: World, tmp_path: Path) -> None:
    import io

    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(["kode_tps", "dptb"], [[T1, "banyak"], ["35.07.01.2001/077", 1]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("risk", "import", str(path), stderr=err)
    assert exc.value.returncode == 1 and "nothing was written" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert any("bad.csv baris 2, kolom dptb" in line for line in lines)
    assert any("bad.csv baris 3, kolom kode_tps" in line for line in lines)
    assert not IndicatorValue.objects.exists()
    with pytest.raises(CommandError):
        call_command("risk", "import", str(tmp_path / "none.csv"))


def test_the_command_records_an_incident_and_recomputes(risk_world: World) -> None:
    add_value(T1, "dekat_posko_paslon")
    today = timezone.localdate().isoformat()
    call_command("risk", "recompute", "35.07")
    assert TPSScore.objects.get(tps_id=T1).klass == "kurang_rawan"
    call_command("risk", "incident", T1, today, "--severity", "3", "--ref", "LAP-1")
    assert TPSScore.objects.get(tps_id=T1).klass == "rawan"
    with pytest.raises(CommandError):
        call_command("risk", "incident", "35.07.01", today)
