"""The handler's board: my queue, due soon, overdue, new; per kecamatan, per path; the filters a command
post uses on voting day. Every query starts from visibility.reports (region, agency, neutrality)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praja.base import roles as R
from praja.base.access import person_of
from praja.reports import legal, routing, visibility
from praja.reports.models import Category, Channel, LegalPath, Report, Severity, Status
from praja.territory.models import Region

# Reports still being worked on (an outcome waits to be closed).
WORKING = (Status.NEW, Status.VERIFIED, Status.ASSIGNED, Status.REFERRED, Status.OUTCOME)
VIEWS = {
    "antrian": _("Antrian saya"),
    "baru": _("Kotak masuk (baru, belum diambil)"),
    "segera": _("Segera jatuh tempo"),
    "terlambat": _("Terlambat"),
    "aktif": _("Semua yang masih ditangani"),
    "semua": _("Semua"),
}
WHEN = {
    "1jam": (_("1 jam terakhir"), datetime.timedelta(hours=1)),
    "hari_ini": (_("Hari ini"), None),
    "24jam": (_("24 jam terakhir"), datetime.timedelta(hours=24)),
}
PAGE = 100
KEC_LEN = len("35.07.01")
# The agencies whose handlers triage new reports (verify, take, assign, refer): the Polres and Polsek command
# posts, Bawaslu and Panwascam. Sentra Gakkumdu, Propam and the other recipients of a legal path get work
# only when it is assigned, referred or routed to them, never the regency's inbox.
TRIAGE_KINDS = frozenset({"polres", "polsek", "bawaslu", "panwascam"})


@dataclass
class Filters:
    view: str = "aktif"
    status: str = ""
    category: str = ""
    severity: int = 0
    kecamatan: str = ""
    agency: int = 0  # assigned to or referred to this agency (instansi)
    place: str = ""  # a TPS code (35.07.01.2001/003) or a desa/kecamatan code
    path: str = ""
    channel: str = ""
    when: str = ""
    neutrality: bool = False
    q: str = ""
    since: int = 0  # the newest report id when the page was opened (newer ones are highlighted)

    def query(self, **override: Any) -> str:
        from urllib.parse import urlencode

        values = {
            "tampilan": self.view, "status": self.status, "kategori": self.category,
            "tingkat": self.severity or "", "kecamatan": self.kecamatan, "instansi": self.agency or "",
            "tempat": self.place, "jalur": self.path,
            "saluran": self.channel, "waktu": self.when, "netralitas": "1" if self.neutrality else "",
            "q": self.q, "sejak": self.since or "",
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 0)})


def is_triager(request: Any) -> bool:
    """Whether this person triages new reports: handles reports for a Polres, Polsek, Bawaslu or Panwascam
    (or is a system administrator)."""
    if R.REPORTS_HANDLE not in getattr(request, "capabilities", frozenset()):
        return False
    if getattr(request.user, "is_superuser", False):
        return True
    person = person_of(request.user)
    agency = getattr(person, "agency", None)
    return getattr(agency, "kind", "") in TRIAGE_KINDS


def views_for(request: Any) -> dict[str, Any]:
    """The board's tabs for this person: the inbox of new reports only for those who triage."""
    triager = is_triager(request)
    return {k: v for k, v in VIEWS.items() if k != "baru" or triager}


def parse(get: Any, can_handle: bool) -> Filters:
    f = Filters(view="antrian" if can_handle else "aktif")
    view = str(get.get("tampilan", ""))
    if view in VIEWS:
        f.view = view
    f.status = str(get.get("status", "")) if get.get("status") in Status.values else ""
    f.category = str(get.get("kategori", "")) if get.get("kategori") in Category.values else ""
    try:
        f.severity = int(get.get("tingkat") or 0) if int(get.get("tingkat") or 0) in Severity.values else 0
    except ValueError:
        f.severity = 0
    kec = str(get.get("kecamatan", ""))[:KEC_LEN]
    f.kecamatan = kec if len(kec) == KEC_LEN and kec.replace(".", "").isdigit() else ""
    agency = str(get.get("instansi", "")).strip()
    f.agency = int(agency) if agency.isdigit() and len(agency) < 10 else 0
    f.place = normalise_place(str(get.get("tempat", "")))
    f.path = str(get.get("jalur", "")) if get.get("jalur") in LegalPath.values else ""
    f.channel = str(get.get("saluran", "")) if get.get("saluran") in Channel.values else ""
    f.when = str(get.get("waktu", "")) if get.get("waktu") in WHEN else ""
    f.neutrality = get.get("netralitas") == "1"
    f.q = str(get.get("q", "")).strip()[:60]
    try:
        f.since = max(0, int(get.get("sejak") or 0))
    except ValueError:
        f.since = 0
    return f


_PLACE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4}(/\d{1,3})?)?)?)?$")


def normalise_place(text: str) -> str:
    """A TPS code (its number padded to 3: 35.07.01.2001/3 -> /003) or a region code; '' when neither."""
    text = text.strip().replace(" ", "")[:24]
    if not _PLACE.match(text):
        return ""
    if "/" in text:
        code, number = text.split("/", 1)
        return f"{code}/{int(number):03d}"
    return text


def place_q(place: str) -> Q:
    if "/" in place:
        return Q(tps_id=place)
    return (Q(region__code=place) | Q(region__code__startswith=place + ".") | Q(tps__code__startswith=place + "/")
            | Q(tps__code__startswith=place + "."))


def kecamatan_choices(request: Any, selected: str = "") -> list[tuple[str, str]]:
    """The kecamatan a command post picks from, by name: those of the person's region (a national scope: of
    the regencies the reports serve), with the regency's name where two share one."""
    from praja.reports import places

    scope = getattr(request, "scope", None)
    qs = Region.objects.filter(level=Region.Level.KECAMATAN)
    if scope is None or scope.national:
        qs = qs.filter(parent_id__in=[c for c, _n in places.served_regencies()])
    else:
        qs = qs.filter(scope.q_reaching("code"))  # a desa-level scope still gets its kecamatan
    rows = list(qs.order_by("name", "code").values_list("code", "name")[:500])
    if selected and selected not in {c for c, _n in rows}:
        rows += list(Region.objects.filter(code=selected).values_list("code", "name"))
    return rows


def agency_choices(request: Any) -> list[tuple[int, str]]:
    """The agencies the visible reports are assigned or referred to."""
    from praja.accounts.models import Agency

    base = visible(request)
    ids = set(base.exclude(assigned_agency__isnull=True).values_list("assigned_agency_id", flat=True).distinct())
    ids |= set(base.exclude(referred_to__isnull=True).values_list("referred_to_id", flat=True).distinct())
    return list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def visible(request: Any) -> QuerySet[Report]:
    return visibility.reports(Report.objects.all(), request)


def my_queue_q(request: Any) -> Q:
    user = request.user
    person = person_of(user)
    agency_id = getattr(person, "agency_id", None)
    q = Q(handler_id=user.pk)
    if agency_id:
        q |= Q(handler__isnull=True) & (Q(assigned_agency_id=agency_id) | Q(referred_to_id=agency_id))
        # routed to this agency at intake (a neutrality report: its path's recipient and Bawaslu), until
        # someone takes, assigns or refers it
        routed = Report.routed_to.through.objects.filter(agency_id=agency_id).values("report_id")
        q |= Q(handler__isnull=True, assigned_agency__isnull=True, referred_to__isnull=True, pk__in=routed)
    return q & Q(status__in=WORKING)


def inbox_q() -> Q:
    """New reports nobody has taken, assigned, referred or routed yet: the triage inbox."""
    routed = Report.routed_to.through.objects.values("report_id")
    return Q(status=Status.NEW, handler__isnull=True, assigned_agency__isnull=True, referred_to__isnull=True) & ~Q(
        pk__in=routed)


def view_q(view: str, request: Any, now: datetime.datetime, qs: QuerySet[Report]) -> QuerySet[Report]:
    if view == "antrian":
        return qs.filter(my_queue_q(request))
    if view == "baru":
        return qs.filter(inbox_q())
    if view == "segera":
        return legal.due_soon(qs, now)
    if view == "terlambat":
        return legal.overdue(qs, now)
    if view == "aktif":
        return qs.filter(status__in=WORKING)
    return qs


def active_filters(f: Filters) -> list[tuple[str, str]]:
    """The filters in force besides the tab, as (label, value) a person reads: said above every list, so a
    filter never empties a queue silently."""
    from praja.accounts.models import Agency

    out: list[tuple[str, str]] = []
    if f.status:
        out.append((str(_("Status")), str(dict(Status.choices).get(f.status, f.status))))
    if f.category:
        out.append((str(_("Kategori")), str(dict(Category.choices).get(f.category, f.category))))
    if f.severity:
        out.append((str(_("Tingkat minimal")), str(dict(Severity.choices).get(f.severity, f.severity))))
    if f.kecamatan:
        name = Region.objects.filter(code=f.kecamatan).values_list("name", flat=True).first()
        out.append((str(_("Kecamatan")), name or f.kecamatan))
    if f.agency:
        name = Agency.objects.filter(pk=f.agency).values_list("name", flat=True).first()
        out.append((str(_("Instansi")), name or "—"))
    if f.place:
        out.append((str(_("Tempat")), f.place))
    if f.path:
        out.append((str(_("Jalur hukum")), str(dict(LegalPath.choices).get(f.path, f.path))))
    if f.channel:
        out.append((str(_("Saluran")), str(dict(Channel.choices).get(f.channel, f.channel))))
    if f.when:
        out.append((str(_("Waktu diterima")), str(WHEN[f.when][0])))
    if f.neutrality:
        out.append((str(_("Netralitas")), str(_("ya"))))
    if f.q:
        out.append((str(_("Cari")), f.q))
    return out


def apply(qs: QuerySet[Report], f: Filters, request: Any, now: datetime.datetime) -> QuerySet[Report]:
    qs = view_q(f.view, request, now, qs)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.severity:
        qs = qs.filter(severity__gte=f.severity)
    if f.kecamatan:
        qs = qs.filter(Q(region__code=f.kecamatan) | Q(region__code__startswith=f.kecamatan + "."))
    if f.agency:
        qs = qs.filter(Q(assigned_agency_id=f.agency) | Q(referred_to_id=f.agency))
    if f.place:
        qs = qs.filter(place_q(f.place))
    if f.path:
        qs = qs.filter(legal_path=f.path)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.when:
        delta = WHEN[f.when][1]
        if delta is None:
            start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        else:
            start = now - delta
        qs = qs.filter(received_at__gte=start)
    if f.neutrality:
        qs = qs.filter(subject_kind__in=sorted(routing.PROTECTED_SUBJECTS))
    if f.q:
        qs = qs.filter(Q(receipt__icontains=f.q) | Q(title__icontains=f.q))
    return qs


@dataclass
class Row:
    report: Report
    time_left: str
    overdue: bool
    due_soon: bool
    new: bool


@dataclass
class Board:
    filters: Filters
    rows: list[Row]
    total: int
    counts: dict[str, int]
    per_kecamatan: list[tuple[str, str, int]] = field(default_factory=list)
    per_path: list[tuple[str, str, int]] = field(default_factory=list)
    newest: int = 0
    new_since: int = 0
    # the filters in force besides the tab, and how many reports of the tab they hide
    active: list[tuple[str, str]] = field(default_factory=list)
    hidden: int = 0


def build(request: Any, f: Filters, now: datetime.datetime | None = None) -> Board:
    now = now or timezone.now()
    base = visible(request)
    qs = apply(base, f, request, now).select_related("region", "tps", "assigned_agency", "referred_to", "handler")
    total = qs.count()
    active = active_filters(f)
    hidden = max(0, view_q(f.view, request, now, base).count() - total) if active else 0
    rows = []
    # the work lists (my queue, the inbox, due soon, overdue) come oldest deadline first; the others newest first
    by_deadline = f.view in ("antrian", "baru", "segera", "terlambat")
    for r in qs.order_by(legal.deadline_expr(), "-severity", "pk")[:PAGE] if by_deadline \
            else qs.order_by("-severity", "-received_at", "-pk")[:PAGE]:
        left = legal.time_left(r, now)
        text = legal.humanise(left)
        if text and r.due_at is None:  # a NEW report's verification deadline (VERIFY_HOURS)
            text = _("verifikasi: %(t)s") % {"t": text}
        rows.append(Row(r, text, legal.is_overdue(r, now), legal.is_due_soon(r, now),
                        bool(f.since and r.pk > f.since)))
    working = base.filter(status__in=WORKING)
    counts = {
        "antrian": base.filter(my_queue_q(request)).count(),
        "baru": base.filter(inbox_q()).count(),
        "segera": legal.due_soon(base, now).count(),
        "terlambat": legal.overdue(base, now).count(),
        "aktif": working.count(),
    }
    # a report filed under the regency only (no kecamatan named) has no kecamatan row
    kec = (working.filter(region__level__gte=Region.Level.KECAMATAN).annotate(kec=Substr("region_id", 1, KEC_LEN))
           .values("kec").annotate(n=Count("pk")).order_by("-n", "kec"))
    kec_rows = [(row["kec"], row["n"]) for row in kec[:60]]
    names = dict(Region.objects.filter(code__in=[c for c, _ in kec_rows]).values_list("code", "name"))
    paths = (working.exclude(legal_path="").values("legal_path").annotate(n=Count("pk")).order_by("-n"))
    labels = dict(LegalPath.choices)
    newest = base.order_by("-pk").values_list("pk", flat=True).first() or 0
    return Board(
        filters=f, rows=rows, total=total, counts=counts,
        per_kecamatan=[(c, names.get(c, c), n) for c, n in kec_rows],
        per_path=[(p["legal_path"], str(labels.get(p["legal_path"], p["legal_path"])), p["n"]) for p in paths],
        newest=newest, new_since=base.filter(pk__gt=f.since).count() if f.since else 0,
        active=active, hidden=hidden,
    )
