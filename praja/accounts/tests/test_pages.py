"""Agency, people, role and audit pages: what each shows, and granting and removing roles."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from praja.accounts.forms import RoleAssignmentForm
from praja.accounts.models import RoleAssignment
from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, World, main_of
from praja.base.roles import MANAGE_ACCOUNTS, VIEW_PEOPLE
from praja.base.scope import Scope

pytestmark = pytest.mark.django_db


def test_agency_page_lists_its_people_with_masked_numbers(officer_client: Client, world: World) -> None:
    r = officer_client.get(reverse("accounts:agency_detail", args=["polsek-donomulyo"]))
    page = main_of(r)
    assert "Bripka Agus Santoso" in page and "08********90" in page and "081234567890" not in page
    assert "87050123" not in page


def test_covering_agency_page_hides_people_outside_scope(officer_client: Client, world: World) -> None:
    r = officer_client.get(reverse("accounts:agency_detail", args=["polres-malang"]))
    assert r.status_code == 200
    assert "Polres Ops" not in r.content.decode()


def test_person_page_shows_full_numbers_and_roles(officer_client: Client, world: World) -> None:
    page = main_of(officer_client.get(reverse("accounts:person_detail", args=[world.people["officer"].pk])))
    assert "081234567890" in page and "87050123" in page and "Personel Polsek" in page
    assert "Berikan peran" not in page  # no accounts.manage: no grant form


def test_people_pages_need_the_people_capability(world: World) -> None:
    from praja.accounts.tests.fixtures import client_for, make_person

    media = make_person("wartawan", world.agencies["polsek-donomulyo"], [("media", HOME_KEC)])
    client = client_for(media.user, second_factor=False)
    assert client.get(reverse("accounts:person_list")).status_code == 403
    assert client.get("/api/v1/accounts/people").status_code == 403
    # Agencies are public within scope; their people are not listed without the capability.
    r = client.get(reverse("accounts:agency_detail", args=["polsek-donomulyo"]))
    assert r.status_code == 200 and "Bripka Agus Santoso" not in r.content.decode()


def test_audit_list_filters_by_region_action_and_type(root_client: Client, world: World) -> None:
    page = main_of(root_client.get(reverse("accounts:audit_list"), {"wilayah": "35.07.02"}))
    assert "35.07.02.2001/001" in page and f"{HOME_DESA}/001" not in page
    page = main_of(root_client.get(reverse("accounts:audit_list"), {"tindakan": "import"}))
    assert "territory.region" in page and "<td>territory.tps" not in page
    items = root_client.get("/api/v1/accounts/audit?target_type=territory.tps").json()["items"]
    assert [e["target_id"] for e in items] == ["35.07.02.2001/001", f"{HOME_DESA}/001"]  # newest first


def test_admin_grants_and_removes_a_role_inside_scope(polsek_admin_client: Client, world: World) -> None:
    officer = world.people["officer"]
    r = polsek_admin_client.get(reverse("accounts:person_detail", args=[officer.pk]))
    assert "Berikan peran" in main_of(r)
    r = polsek_admin_client.post(
        reverse("accounts:assignment_create", args=[officer.pk]),
        {"role": "polsek_leader", "region": HOME_KEC},
    )
    assert r.status_code == 302
    a = RoleAssignment.objects.get(person=officer, role="polsek_leader")
    assert a.region_id == HOME_KEC
    r = polsek_admin_client.post(
        reverse("accounts:assignment_create", args=[officer.pk]),
        {"role": "polsek_leader", "region": HOME_KEC},
    )
    assert r.status_code == 400 and "sudah dimiliki" in r.content.decode()
    r = polsek_admin_client.post(reverse("accounts:assignment_delete", args=[a.pk]))
    assert r.status_code == 302 and not RoleAssignment.objects.filter(pk=a.pk).exists()
    a = RoleAssignment.objects.create(person=officer, role="kpu_staff", region_id=HOME_DESA)
    assert polsek_admin_client.delete(f"/api/v1/accounts/assignments/{a.pk}").status_code == 204
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()


def test_regional_admin_cannot_remove_a_national_role(polsek_admin_client: Client, world: World) -> None:
    officer = world.people["officer"]
    national = RoleAssignment.objects.create(person=officer, role="media", region=None)
    page = main_of(polsek_admin_client.get(reverse("accounts:person_detail", args=[officer.pk])))
    assert reverse("accounts:assignment_delete", args=[national.pk]) not in page
    polsek_admin_client.post(reverse("accounts:assignment_delete", args=[national.pk]))
    assert polsek_admin_client.delete(f"/api/v1/accounts/assignments/{national.pk}").status_code == 403
    assert RoleAssignment.objects.filter(pk=national.pk).exists()


def test_grant_is_audited(polsek_admin_client: Client, world: World) -> None:
    from praja.base.models import AuditEntry

    officer = world.people["officer"]
    r = polsek_admin_client.post(
        "/api/v1/accounts/assignments",
        json.dumps({"person": officer.pk, "role": "camat", "region": HOME_KEC}),
        content_type="application/json",
    )
    assert r.status_code == 201
    entry = AuditEntry.objects.filter(target_type="accounts.roleassignment").latest("seq")
    assert (
        entry.action == "create" and entry.actor_label == "polsek_admin" and entry.changes["role"] == "camat"
    )


def test_nobody_grants_a_role_with_more_rights_than_their_own(world: World) -> None:
    form = RoleAssignmentForm(
        {"role": "bawaslu_staff", "region": HOME_KEC},
        person=world.people["officer"],
        scope=Scope.of([HOME_KEC]),
        capabilities=frozenset({MANAGE_ACCOUNTS, VIEW_PEOPLE}),
    )
    assert not form.is_valid() and "role" in form.errors
