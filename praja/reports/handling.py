"""The life of a report after intake: a state machine whose every step appends to the report's timeline.

    new -> verified | rejected (reason)
    verified -> assigned (Polsek or agency) | referred (legal path) | closed (reason)
    assigned -> assigned (again) | referred | outcome | closed
    referred -> referred (next stage) | outcome | closed
    outcome -> outcome (more detail) | closed
    rejected -> new (reopen, reason);  closed -> assigned/verified (reopen, reason)

Each function takes the report, the acting user and the channel; it locks the row, checks the step,
changes the report and appends one ``TimelineEntry`` in the same transaction. Nothing in a timeline is
changed or deleted. A step that is not allowed raises ``HandlingError`` with a message for the handler.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praja import jobs
from praja.accounts.models import Agency
from praja.base import audit
from praja.base.audit_protect import PROTECTED_TIMELINE_KINDS, protect
from praja.reports import known, legal, routing
from praja.reports.models import LegalPath, Report, Severity, Status, TimelineEntry

log = logging.getLogger(__name__)
K = TimelineEntry.Kind

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.VERIFIED, Status.REJECTED}),
    Status.VERIFIED: frozenset({Status.ASSIGNED, Status.REFERRED, Status.CLOSED, Status.REJECTED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.REFERRED, Status.OUTCOME, Status.CLOSED}),
    Status.REFERRED: frozenset({Status.REFERRED, Status.OUTCOME, Status.CLOSED}),
    Status.OUTCOME: frozenset({Status.OUTCOME, Status.CLOSED}),
    Status.REJECTED: frozenset({Status.NEW}),
    Status.CLOSED: frozenset({Status.VERIFIED, Status.ASSIGNED}),
}
# Status changes the sender sees on the follow page (not who handles it or where it was referred).
SENDER_VISIBLE = frozenset({Status.VERIFIED, Status.REJECTED, Status.REFERRED, Status.OUTCOME, Status.CLOSED})
OUTCOME_FIELDS = ("respondents", "arrests", "steps_taken", "case_number", "court_number", "outcome")


class HandlingError(ValueError):
    """A step that is not allowed now (message for the handler)."""


@dataclass(frozen=True)
class By:
    """Who acts and through which channel (web, api, cli)."""

    user: Any
    channel: str = "web"

    @property
    def label(self) -> str:
        person = getattr(self.user, "person", None) if self.user is not None else None
        if person is not None:  # the agency's name from memory (praja/reports/known.py): no SELECT per step
            return f"{person.full_name} ({known.agency_name(person.agency_id)})"[:160]
        return str(getattr(self.user, "username", "") or _("sistem"))[:160]


def by(user: Any, channel: str = "web") -> By:
    return By(user, channel)


def allowed(report: Report, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(report.status, frozenset())


def _locked(report: Report) -> Report:
    """The report's row, locked until the step's transaction ends; what it held is remembered, so that the
    step writes only the columns it changed (``_finish``)."""
    r = Report.objects.select_for_update().get(pk=report.pk)
    r._praja_loaded = {f.attname: getattr(r, f.attname) for f in Report._meta.concrete_fields}  # type: ignore[attr-defined]
    return r


def _entry(report: Report, actor: By, kind: str, *, text: str = "", data: dict[str, Any] | None = None,
           from_status: str = "", to_status: str = "", visible_to_sender: bool = False) -> TimelineEntry:
    """Append one timeline entry. Inside a step (a report from ``_locked``) the entry is inserted without model
    signals and audited with the step's other changes by ``_finish``: one audit entry per step."""
    entry = TimelineEntry(
        report=report, kind=kind, actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label, channel=actor.channel, from_status=from_status, to_status=to_status,
        text=text, data=data or {}, visible_to_sender=visible_to_sender,
    )
    if not hasattr(report, "_praja_loaded"):
        entry.save()  # outside a step: audited by the model signals
        return entry
    TimelineEntry.objects.bulk_create([entry])
    report.__dict__.setdefault("_praja_entries", []).append(entry)
    return entry


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


def _finish(r: Report) -> None:
    """End a step: UPDATE only the columns it changed (one statement, no re-read of the row), and write ONE
    audit entry for the step (the changed columns, before and after, and the timeline entries it appended).
    Replaces ``r.save()`` in the steps, which re-read the row for the audit signal, wrote every column and
    audited the report and each timeline entry separately."""
    loaded: dict[str, Any] = r.__dict__.pop("_praja_loaded", {})
    entries: list[TimelineEntry] = r.__dict__.pop("_praja_entries", [])
    changed = {name: getattr(r, name) for name, old in loaded.items() if getattr(r, name) != old}
    if changed:
        Report.objects.filter(pk=r.pk).update(**changed)
    if audit.current_actor() is None or not (changed or entries):
        return
    record: dict[str, Any] = {name: [_plain(loaded[name]), _plain(value)] for name, value in changed.items()}
    sensitivity = ""
    if entries:
        # Each appended entry as the log keeps a timeline entry: its text and data (internal notes, questions,
        # routing) digested, never in clear (audit_protect); an identity step makes the whole entry protected.
        record["timeline"] = [
            protect("reports.timelineentry", {
                "id": e.pk, "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status, "text": e.text,
                "data": e.data, "actor_label": e.actor_label, "channel": e.channel}) for e in entries]
        if any(e.kind in PROTECTED_TIMELINE_KINDS for e in entries):
            sensitivity = "protected"
    audit.record("update", "reports.report", str(r.pk), r.region_code, record, sensitivity=sensitivity)


def _move(report: Report, to_status: str, actor: By, kind: str, *, text: str = "",
          data: dict[str, Any] | None = None) -> TimelineEntry:
    if not allowed(report, to_status):
        raise HandlingError(_("Tidak dapat mengubah status dari “%(a)s” ke “%(b)s”.") % {
            "a": Status(report.status).label, "b": Status(to_status).label})
    old = report.status
    report.status = to_status
    return _entry(report, actor, kind, text=text, data=data, from_status=old, to_status=to_status,
                  visible_to_sender=to_status in SENDER_VISIBLE and to_status != old)


def _need(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise HandlingError(_("%(w)s wajib diisi.") % {"w": what})
    return text


# --- steps ---------------------------------------------------------------------------------------


def verify(report: Report, actor: By, *, severity: int | None = None, note: str = "", risk_now: bool = False) -> Report:
    """The report describes something that happened: it counts (and enters the risk index). ``risk_now``: the
    incident is recorded and its desa noted in this transaction, for a caller that scores the noted desa itself
    (the demo builder: one recompute for all its reports); otherwise a job does both."""
    with transaction.atomic():
        r = _locked(report)
        data: dict[str, Any] = {}
        if severity is not None and int(severity) != r.severity:
            if int(severity) not in Severity.values:
                raise HandlingError(_("Tingkat tidak dikenal."))
            data["severity"] = [r.severity, int(severity)]
            r.severity = int(severity)
        _move(r, Status.VERIFIED, actor, K.STATUS, text=note.strip(), data=data)
        r.verified_at = timezone.now()
        r.status_reason = ""
        _finish(r)
        # The risk index learns of it through a job queued in the same transaction (kept with the verification,
        # or not at all): the job records the incident and scores the desa's TPS, off the handler's request
        # (praja/reports/tasks.py). Only a report the index counts (its category, a TPS or desa, no drill).
        if risk_now:
            risk_record(r.pk, defer=True)
        elif risk_counts(r):
            jobs.submit("reports.risk_incident", r.pk, title=_("Skor kerawanan setelah verifikasi"))
    return r


def reject(report: Report, actor: By, reason: str) -> Report:
    reason = _need(reason, _("Alasan penolakan"))
    with transaction.atomic():
        r = _locked(report)
        was_verified = r.verified_at is not None
        _move(r, Status.REJECTED, actor, K.STATUS, text=reason)
        r.status_reason = reason
        r.due_at = None
        _finish(r)
        if was_verified:
            transaction.on_commit(lambda: risk_withdraw(r.receipt))
    return r


def take(report: Report, actor: By) -> Report:
    """The acting person takes the report into their own queue."""
    with transaction.atomic():
        r = _locked(report)
        if r.status in (Status.CLOSED, Status.REJECTED):
            raise HandlingError(_("Laporan yang sudah ditutup atau ditolak tidak dapat diambil."))
        previous = r.handler_id
        r.handler = actor.user
        _entry(r, actor, K.TAKEN, data={"from_handler": previous, "to_handler": getattr(actor.user, "pk", None)})
        _finish(r)
    return r


def assign(report: Report, actor: By, agency: Agency, *, note: str = "") -> Report:
    """Give the report to a Polsek or an agency (never the reported unit itself)."""
    refused = routing.agency_refused(report, agency)
    if refused:
        raise HandlingError(refused)
    with transaction.atomic():
        r = _locked(report)
        previous = r.assigned_agency_id
        _move(r, Status.ASSIGNED, actor, K.ASSIGNED, text=note.strip(),
              data={"agency": agency.pk, "agency_name": agency.name, "previous": previous})
        r.assigned_agency = agency
        if previous != agency.pk:
            r.handler = None
        _finish(r)
    return r


def refer(
    report: Report, actor: By, path: str, recipient: Agency | None = None, *, note: str = "",
    acknowledge_late: bool = False, now: datetime.datetime | None = None,
) -> Report:
    """Send the report along a legal path to its recipient; the first stage's deadline starts now.

    The filing window is checked: a report filed after it needs ``acknowledge_late`` (the handler
    confirms having seen that), and the check is written into the timeline either way."""
    if path not in LegalPath.values:
        raise HandlingError(_("Jalur hukum tidak dikenal."))
    if recipient is None:
        candidates = legal.recipients(path, report.region_code)
        candidates = [a for a in candidates if not routing.agency_refused(report, a)]
        recipient = candidates[0] if candidates else None
    if recipient is None:
        raise HandlingError(_("Tidak ada instansi penerima untuk jalur ini di wilayah laporan; pilih penerimanya."))
    refused = routing.agency_refused(report, recipient)
    if refused:
        raise HandlingError(refused)
    spec = legal.PATHS[path]
    if recipient.kind != spec.recipient_kind:
        raise HandlingError(_("%(a)s bukan penerima jalur %(p)s (seharusnya %(k)s).") % {
            "a": recipient.name, "p": LegalPath(path).label, "k": Agency.Kind(spec.recipient_kind).label})
    check = legal.filing_check(report)
    if check.late and not acknowledge_late:
        raise HandlingError(check.label + ". " + _("Centang bahwa Anda telah memeriksanya untuk tetap meneruskan."))
    now = now or timezone.now()
    stage = legal.first_stage(path)
    due = legal.stage_due(stage, now, None)
    with transaction.atomic():
        r = _locked(report)
        _move(r, Status.REFERRED, actor, K.REFERRED, text=note.strip(), data={
            "path": path, "recipient": recipient.pk, "recipient_name": recipient.name, "stage": stage,
            "due_at": due.isoformat(), "filing_late": check.late,
            "filing_deadline": check.deadline.isoformat() if check.deadline else None,
        })
        r.legal_path, r.referred_to, r.referred_at = path, recipient, now
        r.stage, r.stage_started_at, r.due_at = stage, now, due
        _finish(r)
    return r


def advance(report: Report, actor: By, stage: str, *, note: str = "", now: datetime.datetime | None = None) -> Report:
    """Move along the legal path to its next stage (a new calendar-day deadline)."""
    with transaction.atomic():
        r = _locked(report)
        if r.status != Status.REFERRED:
            raise HandlingError(_("Hanya laporan yang sudah diteruskan yang punya tahap jalur hukum."))
        if stage not in legal.next_stages(r.legal_path, r.stage):
            raise HandlingError(_("Tahap “%(s)s” tidak mengikuti tahap sekarang.") % {"s": stage})
        now = now or timezone.now()
        due = legal.stage_due(stage, now, r.due_at)
        _entry(r, actor, K.STAGE, text=note.strip(), data={
            "from_stage": r.stage, "stage": stage, "due_at": due.isoformat(),
            "previous_due_at": r.due_at.isoformat() if r.due_at else None})
        r.stage, r.stage_started_at, r.due_at = stage, now, due
        _finish(r)
    return r


def record_outcome(report: Report, actor: By, **fields: Any) -> Report:
    """Outcome fields as the police keep them (respondents, arrests, steps, case and court numbers)."""
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise HandlingError(_("Isian hasil tidak dikenal: %(f)s") % {"f": ", ".join(sorted(unknown))})
    arrests = fields.get("arrests")
    if arrests not in (None, ""):
        try:
            fields["arrests"] = int(arrests)
        except (TypeError, ValueError):
            raise HandlingError(_("Jumlah penangkapan harus berupa angka.")) from None
        if fields["arrests"] < 0:
            raise HandlingError(_("Jumlah penangkapan tidak boleh negatif."))
    else:
        fields["arrests"] = None
    with transaction.atomic():
        r = _locked(report)
        changes: dict[str, Any] = {}
        for name in OUTCOME_FIELDS:
            if name not in fields:
                continue
            new = fields[name] if name == "arrests" else str(fields[name] or "").strip()
            if getattr(r, name) != new:
                changes[name] = [getattr(r, name), new]
                setattr(r, name, new)
        if not changes and r.status == Status.OUTCOME:
            raise HandlingError(_("Tidak ada yang berubah."))
        if not (r.outcome or r.steps_taken):
            raise HandlingError(_("Isi hasil atau langkah yang diambil."))
        _move(r, Status.OUTCOME, actor, K.OUTCOME, text=r.outcome, data={"changes": changes})
        r.due_at = None
        _finish(r)
    return r


def close(report: Report, actor: By, reason: str) -> Report:
    reason = _need(reason, _("Alasan penutupan"))
    with transaction.atomic():
        r = _locked(report)
        _move(r, Status.CLOSED, actor, K.STATUS, text=reason)
        r.status_reason = reason
        r.due_at = None
        _finish(r)
    return r


def reopen(report: Report, actor: By, reason: str) -> Report:
    """A rejected report goes back to new (to be verified again); a closed one to where it was handled."""
    reason = _need(reason, _("Alasan membuka kembali"))
    with transaction.atomic():
        r = _locked(report)
        if r.status == Status.REJECTED:
            to = Status.NEW
        elif r.status == Status.CLOSED:
            to = Status.ASSIGNED if r.assigned_agency_id else Status.VERIFIED
        else:
            raise HandlingError(_("Hanya laporan yang ditolak atau ditutup yang dapat dibuka kembali."))
        _move(r, to, actor, K.REOPENED, text=reason)
        r.status_reason = ""
        _finish(r)
    return r


def note(report: Report, actor: By, text: str) -> TimelineEntry:
    text = _need(text, _("Catatan"))
    with transaction.atomic():
        r = _locked(report)
        entry = _entry(r, actor, K.NOTE, text=text)
        _finish(r)
        return entry


def ask_sender(report: Report, actor: By, question: str) -> TimelineEntry:
    """A question the sender sees on the follow page (receipt + PIN) and can answer there."""
    question = _need(question, _("Pertanyaan"))
    with transaction.atomic():
        r = _locked(report)
        entry = _entry(r, actor, K.QUESTION, text=question, visible_to_sender=True)
        _finish(r)
        return entry


def log_protected_view(report: Report, actor: By, what: str) -> TimelineEntry:
    """Someone looked at a protected field (the exact point, an original attachment)."""
    return _entry(report, actor, K.PROTECTED_VIEW, data={"field": what})


# --- routing at intake, risk hook ------------------------------------------------------------------


def on_intake(report_id: int) -> None:
    """After a report is stored: a report about a protected person records where it goes and which
    unit may not see it (routing.py)."""
    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        route_at_intake(report)


def route_at_intake(report: Report) -> None:
    if not (report.subject_kind in routing.SUBJECT_PATH or report.subject_unit_id):
        return  # no one protected: nothing to route (and no query)
    if report.timeline.filter(kind=K.ROUTED).exists():
        return
    r = routing.route(report)
    if not r.protected:
        return
    with transaction.atomic():
        TimelineEntry.objects.create(
            report=report, kind=K.ROUTED, actor_label=_("sistem"), channel="sistem",
            text=_("Laporan tentang %(s)s: ditangani di luar satuan terlapor.") % {
                "s": report.get_subject_kind_display()},
            data={
                "path": r.path,
                "recipients": [[a.pk, a.name] for a in r.recipients[:3]],
                "bawaslu": [[a.pk, a.name] for a in r.bawaslu],
                "excluded": [[a.pk, a.name] for a in r.excluded],
            },
        )
        report.routed_to.add(*r.recipients[:3], *r.bawaslu)  # their queue (board.my_queue_q)


def _risk_conf() -> tuple[list[str], dict[int, float]]:
    conf = legal.conf()
    cats = list(conf.get("RISK_CATEGORIES", []))
    weights = {int(k): float(v) for k, v in dict(conf.get("RISK_SEVERITY", {})).items()}
    return cats, weights


def risk_place(report: Report) -> str:
    """The TPS or desa the risk index knows the report by ('' when only a kecamatan or nothing is known)."""
    from praja.base.regions import level_of

    if report.tps_id:
        return str(report.tps_id)
    if report.region_id and level_of(report.region_id) == 4:
        return str(report.region_id)
    return ""


def risk_counts(report: Report) -> bool:
    """Whether the risk index counts this report once verified: a category it weighs, a TPS or desa, no drill."""
    if report.drill_id is not None:  # a drill's report (latihan) never enters the real risk index
        return False
    cats, _weights = _risk_conf()
    return report.category in cats and bool(risk_place(report))


def risk_record(report_id: int, *, defer: bool = False, quiet: bool = True) -> bool:
    """A verified report becomes an incident of the risk index (the same receipt again only updates it).
    The report's row is read locked, so a rejection being written waits, and a report rejected meanwhile
    records nothing (its withdrawal runs after the rejection commits).
    `defer`: its desa is noted for `score_pending` instead of scored now (praja.risk.services).
    `quiet` (a request): a failure is logged and answers False; otherwise (the job) it is raised, so that the job
    is tried again."""
    try:
        from praja.risk.services import record_incident

        with transaction.atomic():  # a savepoint in a caller's transaction: a failure leaves it usable
            report = Report.objects.select_for_update().filter(pk=report_id).first()
            if report is None or report.status == Status.REJECTED or not risk_counts(report):
                return False
            _cats, weights = _risk_conf()
            on = timezone.localtime(report.occurred_at or report.received_at).date()
            record_incident(risk_place(report), on, weights.get(report.severity, 1.0), ref=report.receipt,
                            defer=defer)
    except Exception:  # noqa: BLE001 - the risk index must not block handling; it is logged
        if not quiet:
            raise
        log.exception("risk incident for report %s not recorded", report_id)
        return False
    return True


def risk_withdraw(receipt: str) -> bool:
    try:
        from praja.risk.services import withdraw_incident

        return withdraw_incident(receipt)
    except Exception:  # noqa: BLE001
        log.exception("risk incident for report %s not withdrawn", receipt)
        return False


def after_intake(report_id: int) -> None:
    """The hook run after every intake (apps.py): routing, then duplicate linking, on one SELECT of the
    report. A failure here is logged and never reaches the sender, whose report is already stored and
    answered. The after-intake worker calls ``after_intake_batch`` instead (one SELECT for a batch)."""
    from praja.reports import duplicates

    try:
        report = Report.objects.filter(pk=report_id).only(*duplicates.FIELDS).first()
    except Exception:  # noqa: BLE001
        log.exception("after-intake: report %s not read", report_id)
        return
    if report is not None:
        _after_intake_steps(report)


def after_intake_batch(report_ids: list[int]) -> None:
    """``after_intake`` for many reports, read in one SELECT (the after-intake worker's batches)."""
    from praja.reports import duplicates

    reports = list(Report.objects.filter(pk__in=report_ids).only(*duplicates.FIELDS).order_by("pk"))
    same_place = duplicates.place_candidates_by_tps(reports)  # one statement for the batch (PostgreSQL)
    writes = duplicates.LinkWrites([r.pk for r in reports])  # the batch's links, written together below
    for report in reports:
        _after_intake_steps(report, same_place.get(report.pk), writes)
    writes.flush()  # a failure here escapes: afterwork redoes the batch one report and hook at a time


after_intake.for_batch = after_intake_batch  # type: ignore[attr-defined]


def _after_intake_steps(report: Report, same_place: list[tuple[int, str]] | None = None,
                        writes: Any = None) -> None:
    from praja.reports import duplicates

    try:
        route_at_intake(report)
    except Exception:  # noqa: BLE001
        log.exception("after-intake step route_at_intake failed for report %s", report.pk)
    try:
        duplicates.find_and_link(report, same_place, writes)
    except Exception:  # noqa: BLE001
        log.exception("after-intake step find_and_link failed for report %s", report.pk)
