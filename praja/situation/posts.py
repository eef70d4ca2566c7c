"""Posts on the day: who is actually there, not what the plan says.

A post reports itself manned from the field (deployment post page, "Pos dilaporkan terisi": Post.manned_at and
Post.manned_people). On a day:

- **terisi** (manned): reported that day, by the moment looked at, with at least the people the pattern puts at
  the post (Post.police + Post.tni + Post.linmas);
- **kurang** (understrength): reported, with fewer;
- **belum** (not reported): no report that day by the moment; after the report-by time (setting
  ``POSTS_REPORT_BY``, default 06:30 local, before the TPS open at 07:00) such a post is flagged, per Polsek,
  with the Polsek's office number and its officers to call;
- **on paper**: the plan's own coverage (Post.covered), shown apart and named as such.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from praja.base.scope import Scope
from praja.situation import sources as S

MANNED = "terisi"
SHORT = "kurang"
MISSING = "belum"


def report_by(day: datetime.date) -> datetime.datetime:
    raw = str(S.conf("POSTS_REPORT_BY", "06:30"))
    hh, _sep, mm = raw.partition(":")
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(int(hh), int(mm or 0))))


@dataclass
class Polsek:
    """The posts of one kecamatan that have not reported by the report-by time, and whom to call."""

    kecamatan: str
    name: str  # the kecamatan's name
    unit: str = ""  # the Polsek
    phone: str = ""  # its office number
    officers: list[str] = field(default_factory=list)  # rank and name of its officers in Praja
    posts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DayPosts:
    day: datetime.date
    at: datetime.datetime
    report_by: datetime.datetime
    posts: int = 0
    manned: int = 0
    understrength: int = 0
    missing: int = 0
    late: int = 0  # reported, but after the report-by time
    on_paper: int = 0  # covered by the plan (not a report from the field)
    short_people: int = 0  # people missing at understrength posts
    short_share: float = 0.0  # the sum over understrength posts of the share of people missing
    past_deadline: bool = False  # the moment is after the report-by time
    short_list: list[dict[str, Any]] = field(default_factory=list)
    missing_by_polsek: list[Polsek] = field(default_factory=list)

    @property
    def uncovered(self) -> float:
        """For the index: a post not reported counts 1, an understrength post the share of people missing."""
        return self.missing + self.short_share


def _required() -> Any:
    return F("police") + F("tni") + F("linmas")


def state_rows(posts_qs: Any, day: datetime.date, at: datetime.datetime) -> list[dict[str, Any]]:
    """Every post of the queryset with its state at `at` on `day`."""
    start = S._start_of(day)
    rows = list(posts_qs.order_by("kecamatan_code", "number").values(
        "pk", "plan_id", "number", "code", "kecamatan_code", "area_code", "cls", "police", "tni", "linmas",
        "covered", "manned_at", "manned_people", "tps_count"))
    deadline = report_by(day)
    from praja.base import drillctx

    drill = drillctx.manned_overrides()
    for r in rows:
        if drill is not None:  # a drill is viewed: its posts' reports, never the real ones
            r["manned_at"], r["manned_people"] = drill.get(r["pk"], (None, None))
        required = (r["police"] or 0) + (r["tni"] or 0) + (r["linmas"] or 0)
        r["required"] = required
        reported = r["manned_at"] is not None and start <= r["manned_at"] <= at
        if not reported:
            r["state"] = MISSING
        elif (r["manned_people"] or 0) >= required:
            r["state"] = MANNED
        else:
            r["state"] = SHORT
        r["late"] = reported and r["manned_at"] > deadline
    return rows


def day_posts(plan: Any, posts_qs: Any, day: datetime.date, at: datetime.datetime, *,
              with_lists: bool = True) -> DayPosts:
    deadline = report_by(day)
    out = DayPosts(day=day, at=at, report_by=deadline, past_deadline=at >= deadline)
    if plan is None:
        return out
    rows = state_rows(posts_qs, day, at)
    out.posts = len(rows)
    out.on_paper = sum(1 for r in rows if r["covered"])
    missing: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["state"] == MANNED:
            out.manned += 1
        elif r["state"] == SHORT:
            out.understrength += 1
            lack = r["required"] - (r["manned_people"] or 0)
            out.short_people += lack
            out.short_share += lack / r["required"] if r["required"] else 0.0
            if with_lists:
                out.short_list.append(r)
        else:
            out.missing += 1
            missing.setdefault(r["kecamatan_code"], []).append(r)
        if r["late"]:
            out.late += 1
    if with_lists and out.short_list:
        names = S.region_names({r["kecamatan_code"] for r in out.short_list})
        for r in out.short_list:
            r["kecamatan_name"] = names.get(r["kecamatan_code"], r["kecamatan_code"])
    if with_lists and out.past_deadline and missing:
        out.missing_by_polsek = whom_to_call(missing)
    return out


def whom_to_call(missing: dict[str, list[dict[str, Any]]]) -> list[Polsek]:
    """Per kecamatan with posts not reported: its Polsek (office number) and the officers of that Polsek."""
    from praja.accounts.models import Agency, Person

    names = S.region_names(set(missing))
    units = {a.region_id: a for a in Agency.objects.filter(kind=Agency.Kind.POLSEK, region_id__in=list(missing))}
    officers: dict[int, list[str]] = {}
    for p in Person.objects.filter(agency__in=list(units.values()), assignments__active=True).distinct().order_by(
            "full_name"):
        officers.setdefault(p.agency_id, []).append(f"{p.rank} {p.full_name}".strip())
    out = []
    for code in sorted(missing, key=lambda c: (-len(missing[c]), c)):
        unit = units.get(code)
        out.append(Polsek(code, names.get(code, code), unit.name if unit else "", unit.phone if unit else "",
                          officers.get(unit.pk, []) if unit else [], missing[code]))
    return out


def plan_of_day(day: datetime.date, regency: str, at: datetime.datetime) -> Any:
    """The plan in force on the day for the regency, read for everyone (the index): the newest finished plan
    finished by `at`."""
    from praja.base import drillctx
    from praja.deployment.models import Plan

    drill_plan = drillctx.viewed_plan(regency)
    if drill_plan is not None:
        return drill_plan
    return (Plan.objects.filter(status=Plan.Status.DONE)
            .filter(Q(region_id=regency) | Q(region_id=regency.split(".")[0]) | Q(region__isnull=True))
            .filter(Q(finished_at__lte=at) | Q(finished_at__isnull=True, created_at__lte=at))
            .order_by("-finished_at", "-pk").first())


def posts_in(plan: Any, area: Scope) -> Any:
    from praja.deployment.models import Post

    return Post.objects.filter(plan=plan).filter(area.q("kecamatan_code"))
