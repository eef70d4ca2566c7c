"""The coordination pages (/koordinasi/): meetings (rakor) with attendance, decisions and commitments, and
the commitments board (all, or "my agency's").

Viewing needs `territory.view`; holding a meeting and recording its attendance, decisions and
commitments needs `coordination.manage`. Closing a commitment is for a person of its owner agency (or a
coordinator), and needs evidence. Anything outside a person's view answers 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from praja.accounts import visibility
from praja.accounts.models import Person
from praja.base.access import capability_required, has_capability
from praja.base.roles import MANAGE_COORDINATION, VIEW_DEPLOYMENT, VIEW_TERRITORY
from praja.coordination import services
from praja.coordination.forms import (
    ActivityReportForm,
    AttendanceForm,
    CloseForm,
    CommitmentForm,
    DecisionForm,
    LineForm,
    LineMemberForm,
    MeetingForm,
    agencies_for,
    regions_for,
)
from praja.coordination.models import (
    STATE_LABELS,
    Commitment,
    Decision,
    Election,
    LineMember,
    Meeting,
    Operation,
    due_soon_days,
)
from praja.territory.models import Region


def _can_manage(request: HttpRequest) -> bool:
    return has_capability(request, MANAGE_COORDINATION)


def _stakeholders(request: HttpRequest):  # type: ignore[no-untyped-def]
    from praja.coordination.views_stakeholders import visible_stakeholders

    return visible_stakeholders(visibility.scope_of(request)).filter(active=True).order_by("kind", "name")


def _meetings(request: HttpRequest):  # type: ignore[no-untyped-def]
    return services.visible_meetings(visibility.scope_of(request), services.agency_id_of(request.user))


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    m: Meeting | None = _meetings(request).filter(pk=pk).first()
    if m is None:
        raise Http404(str(pk))
    return m


def _require_manage(request: HttpRequest) -> None:
    if not _can_manage(request):
        raise PermissionDenied(MANAGE_COORDINATION)


def _rows(commitments: list[Commitment]) -> list[dict[str, object]]:
    today = timezone.localdate()
    out = []
    for c in commitments:
        state = c.state(today)
        out.append({"c": c, "state": state, "state_label": STATE_LABELS[state]})
    return out


@capability_required(VIEW_TERRITORY)
def index(request: HttpRequest) -> HttpResponse:
    meetings = list(_meetings(request)[:100])
    scope = visibility.scope_of(request)
    agency_id = services.agency_id_of(request.user)
    rows = _rows(list(services.visible_commitments(scope, agency_id)))
    counts = {k: sum(1 for r in rows if r["state"] == k) for k in STATE_LABELS}
    return render(request, "coordination/index.html", {
        "meetings": meetings, "can_manage": _can_manage(request), "counts": counts,
        "state_labels": STATE_LABELS,
    })


@capability_required(VIEW_TERRITORY)
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    regions = regions_for(visibility.scope_of(request))
    form = MeetingForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        m = form.save(commit=False)
        m.created_by = request.user
        m.save()
        messages.success(request, _("Rakor disimpan."))
        return redirect("coordination:meeting", pk=m.pk)
    return render(request, "coordination/meeting_form.html", {"form": form, "meeting": None})


@capability_required(VIEW_TERRITORY)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    meeting = _meeting_or_404(request, pk)
    regions = regions_for(visibility.scope_of(request))
    form = MeetingForm(request.POST or None, instance=meeting, regions=regions)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rakor disimpan."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return render(request, "coordination/meeting_form.html", {"form": form, "meeting": meeting})


@capability_required(VIEW_TERRITORY)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    scope = visibility.scope_of(request)
    can_manage = _can_manage(request)
    decisions = list(meeting.decisions.select_related("commitment", "commitment__owner").all())
    today = timezone.localdate()
    for d in decisions:
        c = getattr(d, "commitment", None)
        d.state = c.state(today) if c else None  # type: ignore[attr-defined]
        d.state_label = STATE_LABELS[d.state] if c else ""  # type: ignore[attr-defined]
        closable = bool(c and c.status == "open" and services.can_close(c, request.user, can_manage))
        d.can_close = closable  # type: ignore[attr-defined]
    agencies = agencies_for(scope)
    return render(request, "coordination/meeting_detail.html", {
        "meeting": meeting,
        "follow_ups": _follow_ups(request, meeting),
        "attendances": meeting.attendances.select_related("agency", "stakeholder"),
        "decisions": decisions,
        "can_manage": can_manage,
        "attendance_form": AttendanceForm(agencies=agencies, stakeholders=_stakeholders(request)),
        "decision_form": DecisionForm(),
        "commitment_form": CommitmentForm(agencies=agencies),
    })


@require_POST
@capability_required(VIEW_TERRITORY)
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    meeting = _meeting_or_404(request, pk)
    form = AttendanceForm(request.POST, agencies=agencies_for(visibility.scope_of(request)),
                          stakeholders=_stakeholders(request))
    if form.is_valid():
        a = form.save(commit=False)
        a.meeting = meeting
        a.save()
    else:
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"{_('Peserta tidak disimpan: periksa isian.')} {problems}")
    return redirect("coordination:meeting", pk=meeting.pk)


@require_POST
@capability_required(VIEW_TERRITORY)
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    meeting = _meeting_or_404(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.save(commit=False)
        d.meeting = meeting
        d.number = (meeting.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
        d.save()
    else:
        messages.error(request, _("Keputusan tidak disimpan: periksa isian."))
    return redirect("coordination:meeting", pk=meeting.pk)


@require_POST
@capability_required(VIEW_TERRITORY)
def commitment_add(request: HttpRequest, pk: int, decision: int) -> HttpResponse:
    _require_manage(request)
    meeting = _meeting_or_404(request, pk)
    d = Decision.objects.filter(meeting=meeting, pk=decision).first()
    if d is None:
        raise Http404(str(decision))
    if hasattr(d, "commitment"):
        messages.error(request, _("Keputusan ini sudah menjadi komitmen."))
        return redirect("coordination:meeting", pk=meeting.pk)
    form = CommitmentForm(request.POST, agencies=agencies_for(visibility.scope_of(request)))
    if form.is_valid():
        c = form.save(commit=False)
        c.decision = d
        c.save()
        messages.success(request, _("Komitmen dibuat."))
    else:
        messages.error(request, _("Komitmen tidak disimpan: periksa isian."))
    return redirect("coordination:meeting", pk=meeting.pk)


@capability_required(VIEW_TERRITORY)
def board(request: HttpRequest) -> HttpResponse:
    scope = visibility.scope_of(request)
    agency_id = services.agency_id_of(request.user)
    mine = request.GET.get("instansi") == "saya"
    qs = services.visible_commitments(scope, agency_id)
    if mine:
        qs = qs.filter(owner_id=agency_id) if agency_id is not None else qs.none()
    rows = _rows(list(qs))
    state = request.GET.get("status", "")
    if state in STATE_LABELS:
        rows = [r for r in rows if r["state"] == state]
    can_manage = _can_manage(request)
    for r in rows:
        c = r["c"]
        assert isinstance(c, Commitment)
        r["can_close"] = c.status == "open" and services.can_close(c, request.user, can_manage)
    return render(request, "coordination/board.html", {
        "rows": rows, "mine": mine, "state": state, "state_labels": STATE_LABELS,
        "due_soon_days": due_soon_days(),
    })


@capability_required(VIEW_TERRITORY)
def commitment_close(request: HttpRequest, pk: int) -> HttpResponse:
    scope = visibility.scope_of(request)
    c = services.visible_commitments(scope, services.agency_id_of(request.user)).filter(pk=pk).first()
    if c is None:
        raise Http404(str(pk))
    can_manage = _can_manage(request)
    if not services.can_close(c, request.user, can_manage):
        raise PermissionDenied("owner agency only")
    form = CloseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_commitment(c, request.user, can_manage, form.cleaned_data["evidence"],
                                      form.cleaned_data.get("evidence_file"))
        except services.CommitmentError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Komitmen ditutup dengan bukti."))
            if _meetings(request).filter(pk=c.decision.meeting_id).exists():
                return redirect("coordination:meeting", pk=c.decision.meeting_id)
            return redirect(reverse("coordination:board") + "?instansi=saya")
    status = 400 if request.method == "POST" else 200
    return render(request, "coordination/commitment_close.html", {"c": c, "form": form}, status=status)


def _day(request: HttpRequest) -> datetime.date:
    """?tanggal=YYYY-MM-DD, else today; an impossible date answers 400 (praja/base/dates.py)."""
    from praja.base.dates import parse_date

    return parse_date(request.GET.get("tanggal", "")) or timezone.localdate()


@capability_required(VIEW_TERRITORY)
def stages(request: HttpRequest) -> HttpResponse:
    """The stage calendar of an election, with the stage(s) current on a day (?tanggal=YYYY-MM-DD) and what
    starts within the next seven days."""
    slug = request.GET.get("pemilihan", "")
    elections = list(Election.objects.all())
    election = next((e for e in elections if e.slug == slug), elections[0] if elections else None)
    day = _day(request)
    rows, upcoming = [], []
    if election is not None:
        rows = [{"s": s, "current": s.is_current(day), "past": s.end < day} for s in election.stages.all()]
        upcoming = services.starting_within(election, day)
    return render(request, "coordination/stages.html", {
        "election": election, "elections": elections, "day": day, "rows": rows,
        "current": [r["s"] for r in rows if r["current"]], "upcoming": upcoming,
    })


def _operation_or_404(request: HttpRequest, pk: int) -> Operation:
    op: Operation | None = services.visible_operations(visibility.scope_of(request)).filter(pk=pk).first()
    if op is None:
        raise Http404(str(pk))
    return op


@capability_required(VIEW_TERRITORY)
def operation(request: HttpRequest) -> HttpResponse:
    """The operation (the latest visible one, or ?operasi=pk): its lines and the day's activity reports."""
    scope = visibility.scope_of(request)
    ops = list(services.visible_operations(scope))
    raw = request.GET.get("operasi", "")
    op = next((o for o in ops if str(o.pk) == raw), ops[0] if ops else None)
    day = _day(request)
    lines, reports = [], []
    if op is not None:
        reports = list(
            services.visible_reports(scope).filter(line__operation=op, day=day).prefetch_related("photos")
        )
        members = Prefetch("members", queryset=LineMember.objects.select_related("person", "person__agency"))
        for line in op.lines.prefetch_related(members):
            mine = [r for r in reports if r.line_id == line.pk]
            lines.append({"line": line, "count": len(mine), "people": sum(r.people for r in mine),
                          "members": list(line.members.all())})
    return render(request, "coordination/operation.html", {
        "op": op, "ops": ops, "day": day, "lines": lines, "reports": reports,
        "can_report": has_capability(request, VIEW_DEPLOYMENT), "can_manage": _can_manage(request),
    })


@capability_required(MANAGE_COORDINATION)
def line_edit(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """A line's task force: its name, and who is in it with their position (coordinators only)."""
    op = _operation_or_404(request, pk)
    the_line = op.lines.filter(pk=line).first()
    if the_line is None:
        raise Http404(str(line))
    scope = visibility.scope_of(request)
    people = visibility.people(Person.objects.select_related("agency"), scope).order_by("agency__name", "full_name")
    line_form = LineForm(instance=the_line, prefix="line")
    member_form = LineMemberForm(people=people, prefix="member")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "line":
            line_form = LineForm(request.POST, instance=the_line, prefix="line")
            if line_form.is_valid():
                line_form.save()
                messages.success(request, _("Satuan tugas disimpan."))
                return redirect(request.path)
        elif action == "add":
            member_form = LineMemberForm(request.POST, people=people, prefix="member")
            if member_form.is_valid():
                member = member_form.save(commit=False)
                member.line = the_line
                try:
                    with transaction.atomic():
                        member.save()
                except IntegrityError:
                    member_form.add_error("person", _("Orang ini sudah ada di satuan tugas bidang ini."))
                else:
                    messages.success(request, _("Anggota ditambahkan."))
                    return redirect(request.path)
        elif action == "remove":
            gone = the_line.members.filter(pk=request.POST.get("member") or 0).first()
            if gone is None:
                raise Http404("member")
            gone.delete()
            messages.success(request, _("Anggota dikeluarkan."))
            return redirect(request.path)
    members = list(the_line.members.select_related("person", "person__agency"))
    return render(request, "coordination/line_form.html", {
        "op": op, "line": the_line, "members": members, "line_form": line_form, "member_form": member_form,
    })


@capability_required(VIEW_DEPLOYMENT)
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone-friendly daily activity report of one line."""
    op = _operation_or_404(request, pk)
    scope = visibility.scope_of(request)
    regions = visibility.regions(Region.objects.filter(level__in=[2, 3, 4]), scope).order_by("code")
    form = ActivityReportForm(request.POST or None, request.FILES or None, lines=op.lines.all(), regions=regions,
                              initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            r = form.save(commit=False)
            r.reported_by = request.user
            r.save()
            for f in form.cleaned_data["photos"]:
                services.add_activity_photo(r, f)
        messages.success(request, _("Laporan kegiatan disimpan."))
        return redirect(reverse("coordination:operation") + f"?operasi={op.pk}&tanggal={r.day.isoformat()}")
    return render(request, "coordination/activity_form.html", {"op": op, "form": form})


FOLLOW_UP_LABELS = {"open": _lazy("belum selesai"), "overdue": _lazy("lewat tenggat"),
                    "done": _lazy("selesai sejak rakor sebelumnya")}


def _follow_ups(request: HttpRequest, meeting: Meeting) -> list[dict[str, object]]:
    visible = services.visible_commitments(visibility.scope_of(request), services.agency_id_of(request.user))
    rows = services.follow_ups(meeting, visible)
    for r in rows:
        r["label"] = FOLLOW_UP_LABELS[str(r["state"])]
    return rows


def notulen_html(meeting: Meeting, follow_ups: list[dict[str, object]] | None = None) -> str:
    from django.template.loader import render_to_string

    return render_to_string("coordination/notulen.html", {
        "meeting": meeting,
        "follow_ups": follow_ups or [],
        "decisions": meeting.decisions.select_related("commitment", "commitment__owner"),
        "attendances": meeting.attendances.select_related("agency", "stakeholder"),
    })


@capability_required(VIEW_TERRITORY)
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes and attendance list as an official note (notulen), A4 PDF."""
    from weasyprint import HTML

    meeting = _meeting_or_404(request, pk)
    pdf = HTML(string=notulen_html(meeting, _follow_ups(request, meeting))).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notulen-rakor-{meeting.pk}.pdf"'
    return response
