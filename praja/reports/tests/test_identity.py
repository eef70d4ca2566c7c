"""A whistleblower's identity: sealed at rest, seen only by the handler whose stated request two custodians of two
different agencies (neither the requester) approved, for a limited time; every request, decision and view is in the
timeline."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from praja.accounts.tests.fixtures import World, client_for, main_of
from praja.base import audit
from praja.reports import handling, identity
from praja.reports.models import IdentityRequest, Report, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, approve_by_two_custodians, file_report

K = TimelineEntry.Kind
REASON = "Saksi kunci untuk berkas Gakkumdu, perlu dihubungi penyidik"


@pytest.fixture
def named(hworld: World) -> Report:
    return file_report(anonymous=False, reporter_name="Siti Aminah", phone="0812-3456-7890",
                       description="Pembagian uang oleh tim sukses")


def test_the_identity_is_opened_only_after_two_custodians_of_two_agencies_approve_a_stated_request(
        hworld: World, named: Report) -> None:
    gakkumdu, custodian = hworld.people["gakkumdu"], hworld.people["bawaslu_custodian"]
    second = hworld.people["gakkumdu_custodian"]
    with audit.acting_as(SYSTEM):
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(gakkumdu))
        with pytest.raises(handling.HandlingError):
            identity.request_identity(named, act(gakkumdu), "perlu")  # no real reason
        req = identity.request_identity(named, act(gakkumdu), REASON)
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(gakkumdu))  # still pending
        with pytest.raises(handling.HandlingError):
            identity.decide(req, act(gakkumdu), True)  # not one's own request
        identity.decide(req, act(custodian), True, "Alasan cukup")
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(gakkumdu))  # one custodian is not enough
        identity.decide(req, act(second), True, "Setuju")
        data = identity.reveal(named, act(gakkumdu))
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(hworld.people["bawaslu"]))  # the approval is the requester's only
    assert data == {"name": "Siti Aminah", "phone": "6281234567890"}
    entries = list(named.timeline.filter(kind__in=[K.IDENTITY_REQUEST, K.IDENTITY_DECISION, K.IDENTITY_VIEW])
                   .order_by("pk"))
    assert [e.kind for e in entries] == [K.IDENTITY_REQUEST, K.IDENTITY_DECISION, K.IDENTITY_DECISION,
                                         K.IDENTITY_VIEW]
    assert entries[0].text == REASON and entries[0].actor == gakkumdu.user
    assert entries[1].actor == custodian.user and entries[1].data["approved"] is None
    assert entries[1].data["approvals"] == 1 and entries[1].data["needed"] == 2
    assert entries[2].actor == second.user and entries[2].data["approved"] is True
    assert entries[3].actor == gakkumdu.user and not any(e.visible_to_sender for e in entries)
    assert "Siti" not in Report.objects.get(pk=named.pk).reporter_sealed


def test_the_approval_expires(hworld: World, named: Report, settings: Any) -> None:
    with audit.acting_as(SYSTEM):
        req = identity.request_identity(named, act(hworld.people["gakkumdu"]), REASON)
        approve_by_two_custodians(req, hworld.people)
        later = timezone.now() + datetime.timedelta(hours=settings.PRAJA_REPORTS["IDENTITY_ACCESS_HOURS"] + 1)
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(hworld.people["gakkumdu"]), now=later)


def test_a_refusal_needs_a_reason_and_an_anonymous_report_has_nothing_to_ask_for(hworld: World, named: Report) -> None:
    with audit.acting_as(SYSTEM):
        req = identity.request_identity(named, act(hworld.people["gakkumdu"]), REASON)
        with pytest.raises(handling.HandlingError):
            identity.decide(req, act(hworld.people["bawaslu_custodian"]), False)
        identity.decide(req, act(hworld.people["bawaslu_custodian"]), False, "Belum perlu")
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(hworld.people["gakkumdu"]))
        with pytest.raises(handling.HandlingError, match="anonim"):
            identity.request_identity(file_report(), act(hworld.people["gakkumdu"]), REASON)


def test_the_pages_request_approve_and_show_the_identity(hworld: World, named: Report) -> None:
    gakkumdu = client_for(hworld.people["gakkumdu"].user)
    custodian = client_for(hworld.people["bawaslu_custodian"].user)
    url = f"/laporan/r/{named.receipt}/"
    assert "Siti" not in main_of(gakkumdu.get(url))
    gakkumdu.post(url + "identitas/minta/", {"reason": REASON})
    req = IdentityRequest.objects.get(report=named)
    queue = main_of(custodian.get("/laporan/identitas/"))
    assert REASON in queue and named.receipt in queue
    assert client_for(hworld.people["propam"].user).get("/laporan/identitas/").status_code == 403  # no custodian
    assert "permintaan Anda sendiri" in main_of(gakkumdu.get("/laporan/identitas/"))  # Gakkumdu holds custody too
    custodian.post(f"/laporan/identitas/{req.pk}/putus/", {"approve": "1", "note": "ok"})
    assert gakkumdu.post(url + "identitas/lihat/").status_code == 403  # one approval of two
    page = main_of(gakkumdu.get(url))
    assert "1 dari 2 persetujuan kustodian" in page and "bawaslu_custodian" in page
    again = main_of(custodian.get("/laporan/identitas/"))
    assert "Anda sudah menyetujui" in again  # the same custodian cannot give the second approval
    second = client_for(hworld.people["gakkumdu_custodian"].user)
    second.post(f"/laporan/identitas/{req.pk}/putus/", {"approve": "1", "note": "setuju"})
    shown = gakkumdu.post(url + "identitas/lihat/")
    assert shown.status_code == 200 and "Siti Aminah" in main_of(shown)
    assert custodian.post(url + "identitas/lihat/").status_code == 403  # custodian has no approval of its own
    kapolsek = client_for(hworld.people["kapolsek"].user, second_factor=False)
    assert kapolsek.post(url + "identitas/minta/", {"reason": REASON}).status_code == 403  # no protected.view


def test_an_anonymous_report_stored_with_a_sealed_number_has_no_identity_to_open(hworld: World) -> None:
    from praja.reports import sealing

    old = file_report(description="Dikirim sebelum nomor pengirim anonim tidak disimpan lagi")
    Report.objects.filter(pk=old.pk).update(reporter_sealed=sealing.seal({"phone": "6281200001111"}))
    old.refresh_from_db()
    assert old.anonymous and not identity.has_identity(old)
    with audit.acting_as(SYSTEM), pytest.raises(handling.HandlingError, match="anonim"):
        identity.request_identity(old, act(hworld.people["gakkumdu"]), REASON)
    page = main_of(client_for(hworld.people["gakkumdu"].user).get(f"/laporan/r/{old.receipt}/"))
    assert "identitas/minta" not in page


def test_two_approvals_must_come_from_two_agencies_neither_the_requester(hworld: World, named: Report) -> None:
    """Issue 14 item 8: one administrator could open an identity alone by giving a custodian role to a second
    account of his own. Now a second approval from the same agency (or its Panwascam), the requester, or the same
    custodian again does not count."""
    P = hworld.people
    with audit.acting_as(SYSTEM):
        req = identity.request_identity(named, act(P["gakkumdu"]), REASON)
        with pytest.raises(handling.HandlingError, match="sendiri"):
            identity.decide(req, act(P["gakkumdu"]), True)
        identity.decide(req, act(P["bawaslu_custodian"]), True)
        with pytest.raises(handling.HandlingError, match="sudah menyetujui"):
            identity.decide(req, act(P["bawaslu_custodian"]), True)
        with pytest.raises(handling.HandlingError, match="instansi lain"):
            identity.decide(req, act(P["bawaslu"]), True)  # Bawaslu again
        with pytest.raises(handling.HandlingError, match="instansi lain"):
            identity.decide(req, act(P["panwascam"]), True)  # under Bawaslu: the same institution
        req.refresh_from_db()
        assert req.approved is None
        identity.decide(req, act(P["gakkumdu_custodian"]), True)
        req.refresh_from_db()
        assert req.approved is True and req.approvals.count() == 2
        assert identity.reveal(named, act(P["gakkumdu"]))["name"] == "Siti Aminah"


def test_one_custodians_refusal_refuses_even_after_an_approval(hworld: World, named: Report) -> None:
    P = hworld.people
    with audit.acting_as(SYSTEM):
        req = identity.request_identity(named, act(P["gakkumdu"]), REASON)
        identity.decide(req, act(P["bawaslu_custodian"]), True)
        identity.decide(req, act(P["gakkumdu_custodian"]), False, "Belum cukup alasan")
        req.refresh_from_db()
        assert req.approved is False
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(P["gakkumdu"]))
