"""What the situation picture reads from the other apps, through their models and visibility functions.

Every function takes a `Viewer` (who is looking: scope, capabilities, agency) and an `area` (a Scope already
narrowed to the region being looked at) and answers plain data. Reports are read through
``praja.reports.visibility.reports``; deployment through ``praja.deployment.plan_queries.visible_plans/posts``;
coordination through ``praja.coordination.services.visible_*``; risk through ``praja.risk.services.rollup``.
A viewer without the capability for an app gets nothing from it (``known=False`` where it matters), so the
kondusif index leaves that part out rather than reading it as calm.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from praja.base import roles as R
from praja.base.access import person_of
from praja.base.regions import is_within, level_of
from praja.base.scope import Scope
from praja.territory.models import TPS, Region

try:  # issue 4 and 5 apps: guarded so the situation picture still opens without them
    from praja.reports import visibility as report_visibility
    from praja.reports.models import Category as ReportCategory
    from praja.reports.models import Report
except ImportError:  # pragma: no cover - the apps exist in this repository
    Report = None  # type: ignore[assignment,misc]
try:
    from praja.infowatch.models import Clarification, Narrative, NarrativeAlert
except ImportError:  # pragma: no cover
    Narrative = None  # type: ignore[assignment,misc]


def conf(key: str, default: Any) -> Any:
    return dict(getattr(settings, "PRAJA_SITUATION", {}) or {}).get(key, default)


def kecamatan_of(code: str) -> str:
    """The kecamatan code of a region/TPS code (35.07.01.2001/003 -> 35.07.01); '' above kecamatan."""
    parts = code.split("/")[0].split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else ""


def child_of(code: str, level: int) -> str:
    """The code of the enclosing region at `level` (2 regency, 3 kecamatan, 4 desa; 5: the TPS itself)."""
    if level >= 5:
        return code
    parts = code.split("/")[0].split(".")
    return ".".join(parts[:level]) if len(parts) >= level else ""


@dataclass(frozen=True)
class Viewer:
    scope: Scope
    capabilities: frozenset[str]
    person: Any = None
    user: Any = None
    # Query results this viewer's picture asks for twice (open_rows); a viewer lives for one request.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, request: Any) -> Viewer:
        return cls(
            scope=getattr(request, "scope", None) or Scope.nothing(),
            capabilities=frozenset(getattr(request, "capabilities", frozenset()) or ()),
            person=person_of(getattr(request, "user", None)),
            user=getattr(request, "user", None),
        )

    @property
    def agency_id(self) -> int | None:
        return getattr(self.person, "agency_id", None) if self.person is not None else None

    @property
    def sees_reports(self) -> bool:
        return Report is not None and R.REPORTS_VIEW in self.capabilities

    @property
    def sees_deployment(self) -> bool:
        return R.VIEW_DEPLOYMENT in self.capabilities

    @property
    def sees_infowatch(self) -> bool:
        """Counts of growing narratives (the kondusif index's hoax part): anyone who sees the area."""
        return Narrative is not None

    @property
    def sees_narratives(self) -> bool:
        """Narrative titles, narrative alerts and their events: the infowatch analysts and the security forces
        (deployment.view: Polres, Polsek, Kodim, Koramil), who must know which hoax grows to answer it on the
        ground; others (a camat, KPU, Bawaslu, media) get the count, not what the narratives say."""
        return Narrative is not None and bool({R.INFOWATCH_ANALYSE, R.VIEW_DEPLOYMENT} & set(self.capabilities))


def area_scope(viewer: Viewer, code: str) -> Scope | None:
    """The part of the viewer's scope inside region `code`; None when the viewer sees nothing of it."""
    if viewer.scope.covers(code):
        return Scope.of([code])
    inside = [r for r in viewer.scope.regions if is_within(r, code)]
    return Scope.of(inside) if inside else None


def default_area(viewer: Viewer, active: str | None) -> str | None:
    """Where the dashboard opens: the active region, else the viewer's one region (or the regency that holds
    all of them), else (national) the first regency with TPS."""
    if active:
        return active
    regions = sorted(viewer.scope.regions)
    if len(regions) == 1:
        return regions[0]
    if regions:
        regencies = {child_of(r, 2) for r in regions}
        return regencies.pop() if len(regencies) == 1 else regions[0]
    if viewer.scope.national:
        first = TPS.objects.order_by("code").values_list("desa__parent__parent_id", flat=True).first()
        return first or Region.objects.filter(level=2).order_by("code").values_list("code", flat=True).first()
    return None


# --- reports --------------------------------------------------------------------------------------------

# Open: every status but rejected and closed (listed, not excluded, so the status index narrows the scan).
OPEN_STATUSES = ("baru", "terverifikasi", "ditugaskan", "diteruskan", "ada_hasil")


def visible_reports(viewer: Viewer, area: Scope) -> QuerySet[Any]:
    if not viewer.sees_reports:
        return Report.objects.none() if Report is not None else QuerySet()
    qs = report_visibility.reports(
        Report.objects.all(), scope=viewer.scope, person=viewer.person, capabilities=viewer.capabilities
    )
    return qs.filter(area.q("region__code"))


def severe_min() -> int:
    return int(conf("SEVERE_MIN", 3))


def open_reports(viewer: Viewer, area: Scope, at: datetime.datetime) -> QuerySet[Any]:
    return visible_reports(viewer, area).filter(status__in=OPEN_STATUSES, received_at__lte=at)


def open_rows(viewer: Viewer, area: Scope, at: datetime.datetime, key: str) -> list[dict[str, Any]]:
    """Open reports grouped by `key` (region_id or tps_id): n, severe and overdue (due before `at`). One such
    query serves the kecamatan index, the drill-down rows and the totals of a picture: kept on the viewer (one
    request), so the request scans the open reports once."""
    memo = ("open_rows", area, at, key)
    rows: list[dict[str, Any]] | None = viewer.memo.get(memo)
    if rows is None:
        rows = list(
            open_reports(viewer, area, at).order_by().values(key)
            .annotate(n=Count("pk"), severe=Count("pk", filter=Q(severity__gte=severe_min())),
                      overdue=Count("pk", filter=Q(due_at__lt=at)))
        )
        viewer.memo[memo] = rows
    return rows


def reports_by(viewer: Viewer, area: Scope, at: datetime.datetime, level: int) -> dict[str, tuple[int, int]]:
    """Open reports and severe open reports per region at `level` (3 kecamatan, 4 desa, 5 TPS)."""
    if not viewer.sees_reports:
        return {}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    key = "tps_id" if level >= 5 else "region_id"
    rows = open_rows(viewer, area, at, key)
    for r in rows:
        code = child_of(r[key] or "", level) if r[key] else ""
        if code:
            out[code][0] += r["n"]
            out[code][1] += r["severe"]
    return {k: (v[0], v[1]) for k, v in out.items()}


def category_labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in ReportCategory.choices} if Report is not None else {}


def _counts_between(qs: QuerySet[Any], starts: list[datetime.datetime], width: datetime.timedelta,
                    by: str | None) -> dict[str, list[int]]:
    """Counts of `qs` in each window [start, start + width), grouped by `by` (one query of conditional counts on
    the indexed received_at, rather than every row through Python)."""
    if not starts:
        return {}
    qs = qs.filter(received_at__gte=starts[0], received_at__lt=starts[-1] + width).order_by()
    counts = {f"w{i}": Count("pk", filter=Q(received_at__gte=s, received_at__lt=s + width))
              for i, s in enumerate(starts)}
    rows = qs.values(by).annotate(**counts) if by else [qs.aggregate(**counts)]
    return {str(r[by]) if by else "": [r[f"w{i}"] or 0 for i in range(len(starts))] for r in rows}


def reports_per_day(viewer: Viewer, area: Scope, at: datetime.datetime, days: int) -> tuple[list[datetime.date],
                                                                                            dict[str, list[int]]]:
    """Reports received per day (the `days` days ending on `at`'s day) by category."""
    end_day = timezone.localtime(at).date()
    day_list = [end_day - datetime.timedelta(days=days - 1 - i) for i in range(days)]
    if not viewer.sees_reports:
        return day_list, {}
    series = _counts_between(visible_reports(viewer, area).filter(received_at__lte=at),
                             [_start_of(d) for d in day_list], datetime.timedelta(days=1), "category")
    return day_list, {k: v for k, v in series.items() if any(v)}


def reports_per_hour(viewer: Viewer, area: Scope, day: datetime.date,
                     until: datetime.datetime | None = None) -> list[int]:
    """Reports received per hour of `day` (up to `until`, the moment shown, when given)."""
    if not viewer.sees_reports:
        return [0] * 24
    start = _start_of(day)
    hours = [start + datetime.timedelta(hours=h) for h in range(24)]
    qs = visible_reports(viewer, area)
    if until is not None:
        qs = qs.filter(received_at__lte=until)
    return _counts_between(qs, hours, datetime.timedelta(hours=1), None).get(
        "", [0] * 24)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day: datetime.date) -> datetime.datetime:
    return _start_of(day) + datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)


# --- risk -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vulnerability:
    code: str
    name: str
    tps: int
    scored: int
    rawan: int
    counts: dict[str, int]
    mean_score: float | None


def vulnerability_by(area: Scope, level: int) -> dict[str, Vulnerability]:
    """TPS vulnerability per region at level 3 (kecamatan) or 4 (desa): the risk module's roll-up."""
    from praja.risk.services import rollup

    return {
        r.code: Vulnerability(r.code, r.name, r.tps, r.scored, r.rawan, dict(r.counts), r.mean_score)
        for r in rollup(area, level)
    }


def tps_classes_in(area: Scope) -> dict[str, str]:
    from praja.risk.models import TPSScore

    return dict(TPSScore.objects.filter(area.q("tps__code")).values_list("tps_id", "klass"))


# --- infowatch ------------------------------------------------------------------------------------------


def growing_narratives(viewer: Viewer, area: Scope, at: datetime.datetime) -> list[Any]:
    """Hoax narratives growing now (growth >= HOAX_GROWTH_MIN, seen within HOAX_RECENT_HOURS) that name a
    place in the area (or reach it: a narrative about the regency touches its kecamatan)."""
    if not viewer.sees_infowatch:
        return []
    since = at - datetime.timedelta(hours=float(conf("HOAX_RECENT_HOURS", 72)))
    qs = Narrative.objects.filter(
        growth__gte=float(conf("HOAX_GROWTH_MIN", 1.5)), last_seen__gte=since, first_seen__lte=at
    ).order_by("-growth", "-volume")
    out = []
    for n in qs[:500]:
        if any(area.covers(p) or area.reaches(p) for p in (n.places or [])):
            out.append(n)
    return out


def narratives_by_kecamatan(narratives: list[Any]) -> Counter[str]:
    c: Counter[str] = Counter()
    for n in narratives:
        for k in {kecamatan_of(p) for p in (n.places or []) if kecamatan_of(p)}:
            c[k] += 1
    return c


def clarifications(area: Scope, since: datetime.datetime, until: datetime.datetime) -> list[Any]:
    """Clarifications published on Info Resmi in the period (public: anyone may see them)."""
    if Narrative is None:
        return []
    qs = Clarification.objects.filter(
        status=Clarification.Status.PUBLISHED, published_at__gte=since, published_at__lte=until
    ).select_related("item").order_by("-published_at")
    return [c for c in qs[:200] if not c.region_code or area.covers(c.region_code) or area.reaches(c.region_code)]


def narrative_alerts(viewer: Viewer, area: Scope, since: datetime.datetime, until: datetime.datetime) -> list[Any]:
    """Alerts on growing narratives in the period (they carry the narrative's title: analysts only)."""
    if not viewer.sees_narratives:
        return []
    qs = NarrativeAlert.objects.filter(created_at__gte=since, created_at__lte=until).select_related("narrative")
    return [a for a in qs[:200] if any(area.covers(p) or area.reaches(p) for p in (a.places or []))]


# --- deployment -----------------------------------------------------------------------------------------


def current_plan(viewer: Viewer, area_code: str, at: datetime.datetime | None = None) -> Any:
    """The newest plan of the area's regency the viewer may see that was finished at `at` (now when None): a
    lapsit or dashboard of a past day shows the plan in force that day, not a later one. None without
    deployment.view."""
    if not viewer.sees_deployment:
        return None
    from praja.deployment.models import Plan
    from praja.deployment.plan_queries import visible_plans

    regency = child_of(area_code, 2)
    from praja.base import drillctx

    drill_plan = drillctx.viewed_plan(regency) if regency else None
    if drill_plan is not None and visible_plans(viewer.scope).filter(pk=drill_plan.pk).exists():
        return drill_plan
    qs = (
        visible_plans(viewer.scope).filter(status=Plan.Status.DONE)
        .filter(Q(region_id=regency) | Q(region_id=child_of(area_code, 1)) | Q(region__isnull=True))
    )
    if at is not None:
        qs = qs.filter(Q(finished_at__lte=at) | Q(finished_at__isnull=True, created_at__lte=at))
    return qs.order_by("-finished_at", "-pk").first()


def posts_by_kecamatan(viewer: Viewer, area: Scope, plan: Any) -> dict[str, tuple[int, int]]:
    """(posts, uncovered posts) per kecamatan of the plan, inside the area."""
    if plan is None:
        return {}
    from praja.deployment.plan_queries import visible_posts

    rows = (
        visible_posts(plan, viewer.scope).filter(area.q("kecamatan_code")).order_by().values("kecamatan_code")
        .annotate(n=Count("pk"), uncovered=Count("pk", filter=Q(covered=False)))
    )
    return {r["kecamatan_code"]: (r["n"], r["uncovered"]) for r in rows}


@dataclass
class Deployment:
    plan: Any = None
    posts: int = 0
    covered: int = 0
    uncovered: int = 0
    police: int = 0
    tni: int = 0
    linmas: int = 0
    tps: int = 0
    shortfalls: list[dict[str, Any]] = field(default_factory=list)


def deployment_summary(viewer: Viewer, area: Scope, plan: Any) -> Deployment:
    if plan is None:
        return Deployment()
    from django.db.models import Sum

    from praja.deployment.plan_queries import visible_posts

    qs = visible_posts(plan, viewer.scope).filter(area.q("kecamatan_code"))
    agg = qs.aggregate(n=Count("pk"), unc=Count("pk", filter=Q(covered=False)), police=Sum("police"),
                       tni=Sum("tni"), linmas=Sum("linmas"), tps=Sum("tps_count"))
    shortfalls: list[dict[str, Any]] = [
        dict(r) for r in qs.filter(covered=False).order_by("kecamatan_code", "number")
        .values("code", "kecamatan_code", "area_code", "cls", "police", "tps_count")[:50]
    ]
    n = agg["n"] or 0
    unc = agg["unc"] or 0
    return Deployment(plan, n, n - unc, unc, agg["police"] or 0, agg["tni"] or 0, agg["linmas"] or 0,
                      agg["tps"] or 0, shortfalls)


def visible_posts_of(viewer: Viewer, area: Scope, plan: Any) -> QuerySet[Any]:
    """The posts of the plan the viewer may see, inside the area."""
    from praja.deployment.models import Post
    from praja.deployment.plan_queries import visible_posts

    if plan is None or not viewer.sees_deployment:
        return Post.objects.none()
    return visible_posts(plan, viewer.scope).filter(area.q("kecamatan_code"))


def posts_manned(viewer: Viewer, area: Scope, plan: Any, day: datetime.date) -> int:
    """Posts of the plan reported manned from the field on `day` (Post.manned_at; not the plan's 'covered')."""
    if plan is None:
        return 0
    from praja.base import drillctx
    from praja.deployment.plan_queries import visible_posts

    posts = visible_posts(plan, viewer.scope).filter(area.q("kecamatan_code"))
    drill = drillctx.manned_overrides()
    if drill is not None:  # a drill is viewed: its posts' reports
        start, end = _start_of(day), end_of(day)
        ids = {pk for pk, (at, _people) in drill.items() if start <= at <= end}
        return posts.filter(pk__in=ids).count() if ids else 0
    return posts.filter(manned_at__gte=_start_of(day), manned_at__lte=end_of(day)).count()


# --- coordination ---------------------------------------------------------------------------------------


def commitments(viewer: Viewer, area: Scope) -> QuerySet[Any]:
    from praja.coordination.services import visible_commitments

    qs = visible_commitments(viewer.scope, viewer.agency_id)
    q = area.q_reaching("decision__meeting__region__code")
    if viewer.agency_id is not None:
        q |= Q(owner_id=viewer.agency_id)
    return qs.filter(q)


def commitments_on(viewer: Viewer, area: Scope, day: datetime.date) -> QuerySet[Any]:
    """The commitments in scope as they stood at the end of `day`: made at a rakor held by then."""
    return commitments(viewer, area).filter(decision__meeting__held_at__lte=end_of(day))


def state_on(status: str, due: datetime.date, closed_at: datetime.datetime | None, day: datetime.date) -> str:
    """open, due_soon, overdue or done at the end of `day` (one closed later was still open then)."""
    from praja.coordination.models import Commitment

    if status == Commitment.Status.DONE and closed_at is not None and closed_at > end_of(day):
        status = Commitment.Status.OPEN
    return Commitment(status=status, due_date=due).state(day)


def commitment_states(viewer: Viewer, area: Scope, day: datetime.date) -> dict[str, int]:
    counts = {"open": 0, "due_soon": 0, "overdue": 0, "done": 0}
    rows = commitments_on(viewer, area, day).select_related(None).values_list("status", "due_date", "closed_at")
    for status, due, closed_at in rows:
        counts[state_on(status, due, closed_at, day)] += 1
    return counts


def activity_reports(viewer: Viewer, area: Scope, day: datetime.date) -> QuerySet[Any]:
    from praja.coordination.services import visible_reports

    return (
        visible_reports(viewer.scope).filter(area.q("region__code"), day=day)
        .select_related("line", "region").defer("region__boundary").order_by("line__kind", "pk")
    )


def meetings(viewer: Viewer, area: Scope, since: datetime.datetime, until: datetime.datetime) -> QuerySet[Any]:
    from praja.coordination.services import visible_meetings

    return visible_meetings(viewer.scope, viewer.agency_id).filter(
        area.q_reaching("region__code"), held_at__gte=since, held_at__lte=until
    ).defer("region__boundary").order_by("-held_at")


# --- what changed --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str  # report, severe, alert, clarification, commitment_done, commitment_new, activity, meeting
    text: str
    place: str = ""
    url: str = ""


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except Exception:  # noqa: BLE001 - a page that is not there is simply not linked
        return ""


def events(viewer: Viewer, area: Scope, since: datetime.datetime, until: datetime.datetime,
           limit: int = 40) -> list[Event]:
    """What happened in the area between `since` and `until`, newest first."""
    out: list[Event] = []
    names: dict[str, str] = {}
    if viewer.sees_reports:
        rows = list(
            visible_reports(viewer, area).filter(received_at__gt=since, received_at__lte=until)
            .order_by("-received_at")
            .values("receipt", "received_at", "title", "severity", "region_id", "category")[:limit]
        )
        names = _names({kecamatan_of(r["region_id"] or "") for r in rows})
        for r in rows:
            kind = "severe" if r["severity"] >= severe_min() else "report"
            out.append(Event(r["received_at"], kind, r["title"], names.get(kecamatan_of(r["region_id"] or ""), ""),
                             _url("reports:detail", r["receipt"])))
    for c in commitments(viewer, area).filter(closed_at__gt=since, closed_at__lte=until)[:limit]:
        out.append(Event(c.closed_at, "commitment_done", f"{c.owner.name}: {c.decision.text[:120]}", "",
                         _url("coordination:meeting", c.decision.meeting_id)))
    for m in meetings(viewer, area, since, until)[:limit]:
        out.append(Event(m.held_at, "meeting", m.title, m.region.name, _url("coordination:meeting", m.pk)))
    # A commitment is made at a rakor (it has no time of its own): new at the time the meeting was held.
    for c in (commitments(viewer, area).filter(decision__meeting__held_at__gt=since,
                                               decision__meeting__held_at__lte=until)
              .order_by("-decision__meeting__held_at", "decision__number")[:limit]):
        out.append(Event(c.decision.meeting.held_at, "commitment_new", f"{c.owner.name}: {c.decision.text[:120]}",
                         "", _url("coordination:meeting", c.decision.meeting_id)))
    for a in narrative_alerts(viewer, area, since, until)[:limit]:
        out.append(Event(a.created_at, "alert", f"{a.narrative.title} (x{a.growth:.1f})", "", ""))
    for c in clarifications(area, since, until)[:limit]:
        out.append(Event(c.published_at, "clarification", c.title, "", _url("infowatch:public_detail", c.pk)))
    from praja.coordination.services import visible_reports as visible_activity

    for ar in (visible_activity(viewer.scope).filter(area.q("region__code"), created_at__gt=since,
                                                    created_at__lte=until).select_related("line", "region")
               .defer("region__boundary").order_by("-created_at")[:10]):  # a few: they come in dozens
        out.append(Event(ar.created_at, "activity", f"{ar.line.get_kind_display()}: {ar.what[:120]}",
                         ar.region.name, ""))
    out.sort(key=lambda e: e.at, reverse=True)
    return out[:limit]


def _names(codes: set[str]) -> dict[str, str]:
    codes = {c for c in codes if c}
    return dict(Region.objects.filter(code__in=sorted(codes)).values_list("code", "name")) if codes else {}


def region_names(codes: set[str]) -> dict[str, str]:
    return _names(codes)


def children(area_code: str, area: Scope) -> list[tuple[str, str]]:
    """The regions one level below `area_code` (kecamatan of a regency, desa of a kecamatan), or the TPS of a
    desa (code, 'TPS nnn'), inside the area."""
    level = level_of(area_code)
    if level >= 4:
        return [(c, f"TPS {n:03d}") for c, n in TPS.objects.filter(area.q("code")).filter(
            desa_id=area_code).order_by("code").values_list("code", "number")]
    return list(Region.objects.filter(level=level + 1, parent_id=area_code).filter(area.q("code"))
                .order_by("code").values_list("code", "name"))


def kecamatan_in(area: Scope, area_code: str) -> list[tuple[str, str]]:
    """The kecamatan the area holds (for a regency: its kecamatan; for a kecamatan or desa: itself)."""
    level = level_of(area_code)
    if level >= 3:
        k = kecamatan_of(area_code)
        return list(Region.objects.filter(code=k).values_list("code", "name"))
    return list(Region.objects.filter(level=3).filter(area.q("code")).filter(
        Q(code__startswith=area_code + ".")).order_by("code").values_list("code", "name"))
