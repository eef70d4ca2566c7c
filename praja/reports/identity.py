"""A whistleblower's identity, seen only through a request that a custodian approves (GlobaLeaks' model).

1. A handler asks, stating a reason (``request_identity``): an ``IdentityRequest`` and a timeline entry.
2. Two custodians (``reports.custodian``) of two different agencies (e.g. Bawaslu and Sentra Gakkumdu; a
   Panwascam counts as Bawaslu, the agency at the top of its chain), neither of them the person who asked,
   approve it (``decide``); one custodian's refusal, with a note, refuses it. Each decision is a timeline entry.
   So no single person, nor one agency alone, opens an identity: an administrator who gives a custodian role to
   an account of his own also needs a second administrator (accounts.grants) and a custodian elsewhere.
3. For ``IDENTITY_ACCESS_HOURS`` after the approval the handler who asked may open the identity
   (``reveal``); each opening unseals it with the key outside the database and appends a timeline entry.

Nothing here is shown to the sender; nothing is ever deleted.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praja.reports import legal, sealing
from praja.reports.handling import By, HandlingError, _entry
from praja.reports.models import IdentityApproval, IdentityRequest, Report, TimelineEntry

K = TimelineEntry.Kind


def access_hours() -> int:
    return int(legal.conf().get("IDENTITY_ACCESS_HOURS", 24))


def has_identity(report: Report) -> bool:
    """Whether a reporter's identity is stored. An anonymous report has none, even one stored before intake
    stopped keeping an anonymous sender's phone number (its sealed number is never opened)."""
    return bool(report.reporter_sealed) and not report.anonymous


def request_identity(report: Report, actor: By, reason: str) -> IdentityRequest:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise HandlingError(_("Tuliskan alasan yang jelas (paling sedikit 10 karakter) mengapa identitas pelapor "
                              "diperlukan."))
    if not has_identity(report):
        raise HandlingError(_("Laporan ini anonim: tidak ada identitas pelapor yang tersimpan."))
    with transaction.atomic():
        if IdentityRequest.objects.filter(report=report, requested_by=actor.user, approved__isnull=True).exists():
            raise HandlingError(_("Permintaan Anda sebelumnya masih menunggu keputusan kustodian."))
        req = IdentityRequest.objects.create(report=report, requested_by=actor.user, reason=reason)
        _entry(report, actor, K.IDENTITY_REQUEST, text=reason, data={"request": req.pk})
    return req


APPROVALS_NEEDED = 2


def institution(agency: Any) -> Any:
    """The agency at the top of an agency's chain (Panwascam Donomulyo -> Bawaslu Kabupaten Malang): two custodians'
    approvals count as two only when their institutions differ."""
    seen: set[int] = set()
    while agency is not None and agency.parent_id and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return agency


def _agency_of(user: Any) -> Any:
    from praja.base.access import person_of

    person = person_of(user)
    return getattr(person, "agency", None)


def decide(req: IdentityRequest, actor: By, approve: bool, note: str = "") -> IdentityRequest:
    """One custodian's decision. A refusal (with a note) refuses the request; an approval counts, and the request is
    approved once custodians of APPROVALS_NEEDED different institutions, none of them the requester, approved."""
    note = (note or "").strip()
    with transaction.atomic():
        req = IdentityRequest.objects.select_for_update().get(pk=req.pk)
        if req.approved is not None:
            raise HandlingError(_("Permintaan ini sudah diputuskan."))
        if req.requested_by_id == getattr(actor.user, "pk", None):
            raise HandlingError(_("Kustodian tidak dapat memutuskan permintaannya sendiri."))
        if not approve and not note:
            raise HandlingError(_("Tuliskan alasan penolakan."))
        earlier = list(IdentityApproval.objects.filter(request=req).select_related("agency"))
        if any(a.custodian_id == getattr(actor.user, "pk", None) for a in earlier):
            raise HandlingError(_("Anda sudah menyetujui permintaan ini; persetujuan kedua harus dari kustodian "
                                  "instansi lain."))
        agency = _agency_of(actor.user)
        if approve:
            mine = institution(agency)
            if mine is None:
                raise HandlingError(_("Kustodian harus tercatat pada sebuah instansi untuk menyetujui."))
            if any(institution(a.agency) is not None and institution(a.agency).pk == mine.pk for a in earlier):
                raise HandlingError(_("Persetujuan kedua harus dari kustodian instansi lain (mis. Bawaslu dan "
                                      "Sentra Gakkumdu), bukan dari %(a)s lagi.") % {"a": mine.name})
            IdentityApproval.objects.create(request=req, custodian=actor.user, agency=agency, note=note)
            count = len(earlier) + 1
            final = count >= APPROVALS_NEEDED
        else:
            count = len(earlier)
            final = True
        if final:
            req.approved = bool(approve)
            req.decided_by = actor.user
            req.decided_at = timezone.now()
            req.decision_note = note
            req.save()
        _entry(req.report, actor, K.IDENTITY_DECISION, text=note, data={
            "request": req.pk, "approved": req.approved if final else None, "requested_by": req.requested_by_id,
            "approvals": count, "needed": APPROVALS_NEEDED, "agency": getattr(agency, "name", ""),
            "valid_until": expires_at(req).isoformat() if final and req.approved else None,
        })
    return req


def approvals_of(req: IdentityRequest) -> list[IdentityApproval]:
    return list(IdentityApproval.objects.filter(request=req).select_related("custodian", "agency").order_by("at"))


def expires_at(req: IdentityRequest) -> datetime.datetime:
    start = req.decided_at or req.requested_at
    return start + datetime.timedelta(hours=access_hours())


def active_grant(report: Report, user: Any, now: datetime.datetime | None = None) -> IdentityRequest | None:
    """The approved, unexpired request of this user for this report, if any."""
    if user is None or not getattr(user, "pk", None):
        return None
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=access_hours())
    return (IdentityRequest.objects.filter(report=report, requested_by=user, approved=True, decided_at__gte=since)
            .order_by("-decided_at").first())


def reveal(report: Report, actor: By, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Open the sealed identity for a handler holding an approved request; every opening is in the timeline."""
    if not has_identity(report):
        raise HandlingError(_("Laporan ini anonim: tidak ada identitas pelapor yang tersimpan."))
    grant = active_grant(report, actor.user, now)
    if grant is None:
        raise HandlingError(_("Identitas pelapor hanya dapat dibuka dengan permintaan yang disetujui kustodian "
                              "dan belum kedaluwarsa."))
    data = sealing.unseal(report.reporter_sealed)
    _entry(report, actor, K.IDENTITY_VIEW, data={"request": grant.pk, "fields": sorted(data)})
    return data


def pending_for(reports_qs: Any) -> Any:
    """Requests awaiting a custodian, for reports the custodian may see."""
    return (IdentityRequest.objects.filter(approved__isnull=True, report__in=reports_qs)
            .select_related("report", "requested_by").order_by("requested_at"))
