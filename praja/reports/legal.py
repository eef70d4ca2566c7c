"""Legal paths of election offences: who receives a finding, the stages along the path, their deadlines.

DOMAIN.md section 4: deadlines are counted in calendar days (Bawaslu RI); a report must be filed within
7 days of the offence being known. Every number is a setting (``PRAJA_REPORTS["DEADLINES"]``,
``FILING_WINDOW_DAYS``, ``DUE_SOON_HOURS``, ``VERIFY_HOURS``). A stage of N days that starts on day D ends
at the end of day D + N in the local time zone (Asia/Jakarta by default).

Before a report is referred it has no legal deadline, but a new report must not wait unseen: a NEW report
is due for verification ``VERIFY_HOURS`` (default 24; 0 turns it off) after it was received, and counts in
the due-soon and overdue lists like a stage deadline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from praja.accounts.models import Agency
from praja.reports.models import LegalPath, Report, Status

# Statuses in which a deadline runs.
OPEN_STATUSES = (Status.NEW, Status.VERIFIED, Status.ASSIGNED, Status.REFERRED)


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    # An extension: the deadline is the previous stage's deadline plus these days (Bawaslu's +2).
    extends_previous: bool = False


STAGES: dict[str, Stage] = {
    s.key: s
    for s in [
        Stage("bawaslu_review", gettext_lazy("Kajian Bawaslu")),
        Stage("bawaslu_extension", gettext_lazy("Perpanjangan kajian Bawaslu (keterangan tambahan)"), True),
        Stage("police_investigation", gettext_lazy("Penyidikan kepolisian")),
        Stage("prosecutor_return", gettext_lazy("Berkas dikembalikan jaksa")),
        Stage("police_resubmit", gettext_lazy("Penyidik melengkapi berkas")),
        Stage("prosecutor_to_court", gettext_lazy("Penuntutan ke pengadilan negeri")),
        Stage("court_decision", gettext_lazy("Putusan pengadilan negeri")),
        Stage("appeal_filing", gettext_lazy("Pengajuan banding")),
        Stage("high_court_decision", gettext_lazy("Putusan pengadilan tinggi")),
        Stage("administrative", gettext_lazy("Penanganan KPU")),
        Stage("ethics", gettext_lazy("Pemeriksaan DKPP")),
        Stage("civil_servant", gettext_lazy("Pemeriksaan KASN/BKN")),
        Stage("police", gettext_lazy("Pemeriksaan Propam")),
        Stage("military", gettext_lazy("Pemeriksaan POM TNI")),
        Stage("village_head", gettext_lazy("Pemeriksaan Pemda")),
    ]
}


@dataclass(frozen=True)
class PathSpec:
    path: str
    recipient_kind: str  # Agency.Kind
    stages: tuple[str, ...]  # in order; the optional ones (extension, return/resubmit) may be entered on the way
    optional: tuple[str, ...] = ()


PATHS: dict[str, PathSpec] = {
    p.path: p
    for p in [
        PathSpec(LegalPath.ADMINISTRATIVE, Agency.Kind.KPU, ("administrative",)),
        PathSpec(
            LegalPath.CRIMINAL, Agency.Kind.GAKKUMDU,
            ("bawaslu_review", "police_investigation", "prosecutor_to_court", "court_decision", "appeal_filing",
             "high_court_decision"),
            optional=("bawaslu_extension", "prosecutor_return", "police_resubmit"),
        ),
        PathSpec(LegalPath.ETHICS, Agency.Kind.DKPP, ("ethics",)),
        PathSpec(LegalPath.CIVIL_SERVANT, Agency.Kind.KASN, ("civil_servant",)),
        PathSpec(LegalPath.POLICE, Agency.Kind.PROPAM, ("police",)),
        PathSpec(LegalPath.MILITARY, Agency.Kind.POM_TNI, ("military",)),
        PathSpec(LegalPath.VILLAGE_HEAD, Agency.Kind.PEMDA, ("village_head",)),
    ]
}


def conf() -> dict[str, Any]:
    return dict(getattr(settings, "PRAJA_REPORTS", {}))


def stage_days(stage: str) -> int:
    days = conf().get("DEADLINES", {}).get(stage)
    if days is None:
        raise KeyError(f"no deadline setting for stage {stage!r} (PRAJA_REPORTS['DEADLINES'])")
    return int(days)


def filing_window_days() -> int:
    return int(conf().get("FILING_WINDOW_DAYS", 7))


def due_soon_hours() -> int:
    return int(conf().get("DUE_SOON_HOURS", 24))


def verify_hours() -> int:
    return max(0, int(conf().get("VERIFY_HOURS", 24)))


def deadline(report: Report) -> datetime.datetime | None:
    """The deadline that runs now: the stage's, else (a NEW report) verification's."""
    if report.due_at is not None:
        return report.due_at
    hours = verify_hours()
    if report.status == Status.NEW and hours and report.received_at is not None:
        return report.received_at + datetime.timedelta(hours=hours)
    return None


def deadline_expr() -> Any:
    """`deadline` in SQL, for ordering and the oldest overdue per agency."""
    return Coalesce(F("due_at"), ExpressionWrapper(F("received_at") + Value(datetime.timedelta(hours=verify_hours())),
                                                   output_field=DateTimeField()))


def end_of_day_after(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end (23:59:59.999999 local time) of the calendar day `days` days after `start`'s day."""
    local = timezone.localtime(start)
    day = local.date() + datetime.timedelta(days=days)
    end = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(end, timezone.get_current_timezone())


def stage_allowed(path: str, stage: str) -> bool:
    spec = PATHS.get(path)
    return spec is not None and (stage in spec.stages or stage in spec.optional)


def first_stage(path: str) -> str:
    return PATHS[path].stages[0]


def next_stages(path: str, stage: str) -> list[str]:
    """The stages one may move to from `stage` along `path` (the main next one first)."""
    spec = PATHS.get(path)
    if spec is None:
        return []
    order = spec.stages
    if stage in order:
        i = order.index(stage)
        main = [order[i + 1]] if i + 1 < len(order) else []
    elif stage == "bawaslu_extension":
        main = ["police_investigation"]
    elif stage == "prosecutor_return":
        return ["police_resubmit"]
    elif stage == "police_resubmit":
        main = ["prosecutor_to_court"]
    else:
        main = []
    extra = {
        "bawaslu_review": ["bawaslu_extension"],
        "police_investigation": ["prosecutor_return"],
    }.get(stage, [])
    return main + [s for s in extra if s in spec.optional]


def stage_due(stage: str, start: datetime.datetime, previous_due: datetime.datetime | None) -> datetime.datetime:
    """When a stage entered at `start` is due: calendar days from its start (an extension from the previous
    deadline)."""
    days = stage_days(stage)
    if STAGES[stage].extends_previous and previous_due is not None:
        return previous_due + datetime.timedelta(days=days)
    return end_of_day_after(start, days)


@dataclass(frozen=True)
class FilingCheck:
    known_at: datetime.datetime | None  # when the offence happened/was known (occurred_at), if given
    deadline: datetime.datetime | None
    filed_at: datetime.datetime
    late: bool | None  # None: the time of the offence is not known, the window cannot be checked

    @property
    def label(self) -> str:
        if self.late is None:
            return _("Waktu kejadian tidak diketahui: batas %(n)s hari pelaporan tidak dapat diperiksa") % {
                "n": filing_window_days()}
        if self.late:
            return _("Dilaporkan melewati batas %(n)s hari sejak kejadian diketahui") % {"n": filing_window_days()}
        return _("Dalam batas %(n)s hari pelaporan") % {"n": filing_window_days()}


def filing_check(report: Report) -> FilingCheck:
    """The 7-day filing window: was the report received within N calendar days of the offence?"""
    filed = report.received_at
    if report.occurred_at is None:
        return FilingCheck(None, None, filed, None)
    deadline = end_of_day_after(report.occurred_at, filing_window_days())
    return FilingCheck(report.occurred_at, deadline, filed, filed > deadline)


def time_left(report: Report, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    due = deadline(report)
    if due is None or report.status not in OPEN_STATUSES:
        return None
    return due - (now or timezone.now())


def is_overdue(report: Report, now: datetime.datetime | None = None) -> bool:
    left = time_left(report, now)
    return left is not None and left.total_seconds() < 0


def is_due_soon(report: Report, now: datetime.datetime | None = None) -> bool:
    left = time_left(report, now)
    return left is not None and 0 <= left.total_seconds() <= due_soon_hours() * 3600


def humanise(delta: datetime.timedelta | None) -> str:
    """'2 hari 3 jam lagi' / 'terlambat 5 jam' (calendar time)."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)s hari", "%(n)s hari", days) % {"n": days})
    if hours or (days and not late):
        parts.append(ngettext("%(n)s jam", "%(n)s jam", hours) % {"n": hours})
    if not days and not hours:
        parts.append(ngettext("%(n)s menit", "%(n)s menit", minutes) % {"n": minutes})
    text = " ".join(parts)
    return _("terlambat %(t)s") % {"t": text} if late else _("%(t)s lagi") % {"t": text}


def open_with_deadline(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.filter(status__in=OPEN_STATUSES, due_at__isnull=False)


def _unverified(start: datetime.datetime | None, end: datetime.datetime) -> Q:
    """NEW reports without a stage deadline whose verification deadline falls in [start, end)."""
    hours = verify_hours()
    if not hours:
        return Q(pk__in=[])
    wait = datetime.timedelta(hours=hours)
    q = Q(status=Status.NEW, due_at__isnull=True, received_at__lt=end - wait)
    if start is not None:
        q &= Q(received_at__gte=start - wait)
    return q


def overdue(qs: QuerySet[Report], now: datetime.datetime | None = None) -> QuerySet[Report]:
    now = now or timezone.now()
    return qs.filter(Q(status__in=OPEN_STATUSES, due_at__isnull=False, due_at__lt=now) | _unverified(None, now))


def due_soon(qs: QuerySet[Report], now: datetime.datetime | None = None) -> QuerySet[Report]:
    now = now or timezone.now()
    end = now + datetime.timedelta(hours=due_soon_hours())
    return qs.filter(Q(status__in=OPEN_STATUSES, due_at__isnull=False, due_at__gte=now, due_at__lte=end)
                     | _unverified(now, end + datetime.timedelta(microseconds=1)))


@dataclass(frozen=True)
class AgencyOverdue:
    agency_id: int | None
    agency: str
    count: int
    oldest_due: datetime.datetime


def overdue_by_agency(qs: QuerySet[Report], now: datetime.datetime | None = None) -> list[AgencyOverdue]:
    """Overdue reports per responsible agency (the one referred to, else the one assigned), worst first."""
    rows: dict[int | None, tuple[int, datetime.datetime]] = {}
    for field in ("referred_to", "assigned_agency"):
        sub = overdue(qs, now)
        sub = sub.filter(referred_to__isnull=False) if field == "referred_to" else sub.filter(referred_to__isnull=True)
        for row in sub.values(field).annotate(n=Count("pk"), oldest=Min(deadline_expr())):
            key = row[field]
            n, oldest = rows.get(key, (0, row["oldest"]))
            rows[key] = (n + row["n"], min(oldest, row["oldest"]))
    names = dict(Agency.objects.filter(pk__in=[k for k in rows if k]).values_list("pk", "name"))
    out = [
        AgencyOverdue(k, names.get(k, "") if k else _("(belum ditugaskan)"), n, oldest)
        for k, (n, oldest) in rows.items()
    ]
    return sorted(out, key=lambda a: (-a.count, a.oldest_due))


def recipients(path: str, region_code: str) -> list[Agency]:
    """Agencies of the path's recipient kind serving the report's place (nearest first: desa, kecamatan,
    regency, province), else every agency of that kind."""
    from praja.base.regions import ancestors_of

    spec = PATHS.get(path)
    if spec is None:
        return []
    qs = Agency.objects.filter(kind=spec.recipient_kind)
    if region_code:
        chain = [region_code, *reversed(list(ancestors_of(region_code)))]
        found = list(qs.filter(region_id__in=chain))
        if found:
            rank = {c: i for i, c in enumerate(chain)}
            return sorted(found, key=lambda a: (rank.get(a.region_id, 99), a.name))
    return list(qs.order_by("name")[:20])
