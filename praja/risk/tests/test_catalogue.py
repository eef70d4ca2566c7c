"""The Bawaslu TPS-mapping catalogue as data (praja.risk.catalogue)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from praja.risk import catalogue as cat
from praja.risk.catalogue import Origin, ValueType

# DOMAIN.md section 2: Bawaslu's TPS-level mapping for Pilkada 2024, 8 variables.
BAWASLU = {
    "hak_pilih": {"dpt_tms", "dptb", "potensi_dpk", "kpps_luar_domisili", "pemilih_disabilitas", "riwayat_psu"},
    "keamanan": {"riwayat_kekerasan", "intimidasi", "penolakan_pemungutan"},
    "politik_uang": {"politik_uang"},
    "politisasi_sara": {"ujaran_sara"},
    "netralitas": {"netralitas_penyelenggara", "netralitas_asn", "netralitas_tni_polri", "netralitas_kades",
                   "kpps_kampanye"},
    "logistik": {"logistik_rusak", "logistik_kurang_lebih", "logistik_terlambat"},
    "lokasi_tps": {"sulit_dijangkau", "wilayah_konflik", "rawan_bencana", "dekat_lembaga_pendidikan",
                   "dekat_pabrik_tambang", "dekat_posko_paslon", "lokasi_khusus"},
    "listrik_internet": {"kendala_listrik", "kendala_internet"},
}


def test_the_eight_bawaslu_variables_and_their_indicators() -> None:
    assert cat.BAWASLU_VARIABLES == tuple(BAWASLU)
    for var in cat.VARIABLES:
        if var.origin is Origin.BAWASLU:
            assert {i.key for i in var.indicators} == BAWASLU[var.key], var.key
            assert all(i.origin is Origin.BAWASLU for i in var.indicators)


def test_police_and_history_indicators() -> None:
    polri = {i.key for i in cat.INDICATORS if i.origin is Origin.POLRI}
    assert polri == {"riwayat_konflik", "isu_sara", "keseimbangan_dukungan"}
    assert cat.indicator("keseimbangan_dukungan").value_type is ValueType.SHARE
    assert all(cat.indicator(k).agency == "Polri" for k in polri)
    history = [i for i in cat.INDICATORS if i.origin is Origin.PRAJA]
    assert {i.key for i in history} == {"insiden_tps", "insiden_desa"}
    assert all(i.value_type is ValueType.COUNT and i.agency == "Praja" for i in history)


def test_every_indicator_is_complete_and_documented() -> None:
    keys = [i.key for i in cat.INDICATORS]
    assert len(keys) == len(set(keys)) == 33
    for i in cat.INDICATORS:
        assert i.label_id and i.label_en and i.agency and i.basis, i.key
        assert 0 < i.weight <= 10, i.key
        assert i.variable in cat.VARIABLE_BY_KEY
        if i.value_type is ValueType.COUNT:
            assert i.cap > 0
    assert cat.BY_KEY["riwayat_kekerasan"].weight == max(i.weight for i in cat.INDICATORS)
    assert sum(i.weight for i in cat.INDICATORS) == 142  # the module docstring's arithmetic
    assert [i.key for i in cat.INDICATORS if i.khusus] == ["lokasi_khusus"]


def test_unknown_indicator_is_named() -> None:
    with pytest.raises(KeyError, match="nope"):
        cat.indicator("nope")


def test_malang_figures() -> None:
    assert cat.MALANG_TPS == 4042
    assert cat.MALANG_FIGURES == {
        "pemilih_disabilitas": 1192, "dptb": 513, "kpps_luar_domisili": 460, "kendala_internet": 122,
        "dekat_posko_paslon": 22, "wilayah_konflik": 4, "kendala_listrik": 4, "riwayat_kekerasan": 2,
    }
    assert set(cat.MALANG_FIGURES) <= set(cat.BY_KEY)
    assert sum(cat.MALANG_POLICE_NAMED.values()) == 7


def test_default_thresholds_ascend_within_0_100() -> None:
    t1, t2, t3 = cat.DEFAULT_THRESHOLDS
    assert 0 < t1 < t2 < t3 <= 100


def test_pure_core_imports_no_django() -> None:
    code = ("import sys, praja.risk.index, praja.risk.catalogue; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
