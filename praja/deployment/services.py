"""The deployment app's service functions: everything the pages, the API and the command line change.

- `ensure_presets()`: the core's named patterns (DOMAIN.md section 1) as national Pattern rows.
- `settings_for(region)`, `default_pattern(region)`: a district's settings, defaults from settings.PRAJA.
- `ensure_pools(regency)`, `load_demo_pools(regency)`: a district's pools, first drawn from its Polsek,
  Koramil, Polres and Kodim (numbers suggested and marked as examples until the district sets them).
- `tps_classes(region)`: the class of every TPS, read through the risk app's service function; a TPS
  without a score counts as aman.
- `create_plan(...)`, `submit(plan)`, `run_plan(plan_id)`: a plan as a job (praja/jobs.py), one pure
  task per regency, then the posts stored.
- `move_tps`, `edit_post`, `recheck`: hand edits and the core's check() on the edited plan.
- `compare(a, b, scope)`, `document(plan, scope)`: the comparison per kecamatan and what the exports print.

Writes by a person are audited by the model signals; bulk writes (posts, TPS rows) add one
`audit.record` summary each.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from praja import jobs
from praja.base import audit
from praja.base.scope import Scope
from praja.deployment import tasks
from praja.deployment.models import (
    CLASS_LABELS,
    Pattern,
    Plan,
    PlanSettings,
    PlanTPS,
    Pool,
    Post,
    default_pattern_key,
)
from praja.deployment.solver import (
    CLASSES,
    PRESETS,
    TPS,
    Settings,
    check,
)
from praja.deployment.solver import Pattern as CorePattern
from praja.deployment.solver import Plan as CorePlan
from praja.deployment.solver import Pool as CorePool
from praja.deployment.solver import Post as CorePost
from praja.deployment.solver_plan import STRICTNESS
from praja.territory.models import TPS as TPSRow
from praja.territory.models import Jurisdiction, Region

log = logging.getLogger("praja.deployment")
_CHUNK = 900  # stays under SQLite's bound on query parameters
FALLBACK_CLASS = "aman"


def _actor(command: str) -> audit.Actor:
    return audit.current_actor() or audit.system_actor(command)


def _within(field: str, code: str) -> Q:
    if not code:
        return Q()
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."}) | Q(**{f"{field}__startswith": code + "/"})


# --- patterns and settings ----------------------------------------------------------------------------------

PRESET_NAMES = {
    "polres_malang_2024": "Polres Malang 2024",
    "mabes_2019": "Mabes Polri 2019",
    "sleman_2024": "Polresta Sleman 2024",
    "manggarai_2024": "Polres Manggarai 2024",
    "pagar_alam_2024": "Polres Pagar Alam 2024",
}


def classes_of(p: CorePattern) -> dict[str, dict[str, int]]:
    d = p.as_dict()
    return {c: d[c] for c in CLASSES}


def ensure_presets() -> int:
    """The core's presets as national Pattern rows (idempotent); returns how many were written."""
    have = {p.preset_key: p for p in Pattern.objects.filter(region__isnull=True).exclude(preset_key="")}
    written = 0
    with audit.acting_as(audit.system_actor("deployment presets")):
        for key, core in PRESETS.items():
            row = have.get(key)
            classes = classes_of(core)
            if row is None:
                Pattern.objects.create(name=PRESET_NAMES.get(key, key), preset_key=key, source=core.source,
                                       classes=classes)
                written += 1
            elif row.classes != classes or row.source != core.source:
                row.classes, row.source = classes, core.source
                row.save()
                written += 1
    return written


def patterns_for(region_code: str) -> QuerySet[Pattern]:
    """Presets and the patterns of this region and the regions above it."""
    ensure_presets()
    codes = _ancestors_and_self(region_code)
    return Pattern.objects.filter(Q(region__isnull=True) | Q(region_id__in=codes)).order_by(
        "region_id", "name"
    )


def _ancestors_and_self(code: str) -> list[str]:
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def settings_for(region_code: str) -> PlanSettings:
    """The district's settings (the nearest region up that has some), or unsaved defaults."""
    codes = _ancestors_and_self(region_code)
    found = {s.region_id: s for s in PlanSettings.objects.filter(region_id__in=codes).select_related("pattern")}
    for c in reversed(codes):
        if c in found:
            return found[c]
    return PlanSettings(region_id=region_code) if region_code else PlanSettings()


def default_pattern(region_code: str) -> Pattern:
    s = settings_for(region_code)
    if s.pattern_id and s.pattern is not None:
        return s.pattern
    ensure_presets()
    p = Pattern.objects.filter(region__isnull=True, preset_key=default_pattern_key()).first()
    if p is None:  # a settings.PRAJA key naming no preset
        p = Pattern.objects.get(region__isnull=True, preset_key="polres_malang_2024")
    return p


def save_settings(region_code: str, walking_km: float, area: str, reserve_share: float,
                  pattern: Pattern | None) -> PlanSettings:
    s, _created = PlanSettings.objects.get_or_create(region_id=region_code)
    if (s.walking_km, s.area, s.reserve_share, s.pattern_id) != (
        walking_km, area, reserve_share, pattern.pk if pattern else None
    ):
        s.walking_km, s.area, s.reserve_share, s.pattern = walking_km, area, reserve_share, pattern
        s.save()
    return s


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


# --- pools --------------------------------------------------------------------------------------------------

# Suggested strength of a unit when a district has not entered its own yet (marked "angka contoh"):
# a Polsek a few dozen people; the Polres reserve; a Koramil a dozen soldiers (DOMAIN.md section 5:
# 447 TNI in Kabupaten Malang); a Brimob BKO company.
SUGGESTED = {
    "polsek": (10, 0.3),
    "koramil": (5, 0.1),
    "polres": (50, 0.1),
    "kodim": (20, 0.02),
}
SUGGESTED_BKO = 200


def _suggest(role: str, tps: int) -> int:
    base, per = SUGGESTED[role]
    return base + round(per * tps)


def _kecamatan_of(regency_code: str) -> dict[str, Region]:
    return {
        r.code: r
        for r in Region.objects.filter(level=Region.Level.KECAMATAN, code__startswith=regency_code + ".")
    }


def _tps_per_kecamatan(regency_code: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for code in TPSRow.objects.filter(code__startswith=regency_code + ".").values_list("code", flat=True):
        out[code[:8]] = out.get(code[:8], 0) + 1
    return out


def ensure_pools(regency_code: str) -> list[Pool]:
    """The regency's pools; when it has none yet, one per Polsek and Koramil covering its kecamatan, a
    reserve per Polres and Kodim, and a BKO pool, with suggested numbers marked as examples."""
    existing = list(Pool.objects.filter(region_id=regency_code).prefetch_related("kecamatan"))
    if existing:
        return existing
    regency = Region.objects.filter(code=regency_code, level=Region.Level.KABUPATEN).first()
    if regency is None:
        return []
    kecs = _kecamatan_of(regency_code)
    per_kec = _tps_per_kecamatan(regency_code)
    made: list[Pool] = []
    jurisdictions = (
        Jurisdiction.objects.filter(kecamatan__code__in=list(kecs)).distinct().prefetch_related("kecamatan")
        .order_by("kind", "name")
    )
    for j in jurisdictions:
        served = sorted(k.code for k in j.kecamatan.all() if k.code in kecs)
        if not served:
            continue
        lat, lng = j.hq_lat, j.hq_lng
        if lat is None or lng is None:
            pts = [(kecs[k].centroid_lat, kecs[k].centroid_lng) for k in served
                   if kecs[k].centroid_lat is not None and kecs[k].centroid_lng is not None]
            if not pts:
                pts = [(regency.centroid_lat, regency.centroid_lng)] if regency.centroid_lat is not None else []
            if not pts:
                continue
            lat = round(sum(p[0] for p in pts if p[0] is not None) / len(pts), 6)
            lng = round(sum(p[1] for p in pts if p[1] is not None) / len(pts), 6)
        kind = "tni" if j.kind in ("kodim", "koramil") else "polri"
        tps = sum(per_kec.get(k, 0) for k in served)
        pool = Pool.objects.create(
            region=regency, unit=j.name if j.kind in ("polsek", "koramil") else f"{_('Cadangan')} {j.name}",
            kind=kind, role=j.kind, jurisdiction=j, lat=lat, lng=lng, available=_suggest(j.kind, tps),
            generated=True,
        )
        pool.kecamatan.set([kecs[k] for k in served])
        made.append(pool)
    if made and regency.centroid_lat is not None and regency.centroid_lng is not None:
        bko = Pool.objects.create(
            region=regency, unit="BKO Brimob Polda", kind="polri", role=Pool.Role.BKO,
            lat=regency.centroid_lat, lng=regency.centroid_lng, available=SUGGESTED_BKO, cost_per_person=1.0,
            generated=True,
        )
        made.append(bko)
    return made


def load_demo_pools(regency_code: str = "35.07") -> int:
    """The demo district's pools (suggested numbers, marked as examples) and the preset patterns."""
    with audit.acting_as(_actor("deployment demo")):
        ensure_presets()
        before = Pool.objects.filter(region_id=regency_code).count()
        pools = ensure_pools(regency_code)
        if len(pools) > before:
            audit.record("demo_pools", "deployment.pool", regency_code, regency_code,
                         {"pools": len(pools) - before, "people": sum(p.available for p in pools)})
    return len(pools)


def pool_to_core(p: Pool, available: int | None = None) -> CorePool:
    return CorePool(
        unit=p.unit, kind=p.kind, lat=p.lat, lng=p.lng,
        available=p.available if available is None else available,
        kecamatan_codes=frozenset(k.code for k in p.kecamatan.all()),
        cost_per_person=p.cost_per_person, bko=p.bko,
    )


def pool_snapshot(p: Pool, available: int | None = None) -> dict[str, Any]:
    d = tasks.pool_to_dict(pool_to_core(p, available))
    d.update({"id": p.pk, "role": p.role, "regency": p.region_id, "generated": p.generated})
    return d


def regencies_of(region_code: str) -> list[str]:
    """The regencies a plan of this region covers that hold TPS ('' = the whole country)."""
    if region_code and len(region_code.split(".")) >= 2:
        return [region_code[:5]]
    qs = TPSRow.objects.all() if not region_code else TPSRow.objects.filter(code__startswith=region_code + ".")
    return sorted({c[:5] for c in qs.order_by().values_list("desa__parent__parent_id", flat=True).distinct() if c})


# --- plans --------------------------------------------------------------------------------------------------


def visible_plans(scope: Scope) -> QuerySet[Plan]:
    """Plans of a region inside the scope or enclosing part of it (a Polsek sees its regency's plans,
    and in them only its own posts); nationwide plans only for a national scope."""
    qs = Plan.objects.select_related("region", "pattern", "created_by")
    if scope.national:
        return qs
    return qs.filter(region__isnull=False).filter(scope.q_reaching("region__code"))


def visible_posts(plan: Plan, scope: Scope) -> QuerySet[Post]:
    qs = Post.objects.filter(plan=plan)
    if scope.national:
        return qs
    return qs.filter(scope.q("kecamatan_code") | scope.q("area_code"))


def visible_plan_tps(plan: Plan, scope: Scope) -> QuerySet[PlanTPS]:
    qs = PlanTPS.objects.filter(plan=plan)
    return qs if scope.national else qs.filter(scope.q("code"))


def covers_whole_plan(plan: Plan, scope: Scope) -> bool:
    return scope.national or (bool(plan.region_id) and scope.covers(plan.region_id or ""))


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


def snapshot_pools(region_code: str, overrides: dict[int, tuple[int, bool]] | None = None) -> list[dict[str, Any]]:
    """The active pools of the regencies a plan covers; `overrides` {pool id: (available, active)}."""
    overrides = overrides or {}
    out: list[dict[str, Any]] = []
    for reg in regencies_of(region_code):
        for p in ensure_pools(reg):
            available, active = overrides.get(p.pk, (p.available, p.active))
            if active:
                out.append(pool_snapshot(p, available))
    return out


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
    with audit.acting_as(_actor("deployment plan")):
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
    with audit.acting_as(_actor("deployment plan")):
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


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_name(plan: Plan, fmt: str, kecamatan: str | None = None) -> str:
    from django.utils.text import slugify

    name = slugify(f"rencana-pengamanan-{plan.region_code or 'ID'}-v{plan.number}").replace("-", "_")
    if kecamatan:
        name += f"_{kecamatan.replace('.', '')}"
    return f"{name}.{fmt}"


def export_key(plan: Plan | int, fmt: str, kecamatan: str | None, user_id: int | None) -> str:
    pk = plan if isinstance(plan, int) else plan.pk
    return f"deployment.export:{pk}:{fmt}:{kecamatan or ''}:{user_id or ''}"


def export_file(plan_id: int, fmt: str, kecamatan: str | None, user_id: int | None) -> dict[str, Any]:
    """The XLSX or PDF of a plan as the user `user_id` sees it, kept as the running job's file."""
    from django.contrib.auth import get_user_model

    from praja.base.access import scope_for
    from praja.deployment import exports

    if fmt not in EXPORT_TYPES:
        raise ValueError(fmt)
    plan = Plan.objects.select_related("region").get(pk=plan_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    jobs.report(0, 3, str(_("langkah")))
    doc = document(plan, scope_for(user), kecamatan)
    jobs.report(1, 3, str(_("langkah")))
    body = exports.to_xlsx(doc) if fmt == "xlsx" else exports.to_pdf(doc)
    jobs.report(2, 3, str(_("langkah")))
    out = jobs.save_file(export_name(plan, fmt, kecamatan), EXPORT_TYPES[fmt], body)
    jobs.report(3, 3, str(_("langkah")))
    return out


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


# --- hand edits and re-check --------------------------------------------------------------------------------


def _post_class(classes: Iterable[str]) -> str:
    present = set(classes)
    return next((c for c in STRICTNESS if c in present), FALLBACK_CLASS)


def _refresh_post(post: Post) -> None:
    classes = list(post.tps_rows.values_list("cls", flat=True))
    post.tps_count = len(classes)
    post.cls = _post_class(classes)


@transaction.atomic
def move_tps(plan: Plan, row: PlanTPS, target: Post) -> Post | None:
    """Move one TPS to another post of the plan; the post it leaves is removed when empty (returned
    otherwise). Both posts are marked edited by hand; the plan must be re-checked."""
    if target.plan_id != plan.pk or row.plan_id != plan.pk:
        raise ValueError("post and TPS of another plan")
    source = row.post
    if source is not None and source.pk == target.pk:
        return source
    row.post = target
    row.save(update_fields=["post"])
    _refresh_post(target)
    target.edited_by_hand = True
    target.save()
    left: Post | None = None
    if source is not None:
        _refresh_post(source)
        if source.tps_count == 0:
            source.delete()
        else:
            source.edited_by_hand = True
            source.save()
            left = source
    _after_edit(plan)
    return left


@transaction.atomic
def edit_post(plan: Plan, post: Post, police: int, tni: int, linmas: int) -> None:
    if (post.police, post.tni, post.linmas) == (police, tni, linmas):
        return
    post.police, post.tni, post.linmas = police, tni, linmas
    post.edited_by_hand = True
    post.save()
    _after_edit(plan)


def _after_edit(plan: Plan) -> None:
    plan.hand_edited = True
    plan.violations = None
    plan.checked_at = None
    _retotal(plan)
    plan.save()


def _retotal(plan: Plan) -> None:
    """The plan's totals from its posts after hand edits (the lower bound depends on the input only)."""
    agg = Post.objects.filter(plan=plan).aggregate(
        officers=Sum("police"), soldiers=Sum("tni"), linmas=Sum("linmas"), n=Max("number")
    )
    plan.officers = agg["officers"] or 0
    plan.soldiers = agg["soldiers"] or 0
    plan.linmas = agg["linmas"] or 0
    plan.posts_count = Post.objects.filter(plan=plan).count()
    uncovered = dict.fromkeys(CLASSES, 0)
    for cls, covered in PlanTPS.objects.filter(plan=plan).values_list("cls", "post__covered"):
        if not covered:
            uncovered[cls] += 1
    plan.uncovered_by_class = uncovered


def core_inputs(plan: Plan) -> tuple[list[TPS], CorePattern, Settings, list[CorePool]]:
    rows = PlanTPS.objects.filter(plan=plan).order_by("code")
    tps = [TPS(r.code, r.desa_code, r.kecamatan_code, r.cls, r.voters, r.lat, r.lng) for r in rows]
    return (tps, CorePattern.from_dict(plan.pattern_snapshot), tasks.settings_from_dict(plan.settings_snapshot),
            [tasks.pool_from_dict(d) for d in plan.pools_snapshot])


def core_plan(plan: Plan) -> CorePlan:
    """The stored plan (with its hand edits) as the core's Plan, for check()."""
    members: dict[int, list[str]] = {}
    for post_id, code in PlanTPS.objects.filter(plan=plan, post__isnull=False).values_list("post_id", "code"):
        members.setdefault(post_id, []).append(code)
    posts = [
        CorePost(id=p.code, lat=p.lat, lng=p.lng, tps=tuple(sorted(members.get(p.pk, []))), cls=p.cls,
                 police=p.police, tni=p.tni, linmas=p.linmas, area_code=p.area_code, kecamatan_code=p.kecamatan_code,
                 pool=p.pool or None, km=p.km, tni_pool=p.tni_pool or None, tni_km=p.tni_km)
        for p in Post.objects.filter(plan=plan).order_by("number")
    ]
    return CorePlan(
        posts=posts, tps=plan.tps_count, officers=plan.officers, officers_lower_bound=plan.officers_lower_bound,
        bound_name=plan.bound_name, soldiers=plan.soldiers, linmas=plan.linmas, km_total=plan.km_total,
        km_max=plan.km_max, uncovered_by_class=dict(plan.uncovered_by_class), shortfall={},
        bko_needed=plan.bko_needed, bko_used=plan.bko_used, bko_cost=plan.bko_cost, reserve=plan.reserve,
        reserve_required=plan.reserve_required, seconds=plan.seconds,
    )


def recheck(plan: Plan) -> list[str]:
    """Run the core's check() on the plan as it now stands (hand edits included); store and return
    the violations ([] for a valid plan). Post ids in the messages become post numbers."""
    with transaction.atomic():
        _retotal(plan)
        # km totals from the posts (a post's km stays valid: its place does not move)
        legs = list(Post.objects.filter(plan=plan).exclude(pool="").values_list("km", flat=True)) + list(
            Post.objects.filter(plan=plan).exclude(tni_pool="").values_list("tni_km", flat=True)
        )
        plan.km_total = round(sum(legs), 3)
        plan.km_max = round(max(legs, default=0.0), 3)
        tps, pattern, settings, pools = core_inputs(plan)
        problems = check(core_plan(plan), tps, pattern, settings, pools)
        numbers = dict(Post.objects.filter(plan=plan).values_list("code", "number"))
        plan.violations = [_number_posts(p, numbers) for p in problems]
        plan.checked_at = timezone.now()
        plan.save()
    return list(plan.violations)


def _number_posts(message: str, numbers: dict[str, int]) -> str:
    if message.startswith("post "):
        code, sep, rest = message[5:].partition(": ")
        if sep and code in numbers:
            return f"Pos {numbers[code]} ({code}): {rest}"
    return message


_VIOLATIONS: list[tuple[str, str]] = [
    (r"^(?P<n>\d+) TPS, more than the cap (?P<cap>\d+) of its strictest class$",
     gettext_noop("%(n)s TPS, melebihi batas %(cap)s TPS kelas terketatnya")),
    (r"^(?P<n>\d+) police, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s Polri, pola mensyaratkan %(m)s")),
    (r"^(?P<n>\d+) TNI, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s TNI, pola mensyaratkan %(m)s")),
    (r"^(?P<n>\d+) Linmas, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s Linmas, pola mensyaratkan %(m)s")),
    (r"^TPS (?P<code>\S+) is (?P<d>[\d.]+) km away, beyond (?P<w>[\d.]+) km$",
     gettext_noop("TPS %(code)s berjarak %(d)s km dari pos, melebihi %(w)s km")),
    (r"^crosses (?P<area>desa|kecamatan) (?P<codes>.+)$", gettext_noop("melintasi %(area)s %(codes)s")),
    (r"^TPS (?P<code>\S+) is also in post (?P<other>\S+)$", gettext_noop("TPS %(code)s juga ada di pos %(other)s")),
    (r"^in no post$", gettext_noop("tidak dijaga pos mana pun")),
    (r"^has no TPS$", gettext_noop("tidak berisi TPS")),
    (r"^(?P<used>\d+) people sent, it can deploy (?P<n>\d+) \((?P<a>\d+) less the reserve share\)$",
     gettext_noop("%(used)s personel dikirim, satuan hanya dapat mengerahkan %(n)s (%(a)s dikurangi cadangan)")),
    (r"^(?P<n>\d+) officers, below the proven lower bound (?P<lb>\d+)$",
     gettext_noop("%(n)s Polri, di bawah batas bawah yang terbukti (%(lb)s)")),
]


def violation_text(message: str) -> str:
    """A check() message ("Pos 3 (...): 1 police, the pattern needs 2") in the interface language."""
    import re

    head, sep, rest = message.rpartition(": ")
    if not sep:
        return message
    where = {"plan": _("rencana")}.get(head, head)
    if where.startswith("pool "):
        where = _("satuan") + where[4:]
    for pattern, text in _VIOLATIONS:
        m = re.match(pattern, rest)
        if m:
            return f"{where}: {_(text) % m.groupdict()}"
    return f"{where}: {rest}"


# --- comparison ---------------------------------------------------------------------------------------------


@dataclass
class CompareRow:
    kecamatan: str
    name: str
    a: dict[str, float]
    b: dict[str, float]

    def diff(self, key: str) -> float:
        return self.b.get(key, 0) - self.a.get(key, 0)


def per_kecamatan(plan: Plan, scope: Scope) -> dict[str, dict[str, float]]:
    """Officers, TNI, posts, TPS, km and uncovered TPS of a plan per kecamatan (inside the scope)."""
    out: dict[str, dict[str, float]] = {}
    posts = visible_posts(plan, scope).values("kecamatan_code").annotate(
        officers=Sum("police"), soldiers=Sum("tni"), linmas=Sum("linmas"), km=Sum("km"), tps=Sum("tps_count"),
    )
    for r in posts:
        out[r["kecamatan_code"]] = {"officers": r["officers"] or 0, "soldiers": r["soldiers"] or 0,
                                    "linmas": r["linmas"] or 0, "km": round(r["km"] or 0.0, 2),
                                    "tps": r["tps"] or 0, "posts": 0, "uncovered": 0}
    for kec, n in _count_by(visible_posts(plan, scope), "kecamatan_code").items():
        out.setdefault(kec, {}).update(posts=n)
    uncovered = visible_plan_tps(plan, scope).filter(Q(post__isnull=True) | Q(post__covered=False))
    for kec, n in _count_by(uncovered, "kecamatan_code").items():
        out.setdefault(kec, {}).update(uncovered=n)
    return out


def _count_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    from django.db.models import Count

    return {r[field]: r["n"] for r in qs.order_by().values(field).annotate(n=Count("pk"))}


def region_names(codes: Iterable[str]) -> dict[str, str]:
    codes = sorted(set(codes))
    out: dict[str, str] = {}
    for i in range(0, len(codes), _CHUNK):
        out.update(Region.objects.filter(code__in=codes[i : i + _CHUNK]).values_list("code", "name"))
    return out


def compare(a: Plan, b: Plan, scope: Scope) -> list[CompareRow]:
    pa, pb = per_kecamatan(a, scope), per_kecamatan(b, scope)
    names = region_names(set(pa) | set(pb))
    return [CompareRow(k, names.get(k, k), pa.get(k, {}), pb.get(k, {})) for k in sorted(set(pa) | set(pb))]


# --- who guards a kecamatan: the Polsek (for the sheet per Polsek) ------------------------------------------


def polsek_names(kecamatan_codes: Iterable[str]) -> dict[str, str]:
    """{kecamatan: "Polsek X"} from the jurisdictions; "Kecamatan X" where no Polsek is recorded."""
    codes = sorted(set(kecamatan_codes))
    out: dict[str, str] = {}
    for j in Jurisdiction.objects.filter(kind="polsek", kecamatan__code__in=codes).prefetch_related("kecamatan"):
        for k in j.kecamatan.all():
            if k.code in codes:
                out.setdefault(k.code, j.name)
    names = region_names(codes)
    for code in codes:
        out.setdefault(code, f"Kecamatan {names.get(code, code)}")
    return out


# --- what the exports print ---------------------------------------------------------------------------------


def document(plan: Plan, scope: Scope, kecamatan: str | None = None) -> Any:
    """The plan as the exports print it: a section per Polsek, only the posts inside the scope."""
    from praja.deployment import exports

    posts = visible_posts(plan, scope)
    rows = visible_plan_tps(plan, scope)
    if kecamatan:
        posts = posts.filter(kecamatan_code=kecamatan)
        rows = rows.filter(kecamatan_code=kecamatan)
    members: dict[int, list[exports.TpsLine]] = {}
    unassigned: list[exports.TpsLine] = []
    for r in rows.order_by("code"):
        line = exports.TpsLine(r.code, r.address, r.voters, r.cls, r.lat, r.lng, r.at_centroid, r.generated)
        if r.post_id is None:
            unassigned.append(line)
        else:
            members.setdefault(r.post_id, []).append(line)
    post_list = list(posts.order_by("number"))
    kecs = {p.kecamatan_code for p in post_list}
    names = region_names(kecs | {p.area_code for p in post_list})
    polsek = polsek_names(kecs)
    lines = [
        exports.PostLine(
            number=p.number, code=p.code, kecamatan=p.kecamatan_code, kecamatan_name=names.get(p.kecamatan_code, ""),
            desa_name=names.get(p.area_code, ""), lat=p.lat, lng=p.lng, cls=p.cls, police=p.police, tni=p.tni,
            linmas=p.linmas, pool=p.pool, km=p.km, tni_pool=p.tni_pool, tni_km=p.tni_km, covered=p.covered,
            edited=p.edited_by_hand, tps=members.get(p.pk, []), unit=polsek.get(p.kecamatan_code, ""),
        )
        for p in post_list
    ]
    whole = covers_whole_plan(plan, scope) and not kecamatan
    region_label = plan.region.name if plan.region is not None else _("Seluruh Indonesia")
    return exports.build_document(
        title=_("Rencana pengamanan TPS"),
        region_label=f"{region_label} ({plan.region_code or 'ID'})",
        version=f"v{plan.number}" + (f" · {plan.name}" if plan.name else ""),
        pattern=CorePattern.from_dict(plan.pattern_snapshot),
        settings=tasks.settings_from_dict(plan.settings_snapshot),
        posts=lines,
        unassigned=unassigned,
        lower_bound=plan.officers_lower_bound if whole else None,
        bound_name=plan.bound_name if whole else "",
        reserve=plan.reserve if whole else None,
        bko_needed=plan.bko_needed if whole else None,
        shortfall=plan.shortfall,
        created=timezone.localtime(plan.finished_at or plan.created_at),
        hand_edited=plan.hand_edited,
        partial=not whole,
        pools_generated=any(d.get("generated") for d in plan.pools_snapshot),
        class_labels={k: str(v) for k, v in CLASS_LABELS.items()},
    )
