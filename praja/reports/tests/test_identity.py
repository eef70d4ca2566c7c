"""A whistleblower's identity: sealed at rest, seen only by the handler whose stated request a custodian
(not the requester) approved, for a limited time; every request, decision and view is in the timeline."""

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
from praja.reports.tests.handle_world import SYSTEM, act, file_report

K = TimelineEntry.Kind
REASON = "Saksi kunci untuk berkas Gakkumdu, perlu dihubungi penyidik"


@pytest.fixture
def named(hworld: World) -> Report:
    return file_report(anonymous=False, reporter_name="Siti Aminah", phone="0812-3456-7890",
                       description="Pembagian uang oleh tim sukses")


def test_the_identity_is_opened_only_after_a_custodian_approves_a_stated_request(hworld: World, named: Report) -> None:
    gakkumdu, custodian = hworld.people["gakkumdu"], hworld.people["bawaslu_custodian"]
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
        data = identity.reveal(named, act(gakkumdu))
        with pytest.raises(handling.HandlingError):
            identity.reveal(named, act(hworld.people["bawaslu"]))  # the approval is the requester's only
    assert data == {"name": "Siti Aminah", "phone": "6281234567890"}
    entries = list(named.timeline.filter(kind__in=[K.IDENTITY_REQUEST, K.IDENTITY_DECISION, K.IDENTITY_VIEW])
                   .order_by("pk"))
    assert [e.kind for e in entries] == [K.IDENTITY_REQUEST, K.IDENTITY_DECISION, K.IDENTITY_VIEW]
    assert entries[0].text == REASON and entries[0].actor == gakkumdu.user
    assert entries[1].actor == custodian.user and entries[1].data["approved"] is True
    assert entries[2].actor == gakkumdu.user and not any(e.visible_to_sender for e in entries)
    assert "Siti" not in Report.objects.get(pk=named.pk).reporter_sealed


def test_the_approval_expires(hworld: World, named: Report, settings: Any) -> None:
    with audit.acting_as(SYSTEM):
        req = identity.request_identity(named, act(hworld.people["gakkumdu"]), REASON)
        identity.decide(req, act(hworld.people["bawaslu_custodian"]), True)
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
    assert gakkumdu.get("/laporan/identitas/").status_code == 403  # not a custodian
    custodian.post(f"/laporan/identitas/{req.pk}/putus/", {"approve": "1", "note": "ok"})
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
