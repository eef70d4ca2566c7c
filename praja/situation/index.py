"""The kondusif index of every kecamatan of a regency at one moment, computed once from everything.

Not per viewer: the Polsek, Panwascam, the Camat and the Kapolres see the same index and class for the same
kecamatan at the same moment (each sees only the kecamatan in their scope; what a viewer may not read, such as
report titles, stays on the pages that check it). Reports about the conduct of a unit's own people (those the
reports app routes away from that unit: a named unit, or a police/military/village-head subject) are kept out
of the index for everyone, so no unit can read its own accusations off the index.

Cached per regency and moment (to the second) and a stamp of the data (counts and newest changes), so a second
viewer in the same minute costs a few small queries and a new report shows at once.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from praja.base.scope import Scope
from praja.situation import kondusif as K
from praja.situation import posts as P
from praja.situation import sources as S
from praja.territory.models import Region

CACHE_SECONDS = 600


def conduct_q() -> Q:
    """Reports about the conduct of a unit's own people (routed away from that unit at intake)."""
    from praja.reports.routing import LOCAL_UNIT_KINDS

    return Q(subject_unit__isnull=False) | Q(subject_kind__in=[str(k) for k in LOCAL_UNIT_KINDS])


def counted_reports(area: Scope) -> Any:
    """The reports the index counts: every report in the area but the conduct ones and the rejected."""
    from praja.base import drillctx
    from praja.reports.models import Report

    return (Report.objects.filter(area.q("region__code")).filter(drillctx.reports_q()).exclude(conduct_q())
            .exclude(status="ditolak"))


def posts_due(day: datetime.date) -> bool:
    """From POSTS_DUE_DAYS_BEFORE days before voting day to POSTS_DUE_DAYS_AFTER after it, posts must stand:
    no plan then counts as every post uncovered."""
    from praja.situation.dashboard import voting_day

    vote = voting_day()
    if vote is None:
        return False
    before = int(S.conf("POSTS_DUE_DAYS_BEFORE", 3))
    after = int(S.conf("POSTS_DUE_DAYS_AFTER", 1))
    return vote - datetime.timedelta(days=before) <= day <= vote + datetime.timedelta(days=after)


def _stamp(regency: str) -> str:
    """What changes when any input of the index changes (cheap aggregates)."""
    from praja.deployment.models import Plan, Post
    from praja.reports.models import Report, TimelineEntry
    from praja.risk.models import TPSScore

    parts: list[Any] = [
        Report.objects.aggregate(n=Count("pk"), m=Max("pk")),
        TimelineEntry.objects.aggregate(m=Max("pk")),
        Plan.objects.aggregate(m=Max("pk"), f=Max("finished_at")),
        Post.objects.filter(manned_at__isnull=False).aggregate(n=Count("pk"), m=Max("manned_at")),
        TPSScore.objects.aggregate(n=Count("pk"), m=Max("computed_at")),
    ]
    from praja.infowatch.models import Narrative

    parts.append(Narrative.objects.aggregate(m=Max("updated_at"), n=Count("pk")))
    from praja.situation.dashboard import voting_day

    parts.append(voting_day())
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def regency_index(regency: str, at: datetime.datetime) -> dict[str, K.Result]:
    """The index of every kecamatan of the regency at `at`, from everything (cached). The cache is kept per
    minute of `at`: any new or changed input (a report, a handling step, a plan, a post reporting in, a score, a
    narrative) changes `_stamp` and so the key at once; within a minute with no new input only the index's
    drift with time (an hour's window sliding by seconds) is not recomputed. Every viewer of that minute reads
    the same computation (a dashboard polled several times a second computed it at each new second: ~70 ms of
    the regency page on 100,000 reports)."""
    from praja.base import drillctx

    key = f"praja:kondusif:{regency}:{int(at.timestamp()) // 60}:{_stamp(regency)}:{drillctx.stamp()}"
    got: dict[str, K.Result] | None = cache.get(key)
    if got is None:
        got = {r.code: r for r in compute(regency, at)}
        cache.set(key, got, CACHE_SECONDS)
    return got


def results_for(area: Scope, region_code: str, at: datetime.datetime) -> list[K.Result]:
    """The index of the kecamatan of the area (inside `region_code`), read from the regency's computation."""
    kecs = S.kecamatan_in(area, region_code)
    by_regency: dict[str, list[str]] = defaultdict(list)
    for code, _name in kecs:
        by_regency[S.child_of(code, 2)].append(code)
    out: list[K.Result] = []
    for regency, codes in sorted(by_regency.items()):
        results = regency_index(regency, at)
        out.extend(results[c] for c in codes if c in results)
    return out


def compute(regency: str, at: datetime.datetime) -> list[K.Result]:
    from praja.situation.dashboard import config, voting_day

    cfg = config()
    area = Scope.of([regency])
    kecs = list(Region.objects.filter(level=3, code__startswith=regency + ".").order_by("code")
                .values_list("code", "name"))
    vuln = S.vulnerability_by(area, 3)
    sev = S.severe_min()
    reports = counted_reports(area)

    def by_kec(qs: Any) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        r: dict[str, Any]
        for r in qs.order_by().values("region_id").annotate(n=Count("pk"), s=Count("pk", filter=Q(severity__gte=sev))):
            k = S.kecamatan_of(r["region_id"] or "")
            if k:
                out[k][0] += r["n"]
                out[k][1] += r["s"]
        return {k: (v[0], v[1]) for k, v in out.items()}

    open_ = by_kec(reports.filter(status__in=S.OPEN_STATUSES, received_at__lte=at))
    window = datetime.timedelta(hours=cfg.surge_window_hours)
    recent = by_kec(reports.filter(received_at__gt=at - window, received_at__lte=at))
    base_days = float(S.conf("KONDUSIF_BASELINE_DAYS", 7))
    base_start = at - window - datetime.timedelta(days=base_days)
    baseline = by_kec(reports.filter(received_at__gt=base_start, received_at__lte=at - window))
    base_hours = base_days * 24

    system = S.Viewer(scope=Scope.everything(), capabilities=frozenset())
    hoax = S.narratives_by_kecamatan(S.growing_narratives(system, area, at))

    day = timezone.localtime(at).date()
    plan = P.plan_of_day(day, regency, at)
    due = posts_due(day)
    vote = voting_day()
    per_kec: dict[str, tuple[int, float]] = {}
    if plan is not None:
        if vote is not None and day == vote and at >= P.report_by(day):
            # Voting day, after the report-by time: who is actually there.
            rows = P.state_rows(P.posts_in(plan, area), day, at)
            acc: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
            for r in rows:
                a = acc[r["kecamatan_code"]]
                a[0] += 1
                if r["state"] == P.MISSING:
                    a[1] += 1
                elif r["state"] == P.SHORT and r["required"]:
                    a[1] += (r["required"] - (r["manned_people"] or 0)) / r["required"]
            per_kec = {k: (int(v[0]), float(v[1])) for k, v in acc.items()}
        else:
            for r in (P.posts_in(plan, area).order_by().values("kecamatan_code")
                      .annotate(n=Count("pk"), u=Count("pk", filter=Q(covered=False)))):
                per_kec[r["kecamatan_code"]] = (r["n"], float(r["u"]))
    inputs = []
    for code, name in kecs:
        v = vuln.get(code)
        o, os_ = open_.get(code, (0, 0))
        rc, rs = recent.get(code, (0, 0))
        bn, bs = baseline.get(code, (0, 0))
        n_posts, unc = per_kec.get(code, (0, 0.0))
        inputs.append(K.Inputs(
            code=code, name=name, tps=v.tps if v else 0, scored_tps=v.scored if v else 0,
            rawan_tps=v.rawan if v else 0, open_reports=o, severe_open_reports=os_, recent_reports=rc,
            severe_recent_reports=rs, baseline_reports=bn + cfg.severe_factor * bs, baseline_hours=base_hours,
            growing_narratives=hoax.get(code, 0), hoax_known=True,
            posts=n_posts, uncovered_posts=unc, posts_due=due, reports_known=True,
        ))
    return K.score_all(inputs, cfg)
