"""Acceptance: a Polsek user cannot see or change data outside its kecamatan. One test class per model.

The Polsek officer holds polsek_officer on kecamatan 35.07.01 (Donomulyo); 35.07.02 (Kalipare) is outside.
Where polsek_officer lacks the capability itself, a Polsek user with the same kecamatan scope and the
capability stands in: the Kapolsek (polsek_leader, audit.view) for the audit log, a kecamatan
administrator (admin on 35.07.01, second factor passed) for granting roles. Each test checks the page and
the API, and each write test also checks that the same write inside the kecamatan does work (so a refusal
is the scope at work, not a broken form).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from praja.accounts.models import RoleAssignment
from praja.accounts.tests.fixtures import (
    HOME_DESA,
    HOME_DESA_2,
    HOME_KEC,
    OTHER_DESA,
    OTHER_KEC,
    World,
    main_of,
)
from praja.base.models import AuditEntry
from praja.territory.models import TPS

pytestmark = pytest.mark.django_db


def api_json(client: Client, url: str) -> Any:
    r = client.get(url)
    assert r.status_code == 200, r.content
    return r.json()


def api_items(client: Client, url: str) -> list[dict[str, Any]]:
    data = api_json(client, url)
    assert data["count"] == len(data["items"])
    return data["items"]


class TestRegion:
    def test_page_shows_own_kecamatan_and_hides_the_other(self, officer_client: Client, world: World) -> None:
        # Presence is checked in the page's own content, absence in the whole page (menus included).
        r = officer_client.get(reverse("territory:region_list"))
        assert r.status_code == 200
        assert "Donomulyo" in main_of(r) and "Kalipare" not in r.content.decode()
        r = officer_client.get(reverse("territory:region_detail", args=[HOME_KEC]))
        assert r.status_code == 200
        assert "Tulungrejo" in main_of(r) and "Sumberoto" in main_of(r)
        assert "Kalipare" not in r.content.decode() and "Arjosari" not in r.content.decode()
        assert officer_client.get(reverse("territory:region_detail", args=[OTHER_KEC])).status_code == 404
        assert officer_client.get(reverse("territory:region_detail", args=[OTHER_DESA])).status_code == 404
        # The regency above is outside a kecamatan scope as well.
        assert officer_client.get(reverse("territory:region_detail", args=["35.07"])).status_code == 404

    def test_api_shows_own_kecamatan_and_hides_the_other(self, officer_client: Client, world: World) -> None:
        assert [r["code"] for r in api_items(officer_client, "/api/v1/territory/regions")] == [HOME_KEC]
        children = api_items(officer_client, f"/api/v1/territory/regions?parent={HOME_KEC}")
        assert [r["code"] for r in children] == [HOME_DESA, HOME_DESA_2]
        assert api_json(officer_client, f"/api/v1/territory/regions/{HOME_DESA}")["name"] == "Tulungrejo"
        assert officer_client.get(f"/api/v1/territory/regions/{OTHER_KEC}").status_code == 404
        assert officer_client.get(f"/api/v1/territory/regions/{OTHER_DESA}").status_code == 404
        assert officer_client.get(f"/api/v1/territory/regions?parent={OTHER_KEC}").status_code == 404
        every = api_items(officer_client, "/api/v1/territory/regions?level=4")
        assert {r["code"] for r in every} == {HOME_DESA, HOME_DESA_2}


class TestTPS:
    def test_page_lists_own_tps_and_404s_the_other(self, officer_client: Client, world: World) -> None:
        r = officer_client.get(reverse("territory:tps_list"))
        assert f"{HOME_DESA}/001" in main_of(r) and f"{HOME_DESA_2}/001" in main_of(r)
        body = r.content.decode()
        assert OTHER_DESA not in body and "Kalipare" not in body
        assert officer_client.get(reverse("territory:tps_detail", args=[HOME_DESA, 1])).status_code == 200
        assert officer_client.get(reverse("territory:tps_detail", args=[OTHER_DESA, 1])).status_code == 404
        # Asking for the other kecamatan through the filter shows nothing either.
        r = officer_client.get(reverse("territory:tps_list"), {"kecamatan": OTHER_KEC})
        assert OTHER_DESA not in r.content.decode()

    def test_api_lists_own_tps_and_404s_the_other(self, officer_client: Client, world: World) -> None:
        codes = [t["code"] for t in api_items(officer_client, "/api/v1/territory/tps")]
        assert codes == [f"{HOME_DESA}/001", f"{HOME_DESA}/002", f"{HOME_DESA_2}/001"]
        assert api_json(officer_client, f"/api/v1/territory/tps/{HOME_DESA}/1")["voters"] == 250
        assert officer_client.get(f"/api/v1/territory/tps/{OTHER_DESA}/1").status_code == 404
        assert api_items(officer_client, f"/api/v1/territory/tps?kecamatan={OTHER_KEC}") == []

    def test_edit_outside_is_refused_and_nothing_changes(self, officer_client: Client, world: World) -> None:
        before = TPS.objects.get(code=f"{OTHER_DESA}/001")
        n_audit = AuditEntry.objects.count()
        data = {"voters": "123", "address": "Dipindah", "lat": "-8.2", "lng": "112.4"}
        assert officer_client.get(reverse("territory:tps_edit", args=[OTHER_DESA, 1])).status_code == 404
        assert (
            officer_client.post(reverse("territory:tps_edit", args=[OTHER_DESA, 1]), data).status_code == 404
        )
        r = officer_client.patch(
            f"/api/v1/territory/tps/{OTHER_DESA}/1", json.dumps({"voters": 123}), content_type="application/json"
        )
        assert r.status_code == 404
        after = TPS.objects.get(code=f"{OTHER_DESA}/001")
        assert (after.voters, after.address, after.lat, after.voters_generated) == (
            before.voters,
            before.address,
            before.lat,
            before.voters_generated,
        )
        assert AuditEntry.objects.count() == n_audit
        # The same edit inside the kecamatan goes through, by page and by API.
        r = officer_client.post(reverse("territory:tps_edit", args=[HOME_DESA, 1]), data)
        assert r.status_code == 302
        assert TPS.objects.get(code=f"{HOME_DESA}/001").voters == 123
        r = officer_client.patch(
            f"/api/v1/territory/tps/{HOME_DESA}/2", json.dumps({"voters": 321}), content_type="application/json"
        )
        assert r.status_code == 200
        assert TPS.objects.get(code=f"{HOME_DESA}/002").voters == 321


class TestJurisdiction:
    def test_page_shows_commands_covering_own_kecamatan_only(
        self, officer_client: Client, world: World
    ) -> None:
        r = officer_client.get(reverse("territory:jurisdiction_list"))
        assert "Polsek Donomulyo" in main_of(r) and "Polres Malang" in main_of(r)
        assert "Polsek Kalipare" not in r.content.decode()
        assert (
            officer_client.get(reverse("territory:jurisdiction_detail", args=["polres-malang"])).status_code
            == 200
        )
        assert (
            officer_client.get(reverse("territory:jurisdiction_detail", args=["polsek-kalipare"])).status_code
            == 404
        )

    def test_api_shows_commands_covering_own_kecamatan_only(
        self, officer_client: Client, world: World
    ) -> None:
        items = api_items(officer_client, "/api/v1/territory/jurisdictions")
        assert sorted(j["slug"] for j in items) == ["polres-malang", "polsek-donomulyo"]
        polres = api_json(officer_client, "/api/v1/territory/jurisdictions/polres-malang")
        assert polres["kecamatan"] == [HOME_KEC]  # the Polres also covers 35.07.02, which is not shown
        assert officer_client.get("/api/v1/territory/jurisdictions/polsek-kalipare").status_code == 404


class TestAgency:
    def test_page_shows_own_and_covering_agencies_only(self, officer_client: Client, world: World) -> None:
        r = officer_client.get(reverse("accounts:agency_list"))
        assert "Polsek Donomulyo" in main_of(r) and "Polres Malang" in main_of(r)  # the Polres covers it
        assert "Polsek Kalipare" not in r.content.decode()
        assert (
            officer_client.get(reverse("accounts:agency_detail", args=["polsek-donomulyo"])).status_code
            == 200
        )
        assert (
            officer_client.get(reverse("accounts:agency_detail", args=["polsek-kalipare"])).status_code == 404
        )

    def test_api_shows_own_and_covering_agencies_only(self, officer_client: Client, world: World) -> None:
        items = api_items(officer_client, "/api/v1/accounts/agencies")
        assert sorted(a["slug"] for a in items) == ["polres-malang", "polsek-donomulyo"]
        assert officer_client.get("/api/v1/accounts/agencies/polsek-kalipare").status_code == 404
        assert api_json(officer_client, "/api/v1/accounts/agencies/polres-malang")["region"] == "35.07"


class TestPerson:
    def test_page_lists_own_people_masked_and_404s_the_other(
        self, officer_client: Client, world: World
    ) -> None:
        r = officer_client.get(reverse("accounts:person_list"))
        body = r.content.decode()
        assert "Bripka Agus Santoso" in main_of(r) and "Briptu Dewi Lestari" not in body
        assert "081234567890" not in body and "08********90" in main_of(r)  # phone masked in the list
        assert "87050123" not in body
        home, other = world.people["officer"], world.people["other_officer"]
        assert officer_client.get(reverse("accounts:person_detail", args=[home.pk])).status_code == 200
        assert officer_client.get(reverse("accounts:person_detail", args=[other.pk])).status_code == 404
        # The Polres staff serve the regency, not the kecamatan: not listed for a Polsek officer.
        assert (
            officer_client.get(
                reverse("accounts:person_detail", args=[world.people["polres_ops"].pk])
            ).status_code
            == 404
        )

    def test_api_lists_own_people_masked_and_404s_the_other(
        self, officer_client: Client, world: World
    ) -> None:
        items = api_items(officer_client, "/api/v1/accounts/people")
        assert sorted(p["full_name"] for p in items) == ["Bripka Agus Santoso", "Kapolsek", "Polsek Admin"]
        agus = next(p for p in items if p["full_name"] == "Bripka Agus Santoso")
        assert agus["phone"] == "08********90" and agus["staff_number"] != "87050123"
        assert (
            officer_client.get(f"/api/v1/accounts/people/{world.people['other_officer'].pk}").status_code == 404
        )
        assert api_json(officer_client, f"/api/v1/accounts/people/{world.people['officer'].pk}")[
            "full_name"
        ] == ("Bripka Agus Santoso")


class TestRoleAssignment:
    def test_page_and_api_show_own_assignments_only(self, officer_client: Client, world: World) -> None:
        r = officer_client.get(reverse("accounts:person_detail", args=[world.people["officer"].pk]))
        assert "Personel Polsek" in main_of(r)
        ids = {a["id"] for a in api_items(officer_client, "/api/v1/accounts/assignments")}
        assert world.assignments["officer"].pk in ids
        assert world.assignments["other_officer"].pk not in ids
        assert world.assignments["polres_ops"].pk not in ids
        assert (
            officer_client.get(
                f"/api/v1/accounts/assignments/{world.assignments['other_officer'].pk}"
            ).status_code
            == 404
        )

    def test_officer_without_manage_capability_cannot_grant(
        self, officer_client: Client, world: World
    ) -> None:
        n = RoleAssignment.objects.count()
        target = world.people["officer"]
        r = officer_client.post(
            reverse("accounts:assignment_create", args=[target.pk]),
            {"role": "polsek_officer", "region": HOME_DESA},
        )
        assert r.status_code == 403
        r = officer_client.post(
            "/api/v1/accounts/assignments",
            json.dumps({"person": target.pk, "role": "polsek_officer", "region": HOME_DESA}),
            content_type="application/json",
        )
        assert r.status_code == 403
        assert RoleAssignment.objects.count() == n

    def test_grant_outside_scope_is_refused_and_nothing_changes(
        self, polsek_admin_client: Client, world: World
    ) -> None:
        client = polsek_admin_client
        before = set(RoleAssignment.objects.values_list("person_id", "role", "region_id"))
        other, home = world.people["other_officer"], world.people["officer"]
        # A person of the other kecamatan: not found at all.
        r = client.post(
            reverse("accounts:assignment_create", args=[other.pk]),
            {"role": "polsek_officer", "region": OTHER_KEC},
        )
        assert r.status_code == 404
        r = client.post(
            "/api/v1/accounts/assignments",
            json.dumps({"person": other.pk, "role": "polsek_officer", "region": OTHER_KEC}),
            content_type="application/json",
        )
        assert r.status_code == 404
        # A person of the own kecamatan, but a role held in the other kecamatan or nationally: refused.
        for region in (OTHER_KEC, OTHER_DESA, "35.07", ""):
            r = client.post(
                reverse("accounts:assignment_create", args=[home.pk]),
                {"role": "polsek_officer", "region": region},
            )
            assert r.status_code == 400, region
            r = client.post(
                "/api/v1/accounts/assignments",
                json.dumps({"person": home.pk, "role": "polsek_officer", "region": region or None}),
                content_type="application/json",
            )
            assert r.status_code == 400, region
        # Removing the other kecamatan's assignment: not found.
        r = client.post(reverse("accounts:assignment_delete", args=[world.assignments["other_officer"].pk]))
        assert r.status_code == 404
        r = client.delete(f"/api/v1/accounts/assignments/{world.assignments['other_officer'].pk}")
        assert r.status_code == 404
        assert set(RoleAssignment.objects.values_list("person_id", "role", "region_id")) == before
        # Inside the kecamatan the same grant works, by page and by API.
        r = client.post(
            reverse("accounts:assignment_create", args=[home.pk]),
            {"role": "polsek_officer", "region": HOME_DESA},
        )
        assert r.status_code == 302
        r = client.post(
            "/api/v1/accounts/assignments",
            json.dumps({"person": home.pk, "role": "polsek_officer", "region": HOME_DESA_2}),
            content_type="application/json",
        )
        assert r.status_code == 201
        assert RoleAssignment.objects.filter(person=home, region_id__in=[HOME_DESA, HOME_DESA_2]).count() == 2


class TestAuditEntry:
    def test_page_lists_own_entries_and_404s_others(self, kapolsek_client: Client, world: World) -> None:
        r = kapolsek_client.get(reverse("accounts:audit_list"))
        body = r.content.decode()
        assert f"{HOME_DESA}/001" in main_of(r) and OTHER_DESA not in body
        assert "territory.region" not in body  # the national entry has no region: national scope only
        assert (
            kapolsek_client.get(reverse("accounts:audit_detail", args=[world.audit["home"].seq])).status_code
            == 200
        )
        for key in ("other", "national"):
            assert (
                kapolsek_client.get(reverse("accounts:audit_detail", args=[world.audit[key].seq])).status_code
                == 404
            )

    def test_api_lists_own_entries_and_404s_others(self, kapolsek_client: Client, world: World) -> None:
        seqs = {e["seq"] for e in api_items(kapolsek_client, "/api/v1/accounts/audit")}
        assert world.audit["home"].seq in seqs
        assert world.audit["other"].seq not in seqs and world.audit["national"].seq not in seqs
        assert kapolsek_client.get(f"/api/v1/accounts/audit/{world.audit['other'].seq}").status_code == 404
        assert kapolsek_client.get(f"/api/v1/accounts/audit/{world.audit['national'].seq}").status_code == 404

    def test_officer_without_audit_capability_gets_403(self, officer_client: Client, world: World) -> None:
        assert officer_client.get(reverse("accounts:audit_list")).status_code == 403
        assert officer_client.get("/api/v1/accounts/audit").status_code == 403

    def test_nobody_can_change_entries_through_the_api(self, root_client: Client, world: World) -> None:
        seq = world.audit["home"].seq
        assert root_client.delete(f"/api/v1/accounts/audit/{seq}").status_code == 405
        assert (
            root_client.patch(f"/api/v1/accounts/audit/{seq}", "{}", content_type="application/json").status_code
            == 405
        )
        after = AuditEntry.objects.get(seq=seq)
        assert (after.actor_label, after.changes) == (world.audit["home"].actor_label, world.audit["home"].changes)


def test_a_signed_in_request_reads_the_persons_roles_once_and_a_revoked_role_counts_at_once(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from praja.accounts.tests.fixtures import client_for

    person = world.people["polres_ops"]
    client = client_for(person.user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("territory:tps_list")).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    roles = [q for q in sqls if '"accounts_roleassignment"' in q]
    assert len(roles) == 1, roles  # the second-factor check, the capabilities and the scope share it
    assert 'FROM "auth_user" u LEFT JOIN "accounts_person" p' in roles[0]  # user, person, roles: one statement
    assert not [q for q in sqls if q is not roles[0] and ('"accounts_person"' in q or '"auth_user"' in q)]
    assert len([q for q in sqls if '"django_session"' in q]) == 1  # and the session row
    person.assignments.update(active=False)  # revoked between two requests: the next one knows
    assert client.get(reverse("territory:tps_list")).status_code == 403
