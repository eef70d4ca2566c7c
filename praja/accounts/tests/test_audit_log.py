"""The audit log: edits are recorded with who, where from and what; the chain exposes tampering."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import HOME_DESA, World, client_for, raw_sql
from praja.base import audit
from praja.base.audit import verify_chain
from praja.base.models import AuditEntry

pytestmark = pytest.mark.django_db


def edit_tps_through_the_page(world: World, address: str = "10.20.30.40") -> Client:
    client = client_for(world.people["officer"].user, second_factor=False)
    r = client.post(
        reverse("territory:tps_edit", args=[HOME_DESA, 1]),
        {"voters": "275", "address": "Balai Desa Tulungrejo", "lat": "-8.30", "lng": "112.41"},
        REMOTE_ADDR=address,
    )
    assert r.status_code == 302
    return client


def test_tps_edit_through_the_page_appends_an_entry_with_user_address_and_changes(world: World) -> None:
    edit_tps_through_the_page(world)
    entry = AuditEntry.objects.filter(target_type="territory.tps").latest("seq")
    user = world.people["officer"].user
    assert entry.actor_id == user.pk and entry.actor_label == "officer"
    assert entry.address == "10.20.30.40"
    assert entry.channel == "web" and entry.action == "update"
    assert entry.target_id == f"{HOME_DESA}/001" and entry.region_code == f"{HOME_DESA}/001"
    assert entry.changes["voters"] == [250, 275]
    assert entry.changes["address"] == [f"Balai {HOME_DESA} 1", "Balai Desa Tulungrejo"]
    assert entry.changes["voters_generated"] == [True, False]
    assert "lat" not in entry.changes  # unchanged fields are not listed


def test_tps_edit_through_the_api_is_recorded_with_the_api_channel(world: World) -> None:
    client = client_for(world.people["officer"].user, second_factor=False)
    r = client.patch(
        f"/api/v1/territory/tps/{HOME_DESA}/2",
        json.dumps({"voters": 299}),
        content_type="application/json",
        REMOTE_ADDR="10.1.1.1",
    )
    assert r.status_code == 200
    entry = AuditEntry.objects.latest("seq")
    assert (entry.channel, entry.address, entry.changes["voters"]) == ("api", "10.1.1.1", [310, 299])


def test_tps_detail_page_shows_its_history(world: World) -> None:
    client = edit_tps_through_the_page(world)
    body = client.get(reverse("territory:tps_detail", args=[HOME_DESA, 1])).content.decode()
    assert "Riwayat perubahan" in body and "officer" in body
    assert "<code>voters</code>: <del>250</del> → <ins>275</ins>" in body
    assert "10.20.30.40" not in body  # addresses only for those who may read the audit log


def test_chain_is_intact_after_normal_writes(world: World) -> None:
    edit_tps_through_the_page(world)
    n, broken = verify_chain()
    assert broken is None and n == AuditEntry.objects.count() >= 4


def test_audit_verify_command_seals_and_reports_intact_with_the_head(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("audit", "verify")
    n = AuditEntry.objects.count()
    size, head = audit.current_head()
    assert size == n
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"OK: {n} entries in 1 batches, chain intact; head {n} {head}")


def tamper(seq: int) -> None:
    """Change an entry behind the application's back, as someone with database access could."""
    raw_sql("UPDATE accounts_auditentry SET actor_label = %s WHERE seq = %s", ["someone-else", seq])


def test_tampering_in_the_database_is_found_at_the_edited_entry(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_tps_through_the_page(world)
    audit.seal()
    target = world.audit["other"].seq
    assert AuditEntry.objects.filter(seq__gt=target).exists()
    tamper(target)
    n, broken = verify_chain()
    assert broken is not None and broken.batch == 1
    found = audit.verify_log().breaks
    assert any(b.seq == target and "edited" in b.reason for b in found)
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"BROKEN at batch 1 (entry #{target}): this sealed entry was edited" in capsys.readouterr().err


def test_removing_an_entry_in_the_database_is_found(world: World) -> None:
    audit.seal()
    raw_sql("DELETE FROM accounts_auditentry WHERE seq = %s", [world.audit["other"].seq])
    found = audit.verify_log().breaks
    assert any(b.seq == world.audit["other"].seq and "removed" in b.reason for b in found)
    assert any("sealed 3 entries" in b.reason and "holds 2" in b.reason for b in found)


def test_entries_cannot_be_changed_or_deleted_through_the_model(world: World) -> None:
    entry = AuditEntry.objects.get(seq=world.audit["home"].seq)
    entry.actor_label = "someone-else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=entry.seq).update(actor_label="x")
    assert verify_chain()[1] is None


class TestAdmin:
    def test_the_old_admin_address_of_the_audit_log_still_arrives(self, root_client: Client, world: World) -> None:
        pk = world.audit["home"].pk
        r = root_client.get(f"/admin/accounts/auditentry/{pk}/change/?x=1")
        assert r.status_code == 301 and r["Location"] == f"/admin/base/auditentry/{pk}/change/?x=1"
        assert root_client.get(r["Location"]).status_code == 200

    def test_admin_lists_entries_but_offers_no_add_change_or_delete(
        self, root_client: Client, world: World
    ) -> None:
        pk = world.audit["home"].pk
        r = root_client.get("/admin/base/auditentry/")
        assert r.status_code == 200
        body = r.content.decode()
        assert f"{HOME_DESA}/001" in body
        assert "/admin/base/auditentry/add/" not in body
        assert 'name="action"' not in body  # no bulk actions (so no "delete selected")
        assert root_client.get("/admin/base/auditentry/add/").status_code == 403
        assert root_client.get(f"/admin/base/auditentry/{pk}/delete/").status_code == 403
        assert (
            root_client.post(f"/admin/base/auditentry/{pk}/delete/", {"post": "yes"}).status_code == 403
        )
        r = root_client.get(f"/admin/base/auditentry/{pk}/change/")
        assert r.status_code == 200  # a read-only view
        assert 'name="_save"' not in r.content.decode()
        r = root_client.post(f"/admin/base/auditentry/{pk}/change/", {"actor_label": "someone-else"})
        assert r.status_code == 403
        assert AuditEntry.objects.get(pk=pk).actor_label == "system:test"
        assert verify_chain()[1] is None

    def test_admin_scopes_entries_for_regional_staff(self, world: World) -> None:
        # A regional administrator with staff access sees only the entries of their kecamatan.
        user = world.people["polsek_admin"].user
        user.is_staff = True
        user.save()
        client = client_for(user)
        body = client.get("/admin/base/auditentry/").content.decode()
        assert f"{HOME_DESA}/001" in body and "35.07.02.2001/001" not in body
        r = client.get(f"/admin/base/auditentry/{world.audit['other'].pk}/change/")
        assert r.status_code == 302  # Django admin sends a missing object back to the list
