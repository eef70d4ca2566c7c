"""A voting day as it happens, made up: posts reporting manned through the morning (some late, some
understrength, a few never), reports arriving by hour across the kecamatan with one kecamatan surging.

Used by the situation tests (the index, the voting-day panel, the lapsit), by `praja bench dashboard` and, through
`day_events()` + `apply()`, by the drill mode (`praja latihan`), which replays the same events on a clock.

    events = day_events(datetime.date(2024, 11, 27), regency="35.07", surge="35.07.01")
    summary = apply(events)            # everything at once (tests, bench)
    apply(e for e in events if e.at <= clock)   # a drill: what has happened by the drill's clock

Deterministic for a seed. Reports are marked `generated` (never a real report) and carry the receipt prefix
given (default "HP-"), so they can be found and removed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

# Reports per hour of the day (local), relative: quiet at night, the peak when the TPS open and at counting.
HOUR_CURVE = [0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 2.2, 1.8, 1.5, 1.3,
              1.6, 2.0, 1.8, 1.2, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.2, 0.1]
CATEGORIES = [  # (category, share, weights of severity 1..4)
    ("hak_pilih", 0.22, (40, 50, 9, 1)), ("logistik", 0.16, (35, 50, 13, 2)), ("keamanan", 0.14, (10, 45, 35, 10)),
    ("politik_uang", 0.14, (15, 55, 25, 5)), ("lokasi_tps", 0.08, (50, 45, 5, 0)),
    ("listrik_internet", 0.06, (50, 45, 5, 0)), ("hoaks", 0.10, (30, 55, 13, 2)), ("sara", 0.04, (10, 45, 35, 10)),
    ("kekerasan", 0.03, (0, 30, 50, 20)), ("netralitas", 0.03, (20, 60, 20, 0)),
]
TITLES = {
    "hak_pilih": "Pemilih tidak terdaftar di DPT ditolak", "logistik": "Surat suara kurang di TPS",
    "keamanan": "Kerumunan massa di sekitar TPS", "politik_uang": "Dugaan pembagian amplop",
    "lokasi_tps": "TPS tergenang air", "listrik_internet": "Listrik padam di TPS",
    "hoaks": "Kabar bohong surat suara tercoblos", "sara": "Spanduk bernada SARA",
    "kekerasan": "Keributan antarpendukung",
    "netralitas": "Dugaan perangkat desa mengarahkan pemilih",
}


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str  # "post" (a post reports manned) or "report"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Summary:
    day: datetime.date
    posts: int = 0
    manned: int = 0  # reported with at least the officers required
    understrength: int = 0
    late: int = 0  # reported after the report-by time
    silent: int = 0  # never reported
    reports: int = 0
    surge: str = ""
    surge_reports: int = 0
    by_kecamatan: dict[str, int] = field(default_factory=dict)


def local(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hh, mm)))


def ensure_plan(regency: str, at: datetime.datetime) -> Any:
    """The newest plan of the regency finished by `at`, or (none) a simple one made for the day."""
    from praja.deployment.models import Plan

    plan = Plan.objects.filter(region_id=regency, status=Plan.Status.DONE, finished_at__lte=at).order_by(
        "-finished_at", "-pk").first()
    return plan if plan is not None else make_plan(regency, at)


def make_plan(regency: str, at: datetime.datetime) -> Any:
    """A simple plan for the day, finished at `at`: one post per desa with TPS, two officers per post."""
    from praja.deployment.models import Plan, Post
    from praja.territory.models import TPS

    desas = list(TPS.objects.filter(code__startswith=regency + ".").order_by().values_list(
        "desa_id", "desa__centroid_lat", "desa__centroid_lng").distinct())
    desas.sort()
    number = (Plan.objects.filter(region_id=regency).order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    plan = Plan.objects.create(region_id=regency, number=number, name="Rencana hari pemungutan",
                               status=Plan.Status.DONE, finished_at=at, posts_count=len(desas))
    Post.objects.bulk_create([
        Post(plan=plan, number=i, code=f"P{i:04d}", kecamatan_code=desa.rsplit(".", 1)[0], area_code=desa,
             lat=lat or 0.0, lng=lng or 0.0, cls="aman", police=2, tni=0, linmas=0, tps_count=1, covered=True)
        for i, (desa, lat, lng) in enumerate(desas, start=1)
    ])
    return plan


def day_events(day: datetime.date, regency: str = "35.07", surge: str | None = None, *, seed: int = 27,
               reports: int = 300, surge_reports: int = 40, surge_hour: int = 10, late_share: float = 0.08,
               understrength_share: float = 0.06, silent_share: float = 0.03, report_by: str = "06:30",
               plan: Any = None) -> list[Event]:
    """The day's events in time order. `surge`: the kecamatan that surges (default: the first with TPS), with
    `surge_reports` more reports between `surge_hour`:00 and `surge_hour`:59. Needs the regency's TPS; uses
    the newest finished plan (ensure_plan makes one when there is none)."""
    from praja.deployment.models import Post
    from praja.territory.models import TPS

    rng = random.Random(seed)
    plan = plan or ensure_plan(regency, local(day, 0) - datetime.timedelta(hours=4))
    hh, mm = (int(x) for x in report_by.split(":"))
    deadline = local(day, hh, mm)
    events: list[Event] = []
    for pk, police, tni, linmas in Post.objects.filter(plan=plan).order_by("number").values_list(
            "pk", "police", "tni", "linmas"):
        required = police + tni + linmas
        u = rng.random()
        if u < silent_share:
            continue
        late = u < silent_share + late_share
        at = (deadline + datetime.timedelta(minutes=rng.randint(15, 150)) if late
              else deadline - datetime.timedelta(minutes=rng.randint(1, 75)))
        short = rng.random() < understrength_share and required > 1
        people = rng.randint(1, required - 1) if short else required
        events.append(Event(at, "post", {"post": pk, "people": people, "required": required, "late": late}))
    tps = list(TPS.objects.filter(code__startswith=regency + ".").order_by("code").values_list("code", "desa_id"))
    if not tps:
        return sorted(events, key=lambda e: e.at)
    kecs = sorted({d.rsplit(".", 1)[0] for _c, d in tps})
    surge = surge or kecs[0]
    surge_tps = [t for t in tps if t[1].startswith(surge + ".")] or tps
    total_w = sum(HOUR_CURVE)
    cats = [c for c, _s, _r in CATEGORIES]
    shares = [s for _c, s, _r in CATEGORIES]
    sev = {c: r for c, _s, r in CATEGORIES}

    def report(at: datetime.datetime, pool: list[tuple[str, str]], cat: str | None = None,
               severity: int | None = None) -> Event:
        code, desa = rng.choice(pool)
        cat = cat or rng.choices(cats, shares)[0]
        data: dict[str, Any] = {"tps": code, "region": desa, "category": cat,
                                "severity": severity or rng.choices([1, 2, 3, 4], sev[cat])[0], "title": TITLES[cat]}
        if cat == "netralitas":
            data["subject_kind"] = rng.choice(["kades", "asn", "polri"])
        return Event(at, "report", data)

    for h, w in enumerate(HOUR_CURVE):
        n = round(reports * w / total_w)
        for _i in range(n):
            events.append(report(local(day, h) + datetime.timedelta(seconds=rng.randint(0, 3599)), tps))
    for _i in range(surge_reports):
        at = local(day, surge_hour) + datetime.timedelta(seconds=rng.randint(0, 3599))
        events.append(report(at, surge_tps, rng.choice(["keamanan", "kekerasan", "keamanan", "politik_uang"]),
                             rng.choice([3, 3, 4, 2])))
    events.sort(key=lambda e: (e.at, e.kind))
    return events


def apply(events: Iterable[Event], *, prefix: str = "HP-", day: datetime.date | None = None) -> Summary:
    """Write the events: posts marked manned (at, people), reports created (generated=True, receipts
    `prefix` + number). Returns what was written."""
    from praja.deployment.models import Post
    from praja.reports.models import Report

    evs = list(events)
    summary = Summary(day=day or (timezone.localtime(evs[0].at).date() if evs else timezone.localdate()))
    start = Report.objects.filter(receipt__startswith=prefix).count()
    new: list[Report] = []
    posts: list[Post] = []
    by_pk = {p.pk: p for p in Post.objects.filter(pk__in=[e.data["post"] for e in evs if e.kind == "post"])}
    for e in evs:
        if e.kind == "post":
            p = by_pk[e.data["post"]]
            p.manned_at, p.manned_people = e.at, e.data["people"]
            posts.append(p)
            if e.data["people"] < e.data["required"]:
                summary.understrength += 1
            else:
                summary.manned += 1
            if e.data.get("late"):
                summary.late += 1
        elif e.kind == "report":
            d = e.data
            new.append(Report(
                receipt=f"{prefix}{start + len(new) + 1:06d}", channel="web_petugas", category=d["category"],
                severity=d["severity"], title=d["title"], description=d["title"] + ".", received_at=e.at,
                occurred_at=e.at, region_id=d["region"], tps_id=d["tps"], status="baru", generated=True,
                subject_kind=d.get("subject_kind", ""), after_done_at=e.at,
            ))
            k = d["region"].rsplit(".", 1)[0]
            summary.by_kecamatan[k] = summary.by_kecamatan.get(k, 0) + 1
    Post.objects.bulk_update(posts, ["manned_at", "manned_people"], batch_size=500)
    Report.objects.bulk_create(new, batch_size=500)
    summary.reports = len(new)
    if posts:
        plan_id = posts[0].plan_id
        summary.posts = Post.objects.filter(plan_id=plan_id).count()
        summary.silent = summary.posts - len(posts)
    if summary.by_kecamatan:
        summary.surge = max(summary.by_kecamatan, key=lambda k: summary.by_kecamatan[k])
        summary.surge_reports = summary.by_kecamatan[summary.surge]
    return summary


def fill(day: datetime.date = datetime.date(2024, 11, 27), regency: str = "35.07", surge: str | None = None,
         until: datetime.datetime | None = None, **kwargs: Any) -> Summary:
    """Make and write a voting day (up to `until` when given): the one call tests and the bench use."""
    events = day_events(day, regency, surge, **kwargs)
    if until is not None:
        events = [e for e in events if e.at <= until]
    return apply(events, day=day)
