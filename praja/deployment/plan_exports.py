"""What the exports print of a stored plan (only what the person may see), and the export as a job.

- `document(plan, scope, kecamatan)`: the plan as the exports print it, a section per Polsek.
- `export_file(plan_id, fmt, kecamatan, user_id)`: the plan's XLSX or PDF, kept as the running job's file;
  `export_name`, `export_key`: its file name and job key.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from praja import jobs
from praja.base.scope import Scope
from praja.deployment import tasks
from praja.deployment.models import CLASS_LABELS, Plan
from praja.deployment.plan_queries import covers_whole_plan, polsek_names, region_names, visible_plan_tps, visible_posts
from praja.deployment.solver import Pattern as CorePattern

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
