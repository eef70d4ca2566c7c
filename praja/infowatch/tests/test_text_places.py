"""Place and people mentions on the district's real kecamatan and desa names (shared wilayah list)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from praja.infowatch.text.places import Gazetteer

WILAYAH = Path(settings.SHARED_DATA_DIR) / "wilayah" / "kab_malang_35.07_wilayah.csv"


@pytest.fixture(scope="module")
def malang() -> Gazetteer:
    if not WILAYAH.exists():
        pytest.skip("shared wilayah list absent")
    return Gazetteer.from_csv(WILAYAH, "35.07")


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_it_links_kecamatan_and_desa_named_in_a_post(malang: Gazetteer) -> None:
    found = malang.find("Kerusuhan di Kec. Kepanjen, lalu warga desa Sumberejo Kecamatan Pagak ikut turun")
    assert found == ["35.07.13", "35.07.02.2008", "35.07.02"]


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_it_reads_names_written_with_or_without_inner_spaces(malang: Gazetteer) -> None:
    assert malang.find("warga SUMBER PUCUNG protes") == ["35.07.12"]
    assert malang.find("warga sumberpucung protes") == ["35.07.12"]


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_a_desa_name_shared_by_several_desa_needs_its_kecamatan(malang: Gazetteer) -> None:
    assert malang.find("banjir di desa Sumberejo") == []
    assert malang.find("banjir di desa Sumberejo, Pagak") == ["35.07.02.2008", "35.07.02"]


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_everyday_words_count_as_places_only_after_a_place_word(malang: Gazetteer) -> None:
    assert malang.find("sayur bayem dan daun pakis mahal") == []
    assert malang.find("Kecamatan Pakis banjir") == ["35.07.18"]


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_a_kecamatan_name_is_the_desa_only_when_called_desa(malang: Gazetteer) -> None:
    assert malang.find("Kepanjen hujan deras") == ["35.07.13"]
    assert malang.find("Kelurahan Kepanjen hujan deras") == ["35.07.13.1010"]


def test_it_finds_the_persons_an_analyst_listed() -> None:
    g = Gazetteer([("35.07.13", "Kepanjen", 3)]).with_people([("cabup-1", "Sanusi"), ("cabup-2", "Gunawan HS"),
                                                              ("cabup-2", "Gus Gunawan")])
    m = g.mentions("Gus Gunawan dan SANUSI kampanye di Kepanjen; Gunawan saja tidak cukup")
    assert m.places == ["35.07.13"] and m.people == ["cabup-1", "cabup-2"]
    assert g.find_people("Gunawan datang") == []


@pytest.mark.needs_shared_data("wilayah/kab_malang_35.07_wilayah.csv")
def test_it_survives_junk_and_huge_texts(malang: Gazetteer) -> None:
    assert malang.find("") == [] and malang.find("\x00\xff☃") == []
    assert malang.find("kepanjen " * 100_000)[:1] == ["35.07.13"]
