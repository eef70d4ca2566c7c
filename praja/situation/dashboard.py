"""The situation picture of one region at one moment: what the dashboard shows and the lapsit prints.

`picture()` gathers it from the adapters (sources.py) and scores each kecamatan with the kondusif core.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from praja.base.regions import level_of
from praja.base.scope import Scope
from praja.situation import kondusif as K
from praja.situation import sources as S
from praja.territory.models import TPS, Region


def config() -> K.Config:
    return K.config_from(_settings_dict())


def _settings_dict() -> dict[str, Any]:
    from django.conf import settings

    return dict(getattr(settings, "PRAJA_SITUATION", {}) or {})


@dataclass
class Row:
    """One line of the drill-down table (a kecamatan, desa or TPS)."""

    code: str
    name: str
    tps: int = 0
    rawan: int = 0
    scored: int = 0
    open_reports: int = 0
    severe: int = 0
    klass: str = ""  # TPS rows: the risk class
    result: K.Result | None = None  # kecamatan rows: the kondusif index
    url: str = ""


@dataclass
class Picture:
    region: Region
    area: Scope
    at: datetime.datetime
    day: datetime.date
    level: int
    kecamatan: list[K.Result] = field(default_factory=list)
    overall: K.Result | None = None
    rows: list[Row] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] = field(default_factory=dict)
    narratives: list[Any] = field(default_factory=list)
    deployment: S.Deployment = field(default_factory=S.Deployment)
    hoax_by_kecamatan: dict[str, int] = field(default_factory=dict)  # growing narratives per kecamatan code
    sees_reports: bool = False
    sees_deployment: bool = False
    sees_narratives: bool = False  # narrative titles (infowatch.analyse or deployment.view); counts for all
    class_counts: dict[str, int] = field(default_factory=dict)  # kecamatan per class


def picture(viewer: S.Viewer, region: Region, area: Scope, at: datetime.datetime) -> Picture:
    cfg = config()
    level = region.level or level_of(region.code)
    day = timezone.localtime(at).date()
    pic = Picture(region=region, area=area, at=at, day=day, level=level,
                  sees_reports=viewer.sees_reports, sees_deployment=viewer.sees_deployment,
                  sees_narratives=viewer.sees_narratives)

    # Per kecamatan: the index, computed once from everything (praja/situation/index.py): the same for every
    # viewer of the kecamatan at this moment. The drill-down counts below stay the viewer's own.
    from praja.situation import index as IX

    kec_area = area if level <= 3 else Scope.of([S.kecamatan_of(region.code)]) if viewer.scope.covers(
        S.kecamatan_of(region.code)) else area
    vuln = S.vulnerability_by(kec_area, 3)
    reports = S.reports_by(viewer, kec_area, at, 3)
    growing = S.growing_narratives(viewer, area, at)  # counted for everyone; titles per sees_narratives
    pic.narratives = growing if viewer.sees_narratives else []
    hoax = S.narratives_by_kecamatan(S.growing_narratives(viewer, kec_area, at) if kec_area is not area
                                     else growing)
    pic.hoax_by_kecamatan = dict(hoax)
    plan = S.current_plan(viewer, region.code, at)
    pic.kecamatan = IX.results_for(kec_area, region.code, at)
    pic.overall = K.overall(pic.kecamatan, cfg) if len(pic.kecamatan) != 1 else pic.kecamatan[0]
    pic.class_counts = K.counts(pic.kecamatan)

    # The drill-down rows: kecamatan of a regency, desa of a kecamatan, TPS of a desa.
    children = S.children(region.code, area)
    if level <= 2:
        by_code = {r.code: r for r in pic.kecamatan}
        for code, name in children:
            res = by_code.get(code)
            v = vuln.get(code)
            o, s = reports.get(code, (0, 0))
            pic.rows.append(Row(code, name, v.tps if v else 0, v.rawan if v else 0, v.scored if v else 0, o, s,
                                result=res))
    elif level == 3:
        dv = S.vulnerability_by(area, 4)
        dr = S.reports_by(viewer, area, at, 4)
        for code, name in children:
            v = dv.get(code)
            o, s = dr.get(code, (0, 0))
            pic.rows.append(Row(code, name, v.tps if v else 0, v.rawan if v else 0, v.scored if v else 0, o, s))
    else:
        classes = S.tps_classes_in(area)
        tr = S.reports_by(viewer, area, at, 5)
        for code, name in children:
            o, s = tr.get(code, (0, 0))
            k = classes.get(code, "")
            pic.rows.append(Row(code, name, 1, int(k in ("rawan", "sangat_rawan")), int(bool(k)), o, s, klass=k))

    # Counts and the day before, for the trend arrows.
    pic.totals = totals(viewer, area, at)
    pic.previous = totals(viewer, area, at - datetime.timedelta(days=1), light=True)
    pic.totals["narratives"] = len(growing)
    pic.deployment = S.deployment_summary(viewer, area, plan)
    return pic


def totals(viewer: S.Viewer, area: Scope, at: datetime.datetime, light: bool = False) -> dict[str, int]:
    out: dict[str, int] = {}
    since = at - datetime.timedelta(hours=24)
    if viewer.sees_reports:
        qs = S.visible_reports(viewer, area)
        agg = qs.filter(received_at__gt=since, received_at__lte=at).aggregate(
            n=Count("pk"), severe=Count("pk", filter=Q(severity__gte=S.severe_min())))
        out["reports_24h"] = agg["n"] or 0
        out["severe_24h"] = agg["severe"] or 0
        if not light:
            rows = S.open_rows(viewer, area, at, "region_id")  # the query the kecamatan index already made
            out["open"] = sum(r["n"] for r in rows)
            out["open_severe"] = sum(r["severe"] for r in rows)
            out["overdue"] = sum(r["overdue"] for r in rows)
    if not light:
        out["tps"] = TPS.objects.filter(area.q("code")).count()
    return out


# --- voting day -----------------------------------------------------------------------------------------


def voting_day() -> datetime.date | None:
    """The voting day of the newest election loaded (its stage marked voting_day in the calendar file)."""
    from praja.coordination.models import Election
    from praja.coordination.services import voting_stage

    election = Election.objects.first()
    if election is None:
        return None
    stage = voting_stage(election)
    return stage.start if stage else None


@dataclass
class VotingDay:
    day: datetime.date
    is_today: bool  # the moment shown is on voting day
    posts: int
    manned: int  # reported manned with at least the people required, by the moment shown
    covered: int  # covered on paper by the plan
    per_hour: list[int]  # reports per hour of the day, up to the moment shown
    severe_tps: list[dict[str, Any]]
    day_posts: Any = None  # posts.DayPosts: understrength, not reported (per Polsek), late


def voting_panel(viewer: S.Viewer, area: Scope, pic: Picture, day: datetime.date | None) -> VotingDay | None:
    """The voting-day panel at the picture's moment (pic.at): everything on it is as it stood then. Shown for
    voting day; a moment on another day shows that day's figures for the posts of the plan in force."""
    if day is None:
        return None
    from praja.situation import posts as P

    severe: list[dict[str, Any]] = []
    if viewer.sees_reports:
        rows = (
            S.open_reports(viewer, area, pic.at).filter(severity__gte=S.severe_min(), tps__isnull=False)
            .order_by().values("tps_id").annotate(n=Count("pk")).order_by("-n", "tps_id")[:30]
        )
        severe = [{"code": r["tps_id"], "n": r["n"], "url": _tps_url(r["tps_id"])} for r in rows]
    plan = pic.deployment.plan
    at = min(pic.at, S.end_of(day))  # a moment after voting day: the day as it ended
    dp = P.day_posts(plan, S.visible_posts_of(viewer, area, plan), day, at) if plan is not None else None
    per_hour = S.reports_per_hour(viewer, area, day, until=at)
    return VotingDay(day=day, is_today=pic.day == day, posts=pic.deployment.posts,
                     manned=dp.manned if dp else 0, covered=pic.deployment.covered,
                     per_hour=per_hour, severe_tps=severe, day_posts=dp)


def _tps_url(code: str) -> str:
    """The TPS's own page (35.07.01.2001/003 -> /wilayah/tps/35.07.01.2001/3/)."""
    from django.urls import reverse

    desa, _sep, number = code.partition("/")
    return reverse("territory:tps_detail", kwargs={"desa": desa, "number": int(number)}) if number.isdigit() else ""
