"""The drill engine: schedule a voting day, play it at a chosen speed, clear it in one step.

    drill = plan_drill(regency="35.07", speed=60, reports=150)   # schedules every event of the day
    tick(drill)                                                  # runs the events whose drill time has come
    clear()                                                      # deletes every drill and all it wrote

The day (default 27-11-2024, 05:30-16:00 local):
- posts of the current deployment plan report manned through the morning, most before the TPS open at 07:00,
  some late, some understrength (fewer officers than the plan's pattern), a few never;
- reports arrive through the one intake path (praja/reports/intake.py) with a curve by hour (peaks at the
  opening, around noon and at the count), by category and by kecamatan; one kecamatan surges in the late morning;
- a neutrality report (a village head directing voters) is routed like a real one;
- a money-politics report is verified and referred to Sentra Gakkumdu;
- a hoax grows on social media through the day: edited copies of one claim (ballot boxes swapped in the
  surging kecamatan; numbers, names and candidates changed) arrive as social posts, more of them and with more
  reach each hour, and go through infowatch's own pipeline (ingest, analysis, narrative grouping), which
  gathers them into one growing narrative matched to the demo's fact-check.
Every report, social post and narrative is tagged with the drill (``Report.drill``, ``Item.drill``,
``Narrative.drill``), dated at the drill's clock on the drill's day, and kept out of every real figure and
page (praja/base/drillctx.py).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from praja.base import audit, drillctx
from praja.ops.models import Drill, DrillEvent, DrillPost

ACTOR = audit.Actor(None, "system:latihan", "", "cli")
# reports per hour of the day (05..15), relative: the opening rush, a late-morning swell, the count
HOUR_CURVE = {5: 1, 6: 3, 7: 9, 8: 8, 9: 6, 10: 6, 11: 7, 12: 6, 13: 8, 14: 7, 15: 5}
# (category, weight, severity, title, description)
STORIES: list[tuple[str, int, int, str, str]] = [
    ("politik_uang", 14, 3, "Pembagian amplop dekat TPS", "Warga melihat amplop dibagikan di dekat TPS pagi ini."),
    ("keamanan", 12, 3, "Kerumunan di sekitar TPS", "Sekelompok orang berkumpul dan berteriak di dekat TPS."),
    ("kekerasan", 4, 4, "Keributan antarpendukung", "Dua kelompok pendukung saling dorong di depan TPS."),
    ("logistik", 14, 2, "Surat suara kurang", "KPPS melaporkan surat suara kurang dari jumlah DPT."),
    ("listrik_internet", 8, 1, "Listrik padam di TPS", "Listrik padam, penghitungan memakai lampu darurat."),
    ("hak_pilih", 14, 2, "Pemilih ditolak mencoblos", "Warga dengan KTP setempat ditolak karena tidak di DPT."),
    ("lokasi_tps", 6, 1, "TPS sulit dijangkau", "Jalan menuju TPS tergenang, lansia kesulitan datang."),
    ("sara", 4, 3, "Spanduk bernada SARA", "Spanduk ajakan tidak memilih karena agama dipasang dekat TPS."),
    ("hoaks", 8, 2, "Pesan berantai TPS dipindah", "Beredar pesan bahwa TPS dipindah ke balai desa lain."),
]
LATE_SHARE = 0.12  # posts that report after the TPS open
UNDERSTRENGTH_SHARE = 0.10
SILENT_SHARE = 0.04  # posts that never report
SURGE_HOURS = (10, 12)  # the surging kecamatan's window
SURGE_SHARE = 0.6  # of the reports in that window
# The hoax of the day: edited copies of one claim ({kec}: the surging kecamatan's name), as people retype it.
HOAX_COPIES = [
    "Kotak suara di gudang PPK {kec} ditukar tengah malam dengan kotak berisi surat suara yang sudah dicoblos "
    "untuk paslon {paslon}. Sebarkan sebelum dihapus!",
    "Kotak suara di gudang PPK {kec} ditukar jam {jam} pagi dengan kotak berisi {n} surat suara yang sudah "
    "dicoblos untuk paslon {paslon}, saksi Pak {nama} melihat sendiri",
    "Info warga: {n} kotak suara di gudang kecamatan {kec} ditukar dengan kotak yang isinya surat suara sudah "
    "dicoblos, Bu {nama} saksinya",
    "VIRAL kotak suara PPK {kec} ditukar semalam, diganti kotak berisi surat suara tercoblos paslon nomor "
    "{paslon}. Pilkada curang!",
    "Beredar lagi: kotak suara di gudang PPK {kec} ditukar subuh tadi dengan kotak berisi surat suara yang sudah "
    "dicoblos untuk paslon {paslon}",
]
HOAX_NAMES = ["Slamet", "Sri", "Joko", "Wati", "Agus", "Ningsih"]
# posts of the hoax per hour (07..15): it grows through the day
HOAX_CURVE = {7: 1, 8: 1, 9: 2, 10: 2, 11: 3, 12: 3, 13: 4, 14: 4, 15: 4}


@dataclass
class Plan:
    reports: int
    posts: int
    surge: str


def _kecamatan(regency: str) -> list[str]:
    from praja.territory.models import Region

    return list(Region.objects.filter(level=Region.Level.KECAMATAN, parent_id=regency).order_by("code")
                .values_list("code", flat=True))


def _tps_by_kecamatan(regency: str) -> dict[str, list[str]]:
    from praja.territory.models import TPS

    out: dict[str, list[str]] = {}
    for code in TPS.objects.filter(code__startswith=regency + ".").values_list("code", flat=True).iterator():
        out.setdefault(code[:8], []).append(code)
    return out


def _at(day: datetime.date, hour: int, rng: random.Random) -> datetime.datetime:
    local = datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60), rng.randrange(60)))
    return timezone.make_aware(local)


def plan_drill(regency: str = "35.07", speed: int = 60, reports: int = 150, seed: int = 2024,
               surge: str = "", user: Any = None, now: datetime.datetime | None = None) -> Drill:
    """A new running drill with every event of its day scheduled."""
    from praja.ops.work import current_plan_of_regency

    rng = random.Random(seed)
    kecs = _kecamatan(regency)
    tps = _tps_by_kecamatan(regency)
    kecs = [k for k in kecs if tps.get(k)]
    if not kecs:
        raise ValueError(f"no TPS in {regency}: load the district first (praja demo)")
    surge = surge if surge in kecs else kecs[0]  # Donomulyo (35.07.01) in the demo district
    with transaction.atomic():
        drill = Drill.objects.create(regency=regency, speed=speed, seed=seed, surge_kecamatan=surge,
                                     started_at=now or timezone.now(), created_by=user)
        events: list[DrillEvent] = []
        hours = list(HOUR_CURVE)
        weights = [HOUR_CURVE[h] for h in hours]
        stories = [s for s in STORIES]
        story_w = [s[1] for s in stories]
        for i in range(reports):
            hour = rng.choices(hours, weights)[0]
            if SURGE_HOURS[0] <= hour <= SURGE_HOURS[1] and rng.random() < SURGE_SHARE:
                kec = surge
            else:
                kec = rng.choice(kecs)
            cat, _w, sev, title, text = rng.choices(stories, story_w)[0]
            code = rng.choice(tps[kec])
            events.append(DrillEvent(drill=drill, at=_at(drill.day, hour, rng), kind=DrillEvent.Kind.REPORT, payload={
                "category": cat, "severity": sev, "title": f"{title} (latihan {i + 1})",
                "description": text, "tps": code}))
        # the neutrality report and the money-politics case that goes to Gakkumdu
        kec = rng.choice(kecs)
        events.append(DrillEvent(drill=drill, at=_at(drill.day, 9, rng), kind=DrillEvent.Kind.REPORT, payload={
            "category": "netralitas", "severity": 3, "title": "Kepala desa mengarahkan pemilih (latihan)",
            "description": "Kepala desa terlihat mengarahkan warga memilih pasangan calon tertentu di TPS.",
            "tps": rng.choice(tps[kec]), "subject_kind": "kades"}))
        events.append(DrillEvent(drill=drill, at=_at(drill.day, 7, rng), kind=DrillEvent.Kind.REPORT, payload={
            "category": "politik_uang", "severity": 4, "title": "Serangan fajar terekam video (latihan)",
            "description": "Video warga memperlihatkan orang membagikan uang dari rumah ke rumah sebelum TPS dibuka.",
            "tps": rng.choice(tps[surge]), "key": "gakkumdu_case"}))
        events.append(DrillEvent(drill=drill, at=_at(drill.day, 9, rng), kind=DrillEvent.Kind.REFER,
                                 payload={"key": "gakkumdu_case"}))
        events += _hoax_events(drill, surge, rng)
        plan = current_plan_of_regency(regency)
        if plan is not None:
            drill.plan = plan
            drill.save(update_fields=["plan"])
            for post in plan.posts.all().only("pk", "police").order_by("number"):
                roll = rng.random()
                if roll < SILENT_SHARE:
                    continue
                late = roll < SILENT_SHARE + LATE_SHARE
                minute = rng.randrange(7 * 60 + 5, 9 * 60) if late else rng.randrange(5 * 60 + 30, 7 * 60)
                at = timezone.make_aware(datetime.datetime.combine(drill.day, datetime.time(minute // 60, minute % 60)))
                people = post.police - 1 if post.police > 1 and rng.random() < UNDERSTRENGTH_SHARE else post.police
                events.append(DrillEvent(drill=drill, at=at, kind=DrillEvent.Kind.POST,
                                         payload={"post": post.pk, "people": people, "required": post.police}))
        DrillEvent.objects.bulk_create(events, batch_size=1000)
    return drill


def _hoax_events(drill: Drill, surge: str, rng: random.Random) -> list[DrillEvent]:
    """The hoax of the day as social posts: more copies each hour, each reaching more people."""
    from praja.territory.models import Region

    kec = Region.objects.filter(code=surge).values_list("name", flat=True).first() or surge
    out = []
    n = 0
    for hour, count in HOAX_CURVE.items():
        for _ in range(count):
            text = HOAX_COPIES[n % len(HOAX_COPIES)].format(
                kec=kec.title(), paslon=rng.choice(["01", "02", "03", "nomor 1", "nomor 2"]), jam=rng.randint(1, 4),
                n=rng.choice([12, 40, 300, 500]), nama=rng.choice(HOAX_NAMES))
            reach = int(rng.randint(100, 1500) * (1 + hour - 7))
            out.append(DrillEvent(drill=drill, at=_at(drill.day, hour, rng), kind=DrillEvent.Kind.SOCIAL, payload={
                "text": text, "author": f"@warga{rng.randint(100, 999)}", "reach": reach, "region": surge}))
            n += 1
    return out


def _report(drill: Drill, ev: DrillEvent) -> str:
    from praja.reports import intake
    from praja.reports.models import Report

    raw = {k: v for k, v in ev.payload.items() if k != "key"}
    raw["occurred_at"] = ev.at.isoformat()
    with drillctx.writing(drill.pk):
        answer = intake.submit(intake.validate(raw), channel="web_petugas")
    Report.objects.filter(pk=answer.report.pk).update(received_at=ev.at)
    return answer.report.receipt


def _refer(drill: Drill, ev: DrillEvent) -> str:
    from praja.accounts.models import Agency
    from praja.reports import handling
    from praja.reports.models import Report

    source = DrillEvent.objects.filter(drill=drill, kind=DrillEvent.Kind.REPORT, done=True,
                                       payload__key=ev.payload.get("key")).first()
    report = Report.objects.filter(drill=drill, receipt=source.result).first() if source else None
    gakkumdu = Agency.objects.filter(kind="gakkumdu", region_id=drill.regency).first() or Agency.objects.filter(
        kind="gakkumdu").first()
    if report is None or gakkumdu is None:
        return "—"
    by = handling.By(user=None, channel="cli")
    with drillctx.writing(drill.pk):
        if report.status == "baru":
            handling.verify(report, by, severity=4, note="Latihan: terverifikasi oleh Bag Ops")
        handling.refer(report, by, "pidana", gakkumdu, note="Latihan: diteruskan ke Sentra Gakkumdu",
                       acknowledge_late=True)
    return report.receipt


def _post(drill: Drill, ev: DrillEvent) -> str:
    p = ev.payload
    DrillPost.objects.update_or_create(drill=drill, post_id=p["post"], defaults={
        "manned_at": ev.at, "people": p["people"], "required": p["required"]})
    return f"pos {p['post']}"


def _social(drill: Drill, ev: DrillEvent) -> str:
    """A social post of the day's hoax through infowatch's pipeline: stored and analysed as an import would be,
    then the narratives regrouped at the drill's clock (the periodic job's work, on the drill's rows only)."""
    from praja.infowatch import services

    p = ev.payload
    with drillctx.writing(drill.pk):
        got = services.ingest(channel="social", text=p["text"], author=p["author"], reach=int(p["reach"]),
                              published_at=ev.at, received_at=ev.at, region_id=p.get("region") or None)
        services.update_narratives(now=ev.at)
        got.item.refresh_from_db(fields=["narrative"])
    return f"butir {got.item.pk}" + (f", narasi {got.item.narrative_id}" if got.item.narrative_id else "")


RUNNERS: dict[str, Callable[[Drill, DrillEvent], str]] = {
    DrillEvent.Kind.REPORT: _report, DrillEvent.Kind.REFER: _refer, DrillEvent.Kind.POST: _post,
    DrillEvent.Kind.SOCIAL: _social}


def tick(drill: Drill, now: datetime.datetime | None = None, limit: int = 500,
         until: datetime.datetime | None = None) -> int:
    """Run the events whose time has come on the drill's clock (or up to `until`: the whole day at once), at
    most `limit`; the drill is done when the last one has run. Returns how many ran."""
    clock = until or drill.clock(now)
    due = list(DrillEvent.objects.filter(drill=drill, done=False, at__lte=clock).order_by("at", "pk")[:limit])
    ran = 0
    with audit.acting_as(ACTOR):
        for ev in due:
            with transaction.atomic():
                # Claimed by one UPDATE: the drill page's poll and the play job may tick at once, and an event
                # runs once (a failed runner rolls the claim back with its writes).
                if not DrillEvent.objects.filter(pk=ev.pk, done=False).update(done=True):
                    continue
                ev.result = RUNNERS[ev.kind](drill, ev)[:200]
                ev.done = True
                ev.save(update_fields=["result"])
                ran += 1
    if not DrillEvent.objects.filter(drill=drill, done=False).exists() and drill.status == Drill.Status.RUNNING:
        drill.status = Drill.Status.DONE
        drill.stopped_clock = drill.end_at()
        drill.save(update_fields=["status", "stopped_clock"])
    return ran


def stop(drill: Drill) -> None:
    drill.stopped_clock = drill.clock()
    drill.status = Drill.Status.STOPPED
    drill.save(update_fields=["status", "stopped_clock"])


def clear() -> int:
    """Delete every drill and everything it wrote (its reports with their timelines, its posts, its events)."""
    from praja.reports.models import Attachment, IdentityRequest, Report, ReportLink, TimelineEntry

    n = Drill.objects.count()
    with transaction.atomic(), audit.acting_as(ACTOR):
        drill_reports = Report.objects.filter(drill__isnull=False)
        TimelineEntry.objects.delete_drill()
        for model in (Attachment, IdentityRequest):
            model.objects.filter(report__in=drill_reports).delete()
        ReportLink.objects.filter(Q(report__in=drill_reports) | Q(other__in=drill_reports)).delete()
        drill_reports.delete()
        Drill.objects.all().delete()
    return n


def current() -> Drill | None:
    """The drill being played (the newest running one), if any."""
    return Drill.objects.filter(status=Drill.Status.RUNNING).order_by("-started_at", "-pk").first()


@dataclass
class Summary:
    drill: Drill
    clock: datetime.datetime
    reports: int
    events_done: int
    events_total: int
    posts_total: int
    posts_reported: int
    posts_understrength: list[DrillPost]
    posts_late: int


def summary(drill: Drill) -> Summary:
    from praja.reports.models import Report

    posts = DrillPost.objects.filter(drill=drill)
    opening = timezone.make_aware(datetime.datetime.combine(drill.day, datetime.time(7, 0)))
    total_posts = drill.plan.posts.count() if drill.plan is not None else 0
    under = [p for p in posts.select_related("post") if p.understrength]
    return Summary(
        drill=drill, clock=drill.clock(), reports=Report.objects.filter(drill=drill).count(),
        events_done=DrillEvent.objects.filter(drill=drill, done=True).count(),
        events_total=DrillEvent.objects.filter(drill=drill).count(),
        posts_total=total_posts, posts_reported=posts.count(), posts_understrength=under[:50],
        posts_late=posts.filter(manned_at__gt=opening).count())


def ensure_plan(regency: str) -> Any:
    """The regency's current deployment plan, planned now (under the default pattern and the suggested pools)
    when it has none: the drill's posts come from it."""
    from praja.deployment import pattern_settings, plan_jobs, regency_pools
    from praja.ops.work import current_plan_of_regency

    plan = current_plan_of_regency(regency)
    if plan is None:
        with audit.acting_as(ACTOR):
            plan = plan_jobs.create_plan(regency, pattern_settings.default_pattern(regency),
                                         pattern_settings.settings_for(regency).to_core(),
                                         regency_pools.snapshot_pools(regency), name="Rencana untuk latihan")
            plan_jobs.run_plan(plan.pk)
        plan.refresh_from_db()
    return plan


def prerecord_voting_day(regency: str = "35.07", reports: int = 300) -> str:
    """The demo's voting day: the whole of 27-11-2024 played at once as a drill (once; kept until cleared)."""
    if Drill.objects.exists():
        return "Hari-H latihan sudah ada / the drill voting day is already there (praja latihan hapus to clear)."
    ensure_plan(regency)
    drill = plan_drill(regency=regency, reports=reports)
    tick(drill, until=drill.end_at(), limit=100_000)
    s = summary(drill)
    return (f"Hari-H 27-11-2024 direkam sebagai latihan #{drill.pk} / voting day recorded as drill: "
            f"{s.reports} laporan, {s.posts_reported}/{s.posts_total} pos terisi. "
            "Pilih 'Lihat data latihan' di spanduk LATIHAN.")
