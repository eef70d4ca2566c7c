"""Handler pages at /laporan/: the board (live), a report's page with its timeline and the handling
steps, the overdue list per agency, identity requests and their custodian queue.

Every lookup goes through visibility.reports: a report outside one's region or about one's own unit
answers 404. Steps need ``reports.handle``; identity needs ``protected.view`` too, and a custodian's
approval; the custodian queue needs ``reports.custodian``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from praja.accounts import visibility as account_visibility
from praja.accounts.models import Agency
from praja.base import roles as R
from praja.base.access import capability_required, require_capability
from praja.reports import attachments as attachmod
from praja.reports import board as boardmod
from praja.reports import duplicates, forms, handling, identity, legal, routing, visibility
from praja.reports.models import (
    Attachment,
    Category,
    Channel,
    IdentityApproval,
    IdentityRequest,
    LegalPath,
    Report,
    ReportLink,
    Severity,
    Status,
    TimelineEntry,
)


def _report(request: HttpRequest, receipt: str, *, related: bool = True) -> Report:
    """The report `receipt` if the reader may see it, else 404. `related=False` (the actions, which read the
    report again locked): without the seven joined tables, whose join order PostgreSQL spent about 5 ms
    planning for a 0.5 ms lookup (EXPLAIN ANALYZE on the bench database, 100,000 reports)."""
    qs = visibility.reports(Report.objects.all(), request)
    if related:
        qs = qs.select_related("region", "tps", "subject_unit", "assigned_agency", "referred_to", "handler", "partner")
    return get_object_or_404(qs, receipt=receipt)


def _by(request: HttpRequest) -> handling.By:
    return handling.by(request.user, "web")


def _refresh_seconds() -> int:
    return int(legal.conf().get("BOARD_REFRESH_SECONDS", 20))


@never_cache
@require_GET
@capability_required(R.REPORTS_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    can_handle = visibility.can_handle(request)
    f = boardmod.parse(request.GET, can_handle)
    views = boardmod.views_for(request)
    if f.view not in views:
        f.view = "antrian" if can_handle else "aktif"
    if not f.since:
        f.since = boardmod.visible(request).order_by("-pk").values_list("pk", flat=True).first() or 0
    b = boardmod.build(request, f)
    ctx = {
        "b": b, "f": f, "views": views, "reset_query": boardmod.Filters(view=f.view, since=f.since).query(),
        "when": {k: v[0] for k, v in boardmod.WHEN.items()},
        "statuses": Status.choices, "categories": Category.choices, "severities": Severity.choices,
        "paths": LegalPath.choices, "channels": Channel.choices, "refresh": _refresh_seconds(),
        "can_handle": can_handle, "live_query": f.query(),
        "kecamatans": boardmod.kecamatan_choices(request, f.kecamatan), "agencies": boardmod.agency_choices(request),
        "is_custodian": R.REPORTS_CUSTODIAN in request.capabilities,  # type: ignore[attr-defined]
    }
    if request.headers.get("HX-Request") or request.GET.get("partial") == "1":
        return render(request, "reports/handle/_board_live.html", ctx)
    return render(request, "reports/handle/board.html", ctx)


@never_cache
@require_GET
@capability_required(R.REPORTS_VIEW)
def overdue(request: HttpRequest) -> HttpResponse:
    qs = boardmod.visible(request)
    rows = legal.overdue_by_agency(qs)
    late = legal.overdue(qs).select_related("referred_to", "assigned_agency", "region").order_by(
        legal.deadline_expr())[:200]
    now = timezone.now()
    return render(request, "reports/handle/overdue.html", {
        "rows": rows, "late": [(r, legal.humanise(legal.time_left(r, now)),
                                _stage_label(r.stage) or (_("verifikasi") if r.status == Status.NEW else ""))
                               for r in late]})


def _agencies_for_assign(request: HttpRequest, report: Report) -> Any:
    qs = account_visibility.agencies(Agency.objects.all(), request.scope)  # type: ignore[attr-defined]
    return qs.exclude(pk__in=[a.pk for a in routing.excluded_units(report)])


def _recipients(report: Report) -> Any:
    kinds = sorted({spec.recipient_kind for spec in legal.PATHS.values()})
    return Agency.objects.filter(kind__in=kinds).exclude(pk__in=[a.pk for a in routing.excluded_units(report)])


def _filed_by_me(request: HttpRequest, receipt: str) -> Report | None:
    """The report with this receipt if the signed-in officer filed it through the officers' form."""
    if R.REPORTS_SUBMIT not in request.capabilities:  # type: ignore[attr-defined]
        return None
    return Report.objects.filter(receipt=receipt, created_by_id=request.user.pk, channel=Channel.OFFICER_WEB).first()


@never_cache
@require_GET
@login_required
def detail(request: HttpRequest, receipt: str) -> HttpResponse:
    """The case page for those who may see the report; for the officer who filed it and may not see it
    (no reports.view, or outside the officer's region), a short page of what they sent, where they can add
    photos and documents."""
    caps = request.capabilities  # type: ignore[attr-defined]
    if R.REPORTS_VIEW in caps:
        report = visibility.reports(Report.objects.all(), request).select_related(
            "region", "tps", "subject_unit", "assigned_agency", "referred_to", "handler", "partner").filter(
            receipt=receipt).first()
        if report is not None:
            return render(request, "reports/handle/detail.html", _detail_context(request, report))
    own = _filed_by_me(request, receipt)
    if own is not None:
        return render(request, "reports/handle/own.html", {
            "r": own, "attachments": Attachment.objects.filter(report=own).order_by("pk"),
            **_attach_limits(own)})
    if R.REPORTS_VIEW not in caps:
        raise PermissionDenied
    raise Http404


def _attach_limits(report: Report) -> dict[str, Any]:
    max_bytes, types, per_report = attachmod.limits()
    return {"attach_max_size": attachmod.human_size(max_bytes), "attach_max_files": per_report,
            "attach_room": max(0, per_report - Attachment.objects.filter(report=report).count()),
            "attach_accept": ",".join(types)}


def _stage_label(key: Any) -> str:
    return str(legal.STAGES[key].label) if key in legal.STAGES else str(key or "")


def _timeline(report: Report, visible: Any) -> list[Any]:
    """The report's timeline as the viewer may read it: a link entry to a report the viewer may not see
    (a neutrality report about the viewer's own unit) is left out, so neither its receipt nor the reason
    for the link shows; the links panel is filtered by the same rule."""
    entries = list(report.timeline.select_related("actor").order_by("at", "pk"))

    def other(e: Any) -> Any:
        return e.data.get("other") if e.kind == TimelineEntry.Kind.LINKED and isinstance(e.data, dict) else None

    linked = {pk for pk in (other(e) for e in entries) if pk is not None}
    if linked:
        seen = set(visible.filter(pk__in=linked).values_list("pk", flat=True))
        entries = [e for e in entries if e.kind != TimelineEntry.Kind.LINKED or other(e) in seen]
    for e in entries:
        data = e.data if isinstance(e.data, dict) else {}
        e.stage_label = _stage_label(data.get("stage"))  # type: ignore[attr-defined]
        e.from_stage_label = _stage_label(data.get("from_stage"))  # type: ignore[attr-defined]
    return entries


def _detail_context(request: HttpRequest, report: Report, **extra: Any) -> dict[str, Any]:
    caps = request.capabilities  # type: ignore[attr-defined]
    can_handle = R.REPORTS_HANDLE in caps
    now = timezone.now()
    visible_ids = visibility.reports(Report.objects.all(), request)
    links = (ReportLink.objects.filter(report=report, other__in=visible_ids).select_related("other")
             .order_by("created_at"))
    stages = [(s, legal.STAGES[s].label) for s in legal.next_stages(report.legal_path, report.stage)]
    ctx: dict[str, Any] = {
        "r": report,
        "timeline": _timeline(report, visible_ids),
        "links": links,
        "attachments": Attachment.objects.filter(report=report).order_by("pk"),
        "route": routing.route(report),
        "filing": legal.filing_check(report),
        "time_left": legal.humanise(legal.time_left(report, now)),
        "overdue": legal.is_overdue(report, now),
        "verify_hours": legal.verify_hours(),
        "stage_label": legal.STAGES[report.stage].label if report.stage in legal.STAGES else report.stage,
        "can_handle": can_handle,
        "can_request_identity": can_handle and R.VIEW_PROTECTED in caps and identity.has_identity(report),
        "grant": identity.active_grant(report, request.user, now),
        "identity_requests": IdentityRequest.objects.filter(report=report).select_related(
            "requested_by", "decided_by").order_by("requested_at") if (can_handle or R.REPORTS_CUSTODIAN in caps)
        else [],
        "allowed": {s: handling.allowed(report, s) for s in Status.values},
        "stages": stages,
        "desa": report.tps.desa if report.tps_id and report.tps else report.region,
        "can_attach": can_handle or (report.created_by_id == request.user.pk and report.channel == Channel.OFFICER_WEB
                                     and R.REPORTS_SUBMIT in caps),
        **_attach_limits(report),
    }
    if can_handle:
        ctx.update({
            "verify_form": forms.VerifyForm(initial={"severity": report.severity}),
            "reason_form": forms.ReasonForm(),
            "note_form": forms.NoteForm(),
            "question_form": forms.QuestionForm(),
            "assign_form": forms.AssignForm(agencies=_agencies_for_assign(request, report)),
            "refer_form": forms.ReferForm(agencies=_recipients(report),
                                          initial={"path": routing.route(report).path or LegalPath.CRIMINAL}),
            "advance_form": forms.AdvanceForm(stages=stages),
            "outcome_form": forms.OutcomeForm(initial={f: getattr(report, f) for f in handling.OUTCOME_FIELDS}),
            "identity_form": forms.IdentityRequestForm(),
            "link_form": forms.LinkForm(),
        })
    ctx.update(extra)
    return ctx


ACTIONS = {"verify", "reject", "take", "assign", "refer", "advance", "outcome", "close", "reopen", "note",
           "ask", "link"}


@require_POST
@capability_required(R.REPORTS_HANDLE)
def action(request: HttpRequest, receipt: str, name: str) -> HttpResponse:
    if name not in ACTIONS:
        raise Http404
    report = _report(request, receipt, related=False)
    actor = _by(request)
    post = request.POST
    try:
        if name == "verify":
            form: Any = forms.VerifyForm(post)
            if form.is_valid():
                handling.verify(report, actor, severity=form.cleaned_data["severity"], note=form.cleaned_data["note"])
        elif name in ("reject", "close", "reopen"):
            form = forms.ReasonForm(post)
            if form.is_valid():
                getattr(handling, name)(report, actor, form.cleaned_data["reason"])
        elif name == "take":
            form = None
            handling.take(report, actor)
        elif name == "assign":
            form = forms.AssignForm(post, agencies=_agencies_for_assign(request, report))
            if form.is_valid():
                handling.assign(report, actor, form.cleaned_data["agency"], note=form.cleaned_data["note"])
        elif name == "refer":
            form = forms.ReferForm(post, agencies=_recipients(report))
            if form.is_valid():
                handling.refer(report, actor, form.cleaned_data["path"], form.cleaned_data["recipient"],
                               note=form.cleaned_data["note"], acknowledge_late=form.cleaned_data["acknowledge_late"])
        elif name == "advance":
            stages = [(s, legal.STAGES[s].label) for s in legal.next_stages(report.legal_path, report.stage)]
            form = forms.AdvanceForm(post, stages=stages)
            if form.is_valid():
                handling.advance(report, actor, form.cleaned_data["stage"], note=form.cleaned_data["note"])
        elif name == "outcome":
            form = forms.OutcomeForm(post)
            if form.is_valid():
                handling.record_outcome(report, actor, **form.cleaned_data)
        elif name == "note":
            form = forms.NoteForm(post)
            if form.is_valid():
                handling.note(report, actor, form.cleaned_data["text"])
        elif name == "ask":
            form = forms.QuestionForm(post)
            if form.is_valid():
                handling.ask_sender(report, actor, form.cleaned_data["text"])
        else:  # link
            form = forms.LinkForm(post)
            if form.is_valid():
                other = visibility.reports(Report.objects.all(), request).filter(
                    receipt=form.cleaned_data["receipt"].strip().upper()).first()
                if other is None or other.pk == report.pk:
                    form.add_error("receipt", _("Laporan dengan kode itu tidak ditemukan."))
                else:
                    duplicates.link(report, other, form.cleaned_data["kind"],
                                    form.cleaned_data["reason"] or _("Ditautkan oleh penangan"),
                                    user=request.user, label=actor.label)
    except handling.HandlingError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect("reports:detail", receipt=report.receipt)
        form.add_error(None, str(exc))
    if form is not None and not form.is_valid():
        return _detail_again(request, report, name, form)
    messages.success(request, _("Tersimpan dan dicatat di riwayat laporan."))
    return redirect("reports:detail", receipt=report.receipt)


# The context name of each action's form on the report's page.
FORM_KEYS = {"verify": "verify_form", "reject": "reason_form", "close": "reason_form", "reopen": "reason_form",
             "assign": "assign_form", "refer": "refer_form", "advance": "advance_form", "outcome": "outcome_form",
             "note": "note_form", "ask": "question_form", "link": "link_form"}


def _detail_again(request: HttpRequest, report: Report, name: str, form: Any) -> HttpResponse:
    """The report's page again with the form as it was sent, its errors beside the fields and its section
    open: nothing typed is lost (a refer form keeps its recipient and note)."""
    report.refresh_from_db()
    errors = [f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
              for k, v in form.errors.items()]
    ctx = _detail_context(request, report, failed=name, failed_errors=errors)
    if name in ("reject", "close", "reopen"):  # three forms share one class: only the one sent is bound
        ctx["failed_form"] = form
    else:
        ctx[FORM_KEYS[name]] = form
    return render(request, "reports/handle/detail.html", ctx, status=400)


@never_cache
@require_POST
@capability_required(R.REPORTS_HANDLE)
def reveal_point(request: HttpRequest, receipt: str) -> HttpResponse:
    """The exact point of the report: protected, each look is in the timeline."""
    report = _report(request, receipt)
    if report.latitude is None:
        raise Http404
    handling.log_protected_view(report, _by(request), "location")
    return render(request, "reports/handle/_point.html", {"r": report})


@never_cache
@require_GET
@capability_required(R.REPORTS_VIEW)
def attachment(request: HttpRequest, receipt: str, pk: int) -> FileResponse:
    """The stripped public copy for every viewer; the original (with its metadata) for handlers, logged."""
    report = _report(request, receipt)
    att = get_object_or_404(Attachment, report=report, pk=pk)
    if request.GET.get("asli") == "1":
        require_capability(request, R.REPORTS_HANDLE)
        handling.log_protected_view(report, _by(request), f"attachment:{att.pk}")
        stored = att.file
    else:
        stored = att.public_file
        if not stored:
            raise Http404
    response = FileResponse(stored.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = f'inline; filename="lampiran-{att.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def attach(request: HttpRequest, receipt: str) -> HttpResponse:
    """Add photos, videos or documents to an existing report: a handler who sees it, or the officer who
    filed it. Each file is checked (type read from its bytes, size, count), kept with its SHA-256 and, for a
    photo, a copy without EXIF; the timeline records who added what. Not shown to the public sender.

    Answers JSON to the officers' form (``Accept: application/json``), else goes back to the report's page."""
    caps = request.capabilities  # type: ignore[attr-defined]
    wants_json = "application/json" in request.headers.get("Accept", "")
    report = None
    if R.REPORTS_HANDLE in caps:
        report = visibility.reports(Report.objects.all(), request).filter(receipt=receipt).first()
    if report is None:
        report = _filed_by_me(request, receipt)
    if report is None:
        if R.REPORTS_HANDLE not in caps and R.REPORTS_SUBMIT not in caps:
            raise PermissionDenied
        raise Http404
    files = request.FILES.getlist("files")
    per_report = attachmod.limits()[2]
    error = ""
    checked: list[attachmod.Checked] = []
    if not files:
        error = _("Pilih berkas untuk dilampirkan.")
    elif Attachment.objects.filter(report=report).count() + len(files) > per_report:
        error = _("Paling banyak %(n)s lampiran per laporan.") % {"n": per_report}
    else:
        try:
            checked = [attachmod.check(f) for f in files]
        except attachmod.AttachmentError as exc:
            error = str(exc)
    if error:
        if wants_json:
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return redirect("reports:detail", receipt=report.receipt)
    actor = _by(request)
    stored = [attachmod.store(report, item, actor=request.user, actor_label=actor.label, channel=actor.channel,
                              from_sender=False) for item in checked]
    if wants_json:
        return JsonResponse({"receipt": report.receipt, "stored": [a.original_name for a in stored]}, status=201)
    messages.success(request, _("Lampiran tersimpan dan dicatat di riwayat laporan."))
    return redirect("reports:detail", receipt=report.receipt)


# --- identity ----------------------------------------------------------------------------------------


@require_POST
@capability_required(R.REPORTS_HANDLE)
def identity_request(request: HttpRequest, receipt: str) -> HttpResponse:
    require_capability(request, R.VIEW_PROTECTED)
    report = _report(request, receipt)
    form = forms.IdentityRequestForm(request.POST)
    if form.is_valid():
        try:
            identity.request_identity(report, _by(request), form.cleaned_data["reason"])
            messages.success(request, _("Permintaan dikirim ke kustodian."))
        except handling.HandlingError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Tuliskan alasan permintaan."))
    return redirect("reports:detail", receipt=report.receipt)


@never_cache
@require_POST
@capability_required(R.REPORTS_HANDLE)
def identity_view(request: HttpRequest, receipt: str) -> HttpResponse:
    require_capability(request, R.VIEW_PROTECTED)
    report = _report(request, receipt)
    try:
        data = identity.reveal(report, _by(request))
    except handling.HandlingError as exc:
        raise PermissionDenied(str(exc)) from exc
    grant = identity.active_grant(report, request.user)
    return render(request, "reports/handle/identity.html", {
        "r": report, "data": data, "until": identity.expires_at(grant) if grant else None})


def _custodian_reports(request: HttpRequest) -> Any:
    return visibility.reports(Report.objects.all(), request)


@never_cache
@require_GET
@capability_required(R.REPORTS_CUSTODIAN)
def identity_queue(request: HttpRequest) -> HttpResponse:
    pending = identity.pending_for(_custodian_reports(request)).prefetch_related("approvals__custodian",
                                                                               "approvals__agency")
    decided = (IdentityRequest.objects.filter(report__in=_custodian_reports(request), approved__isnull=False)
               .select_related("report", "requested_by", "decided_by").order_by("-decided_at")[:50])
    return render(request, "reports/handle/identity_queue.html", {
        "pending": pending, "decided": decided, "form": forms.IdentityDecisionForm(),
        "mine": set(IdentityApproval.objects.filter(custodian_id=request.user.pk, request__approved__isnull=True)
                    .values_list("request_id", flat=True)),
        "hours": identity.access_hours()})


@require_POST
@capability_required(R.REPORTS_CUSTODIAN)
def identity_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(IdentityRequest.objects.filter(report__in=_custodian_reports(request)), pk=pk)
    form = forms.IdentityDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih setujui atau tolak."))
        return redirect("reports:identity_queue")
    try:
        identity.decide(req, _by(request), form.cleaned_data["approve"], form.cleaned_data["note"])
        messages.success(request, _("Keputusan dicatat di riwayat laporan."))
    except handling.HandlingError as exc:
        messages.error(request, str(exc))
    return redirect("reports:identity_queue")
