"""A person's own work, listed on the home page: reports routed to them or their agency with their deadlines,
the inbox of new reports (for those who triage), commitments their agency owns, approvals waiting for them,
and for police roles the posts to man today from the current deployment plan.

Every list starts from the same visibility rules as the page it links to, and a link is given only when the
person may open that page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from praja.base import roles as R
from praja.base.access import person_of

LIMIT = 8
POLICE_KINDS = frozenset({"polres", "polsek"})


@dataclass
class ReportLine:
    receipt: str
    title: str
    status: str
    time_left: str
    overdue: bool
    due_soon: bool


@dataclass
class Work:
    queue: list[ReportLine] = field(default_factory=list)
    queue_total: int = 0
    queue_url: str = ""
    inbox_total: int = 0
    inbox_url: str = ""
    overdue_total: int = 0
    commitments: list[Any] = field(default_factory=list)
    commitments_total: int = 0
    commitments_url: str = ""
    identity_pending: int = 0
    identity_url: str = ""
    clarifications_pending: int = 0
    clarifications_url: str = ""
    posts: list[Any] = field(default_factory=list)
    posts_total: int = 0
    posts_manned: int = 0
    posts_plan: Any = None
    posts_url: str = ""
    # Custodian roles given or awaiting a second administrator in one's area (issue 14): told to the custodians,
    # and to the administrators who may approve them.
    custodian_grants: list[Any] = field(default_factory=list)
    grants_awaiting: list[Any] = field(default_factory=list)
    shown: bool = False  # whether any panel applies to this person


def _url(name: str, *args: Any, query: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def _reports(request: Any, w: Work, now: datetime.datetime) -> None:
    from praja.reports import board, legal, visibility
    from praja.reports.models import Report

    base = visibility.reports(Report.objects.all(), request)
    mine = base.filter(board.my_queue_q(request))
    w.queue_total = mine.count()
    w.overdue_total = legal.overdue(mine, now).count()
    for r in mine.order_by(legal.deadline_expr(), "-severity", "pk")[:LIMIT]:
        left = legal.time_left(r, now)
        w.queue.append(ReportLine(r.receipt, r.title, r.get_status_display(), legal.humanise(left),
                                  legal.is_overdue(r, now), legal.is_due_soon(r, now)))
    w.queue_url = _url("reports:index", query="tampilan=antrian")
    if board.is_triager(request):
        w.inbox_total = base.filter(board.inbox_q()).count()
        w.inbox_url = _url("reports:index", query="tampilan=baru")
    if R.REPORTS_CUSTODIAN in request.capabilities:
        from praja.reports import identity

        w.identity_pending = identity.pending_for(base).count()
        w.identity_url = _url("reports:identity_queue")


def _commitments(request: Any, w: Work, agency: Any) -> None:
    from praja.coordination.models import Commitment

    qs = Commitment.objects.filter(owner=agency, status=Commitment.Status.OPEN).select_related("decision")
    w.commitments_total = qs.count()
    w.commitments = list(qs.order_by("due_date", "pk")[:LIMIT])
    if R.VIEW_TERRITORY in request.capabilities:
        w.commitments_url = _url("coordination:board")


def _clarifications(request: Any, w: Work) -> None:
    from praja.infowatch.models import Clarification

    qs = Clarification.objects.filter(status=Clarification.Status.DRAFT).exclude(drafted_by=request.user)
    w.clarifications_pending = qs.count()
    w.clarifications_url = _url("infowatch:clarifications")


def current_plan(request: Any, region_code: str) -> Any:
    """The newest finished deployment plan the person may see, of the regency that holds `region_code`."""
    from praja.accounts import visibility
    from praja.deployment import plan_queries
    from praja.deployment.models import Plan

    scope = visibility.scope_of(request)
    qs = plan_queries.visible_plans(scope).filter(status=Plan.Status.DONE)
    regency = region_code[:5]
    return (qs.filter(Q(region_id=regency) | Q(region_id=regency[:2])).order_by("-created_at", "-pk").first()
            or qs.order_by("-created_at", "-pk").first())


def _posts(request: Any, w: Work, agency: Any) -> None:
    from praja.accounts import visibility
    from praja.deployment import plan_queries

    region = getattr(agency, "region_id", "") or ""
    plan = current_plan(request, region)
    if plan is None:
        return
    posts = plan_queries.visible_posts(plan, visibility.scope_of(request))
    w.posts_plan = plan
    w.posts_total = posts.count()
    from praja.base import drillctx

    drill = drillctx.manned_overrides()
    if drill is not None:  # a drill is viewed: its posts' reports stand in for the real ones
        ids = list(drill)
        w.posts_manned = posts.filter(pk__in=ids).count()
        w.posts = list(posts.exclude(pk__in=ids).order_by("number")[:LIMIT])
    else:
        w.posts_manned = posts.filter(manned_at__isnull=False).count()
        w.posts = list(posts.filter(manned_at__isnull=True).order_by("number")[:LIMIT])
    w.posts_url = _url("deployment:plan", plan.pk)


def my_work(request: Any, now: datetime.datetime | None = None) -> Work:
    now = now or timezone.now()
    caps: frozenset[str] = getattr(request, "capabilities", frozenset())
    w = Work()
    person = person_of(request.user)
    agency = getattr(person, "agency", None)
    if R.REPORTS_VIEW in caps:
        _reports(request, w, now)
        w.shown = True
    if agency is not None:
        _commitments(request, w, agency)
        w.shown = True
    if R.INFOWATCH_APPROVE in caps:
        _clarifications(request, w)
        w.shown = True
    if R.VIEW_DEPLOYMENT in caps and agency is not None and agency.kind in POLICE_KINDS:
        _posts(request, w, agency)
        w.shown = True
    if R.REPORTS_CUSTODIAN in caps or R.MANAGE_ACCOUNTS in caps:
        _custodian_grants(request, w, caps)
        w.shown = w.shown or bool(w.custodian_grants)
    return w


def _custodian_grants(request: Any, w: Work, caps: frozenset[str]) -> None:
    from praja.accounts import grants

    scope = getattr(request, "scope", None)
    if scope is None:
        return
    recent = grants.recent_for_custodians(scope)
    if R.REPORTS_CUSTODIAN in caps:
        w.custodian_grants = [a for a in recent if a.person.user_id != request.user.pk]
    if R.MANAGE_ACCOUNTS in caps:
        w.grants_awaiting = [a for a in recent if a.awaiting_approval and a.granted_by_id != request.user.pk]


def current_plan_of_regency(regency: str) -> Any:
    """The newest finished deployment plan of a regency (for the drill, which has no viewer)."""
    from praja.deployment.models import Plan

    return (Plan.objects.filter(status=Plan.Status.DONE, region_id=regency).order_by("-created_at", "-pk").first())
