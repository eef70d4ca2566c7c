"""Neutrality: a report about a police officer, soldier, civil servant or village head goes outside the
reported person's own unit (that unit never sees it, cannot be assigned it) to its path's recipient and
Bawaslu. Visibility by region and agency."""

from __future__ import annotations

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from praja.accounts.models import Person
from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World
from praja.base import audit
from praja.base.access import capabilities_for, scope_for
from praja.reports import handling, routing, visibility
from praja.reports.models import Report, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report


def seen_by(person: Person) -> set[int]:
    return set(visibility.reports(Report.objects.all(), scope=scope_for(person.user), person=person,
                                  capabilities=capabilities_for(person.user)).values_list("pk", flat=True))


def test_a_report_about_a_polsek_officer_is_invisible_to_that_polsek_and_seen_by_propam_and_bawaslu(
        hworld: World) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk),
                        description="Anggota Polsek mengarahkan pemilih")
    plain = file_report()
    P = hworld.people
    for key in ("kapolsek", "officer", "polsek_admin"):
        assert seen_by(P[key]) == {plain.pk}, key
    for key in ("propam", "bawaslu", "polres_ops", "panwascam"):
        assert about.pk in seen_by(P[key]), key


def test_an_unnamed_police_subject_hides_the_report_from_the_local_polsek_only(hworld: World) -> None:
    home = file_report(category="netralitas", subject_kind="polri", region=HOME_DESA)
    other = file_report(category="netralitas", subject_kind="polri", region=OTHER_DESA)
    P = hworld.people
    assert home.pk not in seen_by(P["kapolsek"])
    assert other.pk in seen_by(P["polres_ops"]) and home.pk in seen_by(P["polres_ops"])
    assert other.pk not in seen_by(P["other_kapolsek"]) and home.pk not in seen_by(P["other_kapolsek"])


def test_a_report_about_a_soldier_is_hidden_from_the_koramil_and_routed_to_pom_tni(hworld: World) -> None:
    koramil = hworld.agencies["koramil-donomulyo"]
    report = file_report(category="netralitas", subject_kind="tni", subject_unit=str(koramil.pk))
    assert report.pk in seen_by(hworld.people["kodim"])  # the Kodim above the Koramil sees it
    r = routing.route(report)
    assert r.path == "tni" and r.recipients[0] == hworld.agencies["pom-tni"]
    assert r.bawaslu == [hworld.agencies["bawaslu-malang"]] and koramil in r.excluded


def test_the_reported_unit_cannot_be_assigned_or_referred_its_own_case(hworld: World) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    report = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    bawaslu = act(hworld.people["bawaslu"])
    with audit.acting_as(SYSTEM):
        handling.verify(report, bawaslu)
        with pytest.raises(handling.HandlingError, match="satuan terlapor"):
            handling.assign(report, bawaslu, polsek)
        handling.refer(report, bawaslu, "polri")
    report.refresh_from_db()
    assert report.referred_to == hworld.agencies["propam-polda-jatim"]


def test_intake_records_the_route_of_a_report_about_a_protected_person(
        hworld: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    polsek = hworld.agencies["polsek-donomulyo"]
    with django_capture_on_commit_callbacks(execute=True):
        report = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk))
    entry = report.timeline.get(kind=TimelineEntry.Kind.ROUTED)
    assert not entry.visible_to_sender
    assert [polsek.pk, polsek.name] in entry.data["excluded"]
    assert entry.data["recipients"][0][1] == "Bid Propam Polda Jawa Timur"
    assert entry.data["bawaslu"] == [[hworld.agencies["bawaslu-malang"].pk, "Bawaslu Kabupaten Malang"]]
    with django_capture_on_commit_callbacks(execute=True):
        plain = file_report(region=OTHER_DESA, description="Logistik terlambat", category="logistik")
    assert not plain.timeline.filter(kind=TimelineEntry.Kind.ROUTED).exists()


def test_visibility_follows_region_and_agency(hworld: World) -> None:
    home, other = file_report(region=HOME_DESA), file_report(region=OTHER_DESA)
    nowhere = file_report(region="")
    P = hworld.people
    assert seen_by(P["kapolsek"]) == {home.pk}
    assert seen_by(P["other_kapolsek"]) == {other.pk}
    assert seen_by(P["bawaslu"]) == {home.pk, other.pk, nowhere.pk}  # no place: filed under the regency
    assert seen_by(P["media"]) == set()  # no reports.view
    assert seen_by(P["koramil"]) == set()  # files reports, does not read them
    with audit.acting_as(SYSTEM):
        handling.verify(other, act(P["bawaslu"]))
        handling.assign(other, act(P["bawaslu"]), hworld.agencies["polsek-donomulyo"])
    assert seen_by(P["kapolsek"]) == {home.pk, other.pk}  # assigned to its agency


def test_a_report_that_names_no_place_is_seen_by_the_regency_handlers_and_not_by_a_polsek(hworld: World) -> None:
    nowhere = file_report(region="", description="Ada intimidasi, tempatnya tidak saya sebut")
    assert nowhere.region_id == "35.07"  # the one regency served, not left without a region
    P = hworld.people
    for key in ("bawaslu", "polres_ops", "polres_leader", "gakkumdu"):
        assert nowhere.pk in seen_by(P[key]), key
    for key in ("kapolsek", "other_kapolsek", "officer", "panwascam"):
        assert nowhere.pk not in seen_by(P[key]), key
