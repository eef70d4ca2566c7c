"""A plan as a job (praja/jobs.py): created with its inputs snapshotted, queued, planned as one pure task per
regency, then its posts and TPS rows stored.

- `create_plan(...)`, `submit(plan)`, `run_plan(plan_id)`: a plan created, queued and run.
- `build_inputs(plan)`: the TPS the plan plans; `tps_classes(region)`: the class of every TPS, read through
  the risk app's service function (a TPS without a score counts as aman).
- `plan_lost(plan_id, requeued)`, `stale(plan)`: a plan whose worker went away.

Status and totals are saved through the model (audited by its signals); the posts and TPS rows are bulk-written
with one `audit.record` summary.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from praja import jobs
from praja.base import audit
from praja.deployment import tasks
from praja.deployment.models import Pattern, Plan, PlanTPS, Post
from praja.deployment.solver import CLASSES, TPS, Settings
from praja.deployment.solver import Pattern as CorePattern
from praja.deployment.solver import Plan as CorePlan
from praja.deployment.solver import Pool as CorePool
from praja.territory.models import TPS as TPSRow
from praja.territory.models import Region

log = logging.getLogger("praja.deployment")
FALLBACK_CLASS = "aman"


def _within(field: str, code: str) -> Q:
    if not code:
        return Q()
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."}) | Q(**{f"{field}__startswith": code + "/"})


# --- TPS classes (through the risk app) ---------------------------------------------------------------------


def tps_classes(region_code: str) -> dict[str, str]:
    """{tps code: class} of the TPS scored by the risk app (`praja.risk.services.tps_classes`); {} when the
    risk app is not installed. Callers count a TPS that is absent as aman."""
    from django.apps import apps

    if not apps.is_installed("praja.risk"):
        return {}
    try:
        from praja.risk.services import tps_classes as risk_tps_classes
    except ImportError:  # an older risk app without the service function
        return {}
    return {k: v for k, v in risk_tps_classes(region_code).items() if v in CLASSES}


@transaction.atomic
def create_plan(
    region_code: str,
    pattern: Pattern,
    settings: Settings,
    pools: Sequence[dict[str, Any]],
    *,
    name: str = "",
    parent: Plan | None = None,
    user: Any = None,
) -> Plan:
    """A queued plan with its inputs snapshotted (pattern, settings, pools); run it with `submit`."""
    last = Plan.objects.filter(region_id=region_code or None).aggregate(n=Max("number"))["n"] or 0
    return Plan.objects.create(
        region_id=region_code or None,
        number=last + 1,
        name=name,
        parent=parent,
        pattern=pattern,
        pattern_snapshot={**pattern.to_core().as_dict(), "id": pattern.pk},
        settings_snapshot=tasks.settings_to_dict(settings),
        pools_snapshot=list(pools),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def progress_key(plan: Plan | int) -> str:
    return f"deployment.plan:{plan if isinstance(plan, int) else plan.pk}"


def submit(plan: Plan) -> jobs.Job:
    """Queue the plan: in-process by default, its regencies on Celery workers when configured."""
    return jobs.submit("deployment.run_plan", plan.pk, progress_key=progress_key(plan))


@dataclass
class Inputs:
    """What a plan plans: TPS per regency, and the rows stored with the plan."""

    by_regency: dict[str, list[TPS]]
    rows: list[PlanTPS]
    at_centroid: int
    generated: int
    scored: int
    unlocated: list[str]


def build_inputs(plan: Plan) -> Inputs:
    """The TPS of the plan's region as the solver sees them: class from the risk app (aman if unscored),
    coordinates, else the desa's centroid (else the kecamatan's), counted."""
    region = plan.region_id or ""
    classes = tps_classes(region)
    centroid: dict[str, tuple[float | None, float | None]] = {}
    regions_qs = Region.objects.filter(level__in=[3, 4])
    if region:
        regions_qs = regions_qs.filter(code__startswith=region + ".")
    for code, lat, lng in regions_qs.values_list("code", "centroid_lat", "centroid_lng"):
        centroid[code] = (lat, lng)
    qs = TPSRow.objects.all() if not region else TPSRow.objects.filter(_within("code", region))
    by_regency: dict[str, list[TPS]] = {}
    rows: list[PlanTPS] = []
    at_centroid = generated = scored = 0
    unlocated: list[str] = []
    fields = ("code", "desa_id", "voters", "address", "lat", "lng", "voters_generated", "location_generated")
    for code, desa, voters, address, lat, lng, vgen, lgen in qs.order_by("code").values_list(*fields).iterator(
        chunk_size=5000
    ):
        kec = desa[:8]
        moved = False
        if lat is None or lng is None:
            lat, lng = centroid.get(desa, (None, None))
            if lat is None or lng is None:
                lat, lng = centroid.get(kec, (None, None))
            moved = True
        if lat is None or lng is None:
            unlocated.append(code)
            continue
        cls = classes.get(code)
        scored += cls is not None
        cls = cls or FALLBACK_CLASS
        at_centroid += moved
        generated += bool(vgen or lgen)
        by_regency.setdefault(code[:5], []).append(TPS(code, desa, kec, cls, voters, float(lat), float(lng)))
        rows.append(PlanTPS(plan=plan, code=code, desa_code=desa, kecamatan_code=kec, cls=cls, voters=voters,
                            address=address[:255], lat=float(lat), lng=float(lng), at_centroid=moved,
                            generated=bool(vgen or lgen)))
    return Inputs(by_regency, rows, at_centroid, generated, scored, unlocated)


def _set_progress(plan_id: int, done: int, total: int, unit: str) -> None:
    Plan.objects.filter(pk=plan_id).update(progress_done=done, progress_total=total, progress_unit=unit)
    jobs.report(done, total, unit)


def run_plan(plan_id: int, on_progress: jobs.OnProgress | None = None) -> dict[str, Any]:
    """Plan a stored plan: one pure task per regency (in-process or on Celery), then store the posts.
    Status and totals are saved (audited); the posts and TPS rows are bulk-written with one summary."""
    plan = Plan.objects.select_related("region").get(pk=plan_id)
    plan.status = Plan.Status.RUNNING
    plan.started_at = timezone.now()
    plan.error = ""
    plan.backend = "celery" if jobs.uses_celery() else "in-process"
    with audit.acting_as(audit.current_actor() or audit.system_actor("deployment plan")):
        plan.save(update_fields=["status", "started_at", "error", "backend"])
        try:
            return _run(plan, on_progress)
        except Exception as exc:
            log.exception("plan %s failed", plan_id)
            plan.status = Plan.Status.FAILED
            plan.error = str(exc)[:2000] or exc.__class__.__name__
            plan.finished_at = timezone.now()
            plan.save(update_fields=["status", "error", "finished_at"])
            raise


def _run(plan: Plan, on_progress: jobs.OnProgress | None) -> dict[str, Any]:
    inputs = build_inputs(plan)
    if not inputs.rows:
        raise ValueError(_("Tidak ada TPS di wilayah rencana ini."))
    pattern = CorePattern.from_dict(plan.pattern_snapshot)
    settings = tasks.settings_from_dict(plan.settings_snapshot)
    pools_by_regency: dict[str, list[CorePool]] = {}
    for d in plan.pools_snapshot:
        pools_by_regency.setdefault(str(d.get("regency", "")), []).append(tasks.pool_from_dict(d))
    payloads = [
        tasks.make_payload(reg, tps, pools_by_regency.get(reg, []), pattern, settings)
        for reg, tps in sorted(inputs.by_regency.items())
    ]

    def progress(done: int, total: int, unit: str) -> None:
        _set_progress(plan.pk, done, total, unit)
        if on_progress is not None:
            on_progress(done, total, unit)

    results, totals = tasks.plan_many(payloads, on_progress=progress)
    with transaction.atomic():
        # a re-run replaces what an earlier run stored (normally nothing: a run stores all or nothing);
        # rows go without per-row signals, and one summary is logged
        old_rows = PlanTPS.objects.filter(plan=plan)
        old_posts = Post.objects.filter(plan=plan)
        replaced = {"tps_rows": old_rows._raw_delete(old_rows.db), "posts": old_posts._raw_delete(old_posts.db)}
        if any(replaced.values()):
            audit.record("replace", "deployment.post", str(plan.pk), plan.region_code, replaced)
        n_posts = _store_posts(plan, [tasks.plan_from_dict(r) for r in results], inputs.rows)
        for k in ("officers", "officers_lower_bound", "bound_name", "bounds", "soldiers", "linmas", "km_total",
                  "km_max", "uncovered_by_class", "shortfall", "bko_needed", "bko_used", "bko_cost", "reserve",
                  "reserve_required", "seconds", "solver_seconds", "regencies"):
            setattr(plan, k, totals[k])
        plan.stats = _sum_stats(results)
        plan.tps_count = len(inputs.rows)
        plan.posts_count = n_posts
        plan.tps_at_centroid = inputs.at_centroid
        plan.tps_generated = inputs.generated
        plan.classes_from_risk = inputs.scored > 0
        plan.status = Plan.Status.DONE
        plan.finished_at = timezone.now()
        plan.hand_edited = False
        plan.violations = None
        plan.checked_at = None
        plan.progress_done = plan.progress_total = len(payloads)
        plan.progress_unit = "kabupaten/kota"
        plan.save()
        audit.record(
            "plan", "deployment.post", str(plan.pk), plan.region_code,
            {"posts": n_posts, "tps": len(inputs.rows), "officers": plan.officers,
             "lower_bound": plan.officers_lower_bound, "unlocated": len(inputs.unlocated)},
        )
    return totals


def _sum_stats(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in results:
        for k, v in (r.get("stats") or {}).items():
            out[k] = out.get(k, 0) + int(v)
    return dict(sorted(out.items()))


def _store_posts(plan: Plan, plans: Sequence[CorePlan], rows: list[PlanTPS]) -> int:
    core_posts = sorted((p for cp in plans for p in cp.posts), key=lambda p: (p.kecamatan_code, p.id))
    posts = [
        Post(plan=plan, number=i, code=p.id, kecamatan_code=p.kecamatan_code, area_code=p.area_code, lat=p.lat,
             lng=p.lng, cls=p.cls, police=p.police, tni=p.tni, linmas=p.linmas, pool=p.pool or "", km=p.km,
             tni_pool=p.tni_pool or "", tni_km=p.tni_km, tps_count=len(p.tps), covered=p.covered)
        for i, p in enumerate(core_posts, start=1)
    ]
    Post.objects.bulk_create(posts, batch_size=1000)
    ids = dict(Post.objects.filter(plan=plan).values_list("code", "pk"))
    post_of = {code: ids[p.id] for p in core_posts for code in p.tps}
    for r in rows:
        r.post_id = post_of.get(r.code)
    PlanTPS.objects.bulk_create(rows, batch_size=2000)
    return len(posts)


def plan_lost(plan_id: int, requeued: bool) -> None:
    """The worker running the plan died (praja/jobqueue): the plan waits for its next run, or has failed with
    a re-run offered (the plan page's "Jalankan ulang")."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None or plan.status == Plan.Status.DONE:
        return
    with audit.acting_as(audit.current_actor() or audit.system_actor("deployment plan")):
        if requeued:
            plan.status = Plan.Status.QUEUED
            plan.progress_done = plan.progress_total = 0
            plan.save(update_fields=["status", "progress_done", "progress_total"])
        else:
            plan.status = Plan.Status.FAILED
            plan.error = str(_("Proses yang menjalankan rencana ini berhenti (server dimulai ulang). "
                               "Jalankan ulang rencana ini."))
            plan.finished_at = timezone.now()
            plan.save(update_fields=["status", "error", "finished_at"])


def stale(plan: Plan, minutes: int = 15) -> bool:
    """A queued or running plan whose job stopped reporting (the process that ran it went away). A plan in
    the durable queue is never stale: the queue itself settles a job whose worker died (praja/jobqueue)."""
    if plan.is_finished:
        return False
    from praja.jobqueue.models import Job

    if Job.objects.filter(key=progress_key(plan), state__in=[Job.State.QUEUED, Job.State.RUNNING]).exists():
        return False
    p = jobs.progress(progress_key(plan))
    last = p.at if p else (plan.started_at or plan.created_at).timestamp()
    return timezone.now().timestamp() - last > minutes * 60
