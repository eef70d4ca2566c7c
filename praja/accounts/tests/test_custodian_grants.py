"""Giving a custodian role takes two administrators, and the custodians in office are told (issue 14 item 8)."""

from __future__ import annotations

from typing import Any

from praja.accounts.models import Agency, RoleAssignment
from praja.accounts.tests.fixtures import HOME_KEC, World, client_for, main_of, make_person


def _second_admin_and_custodian(world: World) -> tuple[Any, Any]:
    bawaslu = Agency.objects.create(slug="bawaslu-x", kind="bawaslu", name="Bawaslu X", region_id="35.07")
    admin2 = make_person("admin_two", world.agencies["polres-malang"], [("admin", HOME_KEC)])
    custodian = make_person("custodian_one", bawaslu, [("bawaslu_staff", HOME_KEC)])
    return admin2, custodian


def test_a_custodian_role_waits_for_a_second_administrator_and_the_custodians_are_told(world: World) -> None:
    admin2, custodian = _second_admin_and_custodian(world)
    officer = world.people["officer"]
    first = client_for(world.people["polsek_admin"].user)
    response = first.post(f"/akun/personel/{officer.pk}/peran/", {"role": "bawaslu_staff", "region": HOME_KEC},
                          follow=True)
    assert "menunggu persetujuan administrator kedua" in main_of(response)
    a = RoleAssignment.objects.get(person=officer, role="bawaslu_staff")
    assert a.awaiting_approval and not a.active
    assert "reports.custodian" not in officer.capabilities()  # not in force yet
    # The custodian in office sees it on the home page; the administrator who gave it cannot approve it.
    home = client_for(custodian.user).get("/").content.decode()
    assert "Perubahan kustodian identitas pelapor" in home and officer.full_name in home
    first.post(f"/akun/peran/{a.pk}/setujui/")
    a.refresh_from_db()
    assert a.awaiting_approval and not a.active
    # A second administrator sees it waiting for him, and approves it.
    second = client_for(admin2.user)
    assert "Peran kustodian menunggu persetujuan Anda" in second.get("/").content.decode()
    second.post(f"/akun/peran/{a.pk}/setujui/")
    a.refresh_from_db()
    assert a.active and not a.awaiting_approval and a.approved_by_id == admin2.user.pk
    officer.refresh_from_db()
    assert "reports.custodian" in officer.capabilities()


def test_a_role_without_custody_is_given_at_once(world: World) -> None:
    officer = world.people["officer"]
    client_for(world.people["polsek_admin"].user).post(
        f"/akun/personel/{officer.pk}/peran/", {"role": "polsek_leader", "region": HOME_KEC})
    a = RoleAssignment.objects.get(person=officer, role="polsek_leader")
    assert a.active and not a.awaiting_approval
