"""The officers' form: a report queued on the phone is stored once however often it is sent; the page,
its TPS list and the service worker that opens it without signal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from praja.accounts.tests.fixtures import HOME_DESA, client_for, world  # noqa: F401
from praja.reports.models import Report


@pytest.fixture
def officer(world: Any, monkeypatch: Any) -> Client:  # noqa: F811
    """The Polsek officer of the small world, with the capability to submit reports."""
    from praja.accounts import middleware
    from praja.base import access

    user = world.people["officer"].user
    if "reports.submit" not in access.capabilities_for(user):  # before the handling roles landed
        real = access.capabilities_for
        monkeypatch.setattr(middleware, "capabilities_for", lambda u: real(u) | {"reports.submit"})
    return client_for(user, second_factor=False)


def send(client: Client, **fields: Any) -> Any:
    body = {"client_key": "phone-uuid-1", "category": "logistik", "description": "Surat suara kurang 20 lembar",
            "tps": f"{HOME_DESA}/001", "latitude": -8.3, "longitude": 112.41,
            "occurred_at": "2024-11-27T02:30:00.000Z"}
    body.update(fields)
    return client.post("/laporan/petugas/kirim/", json.dumps(body), content_type="application/json")


def test_a_queued_report_sent_twice_is_stored_once(officer: Client, world: Any) -> None:  # noqa: F811
    first = send(officer)
    assert first.status_code == 201 and first.json()["created"] is True
    again = send(officer)
    assert again.status_code == 200 and again.json() == {"receipt": first.json()["receipt"], "created": False}
    report = Report.objects.get()
    assert report.channel == "web_petugas" and report.created_by == world.people["officer"].user
    assert report.tps_id == f"{HOME_DESA}/001" and report.latitude == -8.3
    assert report.occurred_at is not None
    assert report.occurred_at.isoformat() == "2024-11-27T02:30:00+00:00"
    assert report.timeline.get().actor_label.startswith("Bripka Agus Santoso")
    assert send(officer, client_key="phone-uuid-2").json()["created"] is True and Report.objects.count() == 2


def test_the_same_phone_key_of_two_officers_makes_two_reports(officer: Client, world: Any) -> None:  # noqa: F811
    send(officer)
    other = get_user_model().objects.create_superuser("root2", "r2@example.org", None)
    assert send(client_for(other)).status_code == 201 and Report.objects.count() == 2
    assert len(set(Report.objects.values_list("client_key", flat=True))) == 2


def test_a_bad_report_is_answered_with_its_fields(officer: Client) -> None:
    response = send(officer, category="x", tps="35.07.01.2001/999")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"category", "tps"}
    assert Report.objects.count() == 0


def test_a_person_without_the_capability_or_login_cannot_send(world: Any) -> None:  # noqa: F811
    assert Client().get("/laporan/petugas/").status_code == 302
    assert send(Client()).status_code == 302
    plain = get_user_model().objects.create_user("plain", password=None)
    assert send(client_for(plain, second_factor=False)).status_code == 403
    assert client_for(plain, second_factor=False).get("/laporan/petugas/").status_code == 403


def test_the_page_lists_the_officers_tps_and_registers_its_service_worker(officer: Client) -> None:
    page = officer.get("/laporan/petugas/").content.decode()
    assert 'data-sw="/laporan/petugas/sw.js"' in page and "reports-officer.js" in page
    places = officer.get("/laporan/petugas/tempat.json").json()
    assert [k for k, _ in places["kec"]] == ["35.07.01"]  # the officer's kecamatan only
    assert {d for d, _n, _k in places["desa"]} == {HOME_DESA, "35.07.01.2002"}
    assert [t[0] for t in places["tps"][HOME_DESA]] == [1, 2]
    sw = officer.get("/laporan/petugas/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    assert '"/laporan/petugas/"' in sw.content.decode() and "/laporan/petugas/tempat.json" in sw.content.decode()


def test_the_form_posts_without_javascript(officer: Client) -> None:
    response = officer.post("/laporan/petugas/", {"category": "keamanan", "description": "Baliho dirusak",
                                                  "tps": f"{HOME_DESA}/002", "client_key": "nojs-1"})
    assert response.status_code == 302
    assert Report.objects.get().tps_id == f"{HOME_DESA}/002"


def test_an_officers_report_is_audited_with_its_numbers_and_its_secrets_digested(officer: Client,
                                                                              world: Any) -> None:  # noqa: F811
    # On PostgreSQL the audit entry is a step of the statement that stores the report (intake._write): its
    # report and timeline numbers come from that statement. The log must read as audit.record would write it.
    from praja.base.audit_protect import DIGEST_PREFIX
    from praja.base.models import AuditEntry

    answer = send(officer)
    assert answer.status_code == 201
    report = Report.objects.get()
    entry = AuditEntry.objects.get(target_type="reports.report")
    user = world.people["officer"].user
    assert (entry.action, entry.target_id, entry.report_ref) == ("create", str(report.pk), report.pk)
    assert (entry.actor_id, entry.actor_label, entry.channel) == (user.pk, user.get_username(), "web")
    assert entry.region_code == report.region_code != ""
    assert entry.changes["id"] == report.pk and entry.changes["receipt"] == report.receipt
    assert entry.changes["timeline"]["id"] == report.timeline.get().pk
    assert entry.changes["pin_hash"].startswith(DIGEST_PREFIX)  # protected: a keyed digest, never the value
    assert entry.changes["description"] == "Surat suara kurang 20 lembar"
