"""The demo district as an operations officer would check it against the KPU figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count, Max, Min, Sum
from shapely.geometry import Point, shape

from praja.accounts.models import Agency, Person
from praja.base.models import AuditEntry
from praja.demo.district import build_demo, facts
from praja.territory.models import TPS, Jurisdiction, Region

pytestmark = pytest.mark.django_db


def test_it_matches_the_kpu_totals(demo_district: Any) -> None:
    assert Region.objects.filter(level=3, code__startswith="35.07.").count() == 33
    assert Region.objects.filter(level=4, code__startswith="35.07.").count() == 390
    assert Region.objects.filter(level=4, kind="kelurahan", code__startswith="35.07.").count() == 12
    agg = TPS.objects.aggregate(n=Count("code"), dpt=Sum("voters"), top=Max("voters"), low=Min("voters"))
    assert agg == {"n": 4042, "dpt": 2_060_576, "top": agg["top"], "low": agg["low"]}
    assert agg["top"] <= 600
    assert agg["low"] >= 1


def test_every_desa_has_a_tps_and_every_tps_is_marked_generated(demo_district: Any) -> None:
    assert not Region.objects.filter(level=4, code__startswith="35.07.", tps_set__isnull=True).exists()
    assert TPS.objects.filter(voters_generated=False).count() == 0
    assert TPS.objects.filter(location_generated=False).count() == 0
    assert all("seed" in s for s in TPS.objects.values_list("source", flat=True).distinct())


def test_polres_batu_covers_its_three_kecamatan_and_polres_malang_the_rest(demo_district: Any) -> None:
    batu = Jurisdiction.objects.get(slug="polres-batu")
    malang = Jurisdiction.objects.get(slug="polres-malang")
    assert sorted(batu.kecamatan.values_list("name", flat=True)) == ["Kasembon", "Ngantang", "Pujon"]
    assert malang.kecamatan.count() == 30
    malang_tps = TPS.objects.filter(desa__parent__in=malang.kecamatan.all()).count()
    assert malang_tps == 3782  # "Polres Malang secured 3,782 TPS" (DOMAIN.md section 5)
    assert Jurisdiction.objects.filter(kind="polsek").count() == 33
    assert Jurisdiction.objects.filter(kind="koramil", parent__slug="kodim-0818").count() == 33
    for p in Jurisdiction.objects.filter(kind="polsek"):
        assert p.kecamatan.count() == 1


def test_the_anchored_kecamatan_are_largest_and_smallest(demo_district: Any) -> None:
    per_kec = {
        r["desa__parent__name"]: r["v"]
        for r in TPS.objects.values("desa__parent__name").annotate(v=Sum("voters"))
    }
    assert per_kec["Singosari"] == max(per_kec.values()) == 132_900
    assert per_kec["Kasembon"] == min(per_kec.values()) == 24_600


def test_tps_lie_inside_their_desa_polygons(demo_district: Any) -> None:
    assert demo_district.boundaries == 1 + 33 + 390  # shipped in the package: no ../shared needed
    polys = {r.code: shape(r.boundary) for r in Region.objects.filter(level=4).exclude(boundary=None)}
    assert len(polys) == 390
    outside = [t.code for t in TPS.objects.all() if not polys[t.desa_id].contains(Point(t.lng, t.lat))]
    assert outside == []


def test_there_is_an_agency_and_an_account_for_each_kind(demo_district: Any) -> None:
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert kinds == {k for k, _ in Agency.Kind.choices}
    people_kinds = set(Person.objects.values_list("agency__kind", flat=True))
    for k in ("polres", "polsek", "kodim", "koramil", "kpu", "bawaslu", "panwascam", "pemda", "kecamatan",
              "gakkumdu", "propam", "forum_agama", "forum_adat", "media"):
        assert k in people_kinds, k


def test_building_again_keeps_what_users_changed(demo_district: Any) -> None:
    tps = TPS.objects.get(code="35.07.01.2001/001")
    tps.voters = 123
    tps.save()
    again = build_demo()
    assert again.built is False
    assert TPS.objects.get(code="35.07.01.2001/001").voters == 123
    assert TPS.objects.count() == facts()["total_tps"]


def test_the_build_is_in_the_audit_log(demo_district: Any) -> None:
    entry = AuditEntry.objects.get(action="demo_build")
    assert entry.actor_label.startswith("system:demo")
    assert entry.changes["tps"] == 4042


def test_a_demo_built_by_an_older_praja_gains_what_newer_apps_add(demo_district: Any) -> None:
    from praja.coordination.models import Election
    from praja.demo.district import ensure_demo_extras
    from praja.deployment.models import Pool

    assert ensure_demo_extras("35.07") == []  # a fresh demo has everything
    Election.objects.all().delete()
    Pool.objects.filter(region_id="35.07").delete()
    edited = TPS.objects.get(code="35.07.01.2001/001")
    edited.voters = 321
    edited.save()
    assert ensure_demo_extras("35.07") == ["deployment", "stages"]
    assert Election.objects.get().stages.count() == 13
    assert Pool.objects.filter(region_id="35.07").exists()
    assert TPS.objects.get(code="35.07.01.2001/001").voters == 321


def test_the_demo_reports_verified_at_build_are_scored_in_the_risk_index_at_once(demo_district: Any) -> None:
    """Verified demo reports become incidents; their desa are scored when the demo is built, not left waiting for a
    job worker (`praja demo --no-serve` starts none)."""
    from praja.reports.models import Report
    from praja.risk.models import IncidentSignal, PendingIncidentScore

    assert IncidentSignal.objects.filter(ref__in=Report.objects.values("receipt")).exists()
    assert not PendingIncidentScore.objects.exists()
