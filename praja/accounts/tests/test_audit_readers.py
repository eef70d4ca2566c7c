"""Issue 14 item 2, as a test: the audit log shows a reader only entries about what the reader may see, and
keeps no protected value in clear (identity, exact location, PIN hash, phone numbers, internal notes).
Reading the log is itself logged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, World, client_for
from praja.base import audit
from praja.base.audit_protect import digest
from praja.base.models import AuditEntry
from praja.reports import handling, identity
from praja.reports.models import Report
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import act, file_report

pytestmark = pytest.mark.django_db

NOTE = "terlapor Bripka X, saksi Budi 0812-3333-4444"
REASON = "Saksi kunci perlu dimintai keterangan oleh penyidik Gakkumdu"
LAT, LNG = "-8.3123456", "112.4234567"


def as_web(person: Any) -> Any:
    user = person.user
    return audit.acting_as(audit.Actor(user.pk, user.get_username(), "10.0.0.9", "web"))


@pytest.fixture
def neutrality(hworld: World) -> Report:
    """A named neutrality report about Polsek Donomulyo with an exact point and a phone number, sent through
    an officer's form (so it is audited), a Bawaslu internal note, and an identity request and approval."""
    P = hworld.people
    polsek = hworld.agencies["polsek-donomulyo"]
    with as_web(P["polres_ops"]):
        report = file_report(
            category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk), region=HOME_DESA,
            title="Kapolsek mengarahkan pemilih", description="Anggota Polsek Donomulyo membagikan amplop",
            latitude=LAT, longitude=LNG, anonymous=False, reporter_name="Siti Aminah", phone="0812 3333 4444",
        )
    with as_web(P["bawaslu"]):
        handling.note(report, act(P["bawaslu"]), NOTE)
    with as_web(P["gakkumdu"]):
        req = identity.request_identity(report, act(P["gakkumdu"]), REASON)
    with as_web(P["bawaslu_custodian"]):
        identity.decide(req, act(P["bawaslu_custodian"]), True)
    return Report.objects.get(pk=report.pk)


def leaks(body: str, report: Report) -> list[str]:
    """The protected things of the fixture that appear in a response body."""
    found = [s for s in ("Kapolsek mengarahkan", "membagikan amplop", "Bripka X", "0812", "3333-4444",
                         LAT[:7], LNG[:7], "Siti", REASON[:20]) if s in body]
    if report.pin_hash and report.pin_hash in body:
        found.append("pin_hash")
    if report.reporter_sealed and report.reporter_sealed[:20] in body:
        found.append("reporter_sealed")
    return found


def test_entries_about_the_report_exist_and_hold_no_protected_value_in_clear(
    hworld: World, neutrality: Report
) -> None:
    entries = list(AuditEntry.objects.filter(report_ref=neutrality.pk))
    assert {e.target_type for e in entries} >= {"reports.report", "reports.timelineentry", "reports.identityrequest"}
    stored = json.dumps([e.changes for e in entries], ensure_ascii=False)
    assert leaks(stored, neutrality) == ["Kapolsek mengarahkan", "membagikan amplop"]  # title and text stay
    created = next(e for e in entries if e.target_type == "reports.report" and e.action == "create")
    assert created.changes["latitude"] == digest(neutrality.latitude)
    assert created.changes["pin_hash"] == digest(neutrality.pin_hash)
    # A handling step is one audit entry about the report; the timeline entries it appended are inside it.
    appended = [t for e in entries if e.target_type == "reports.report" for t in e.changes.get("timeline") or []
                if isinstance(t, dict)]
    note = next(t for t in appended if t.get("kind") == "catatan")
    assert note["text"] == digest(NOTE)
    protected = {e.target_type for e in entries if e.sensitivity == "protected"}
    assert protected == {"reports.identityrequest", "reports.timelineentry"}


def test_a_kapolsek_sees_nothing_of_a_neutrality_report_about_his_unit_in_the_audit(
    hworld: World, neutrality: Report
) -> None:
    kapolsek = client_for(hworld.people["kapolsek"].user, second_factor=False)
    r = kapolsek.get(f"/api/v1/accounts/audit?region={HOME_KEC}&limit=500")
    assert r.status_code == 200
    items = r.json()["items"]
    assert items, "the Kapolsek reads the audit of his kecamatan"
    assert not [i for i in items if i["report_ref"] == neutrality.pk]
    assert not [i for i in items if i["target_type"] == "reports.identityrequest"]
    assert leaks(r.content.decode(), neutrality) == []
    page = kapolsek.get("/akun/audit/", {"wilayah": HOME_KEC})
    assert page.status_code == 200 and leaks(page.content.decode(), neutrality) == []
    for e in AuditEntry.objects.filter(report_ref=neutrality.pk):
        assert kapolsek.get(f"/api/v1/accounts/audit/{e.seq}").status_code == 404


def test_bawaslu_sees_the_report_entries_but_identity_records_only_with_custody_and_never_the_values(
    hworld: World, neutrality: Report
) -> None:
    P = hworld.people
    total = AuditEntry.objects.filter(report_ref=neutrality.pk)
    protected = set(total.filter(sensitivity="protected").values_list("seq", flat=True))
    custodian = client_for(P["bawaslu_custodian"].user)
    seen = {i["seq"] for i in custodian.get("/api/v1/accounts/audit?limit=500").json()["items"]}
    assert set(total.values_list("seq", flat=True)) <= seen
    propam = client_for(P["propam"].user)
    r = propam.get("/api/v1/accounts/audit?limit=500")
    if r.status_code == 200:  # Propam sees the report (neutrality path) but holds no custody
        got = {i["seq"] for i in r.json()["items"]}
        assert not (got & protected)
        assert leaks(r.content.decode(), neutrality) == []


def test_reading_the_audit_is_itself_audited(hworld: World) -> None:
    kapolsek = hworld.people["kapolsek"].user
    client = client_for(kapolsek, second_factor=False)
    client.get(f"/api/v1/accounts/audit?region={HOME_KEC}")
    read = AuditEntry.objects.filter(action="read", target_type="accounts.auditentry").latest("seq")
    assert read.actor_id == kapolsek.pk and read.changes == {"region": HOME_KEC}
    client.get("/akun/audit/")
    assert AuditEntry.objects.filter(action="read", actor_id=kapolsek.pk).count() == 2
