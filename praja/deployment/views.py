"""The deployment pages (/pengamanan/): plans per region, a new plan, a plan with its progress, totals,
lower bound, shortfall and posts, a post's hand edit, the re-check, the comparison of two plans, the
map, the exports, and the patterns.

Viewing needs `deployment.view`; planning, editing and patterns need `deployment.plan`. A plan is
visible when its region lies in the person's scope or encloses part of it; inside it, only the posts
and TPS of the scope. Anything outside answers 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from praja import jobs
from praja.accounts import visibility
from praja.base.access import capability_required, has_capability
from praja.base.roles import PLAN_DEPLOYMENT, VIEW_DEPLOYMENT
from praja.base.scope import Scope
from praja.deployment import exports, pattern_settings, plan_edits, plan_exports, plan_jobs, plan_queries, regency_pools
from praja.deployment.forms import PatternForm, PlanForm, PostForm
from praja.deployment.models import CLASS_LABELS, Pattern, Plan, PlanTPS, Pool, Post
from praja.deployment.solver import CLASSES, Settings
from praja.deployment.solver_geometry import haversine_km
from praja.jobqueue.views import start_export
from praja.territory import regionpick
from praja.territory.models import TPS, Region

SHOW_ALL_POSTS = 80  # up to this many visible posts, the plan page lists them all at once


def _scope(request: HttpRequest) -> Scope:
    return visibility.scope_of(request)


def _plan_or_404(request: HttpRequest, pk: int) -> Plan:
    plan = plan_queries.visible_plans(_scope(request)).filter(pk=pk).first()
    if plan is None:
        raise Http404(str(pk))
    return plan


def _can_plan(request: HttpRequest) -> bool:
    return has_capability(request, PLAN_DEPLOYMENT)


def _plannable_regions(request: HttpRequest) -> list[tuple[str, str]]:
    """(code, label) of the regions this person may plan: regencies (and provinces) inside the scope that
    hold TPS; the whole country for a national scope."""
    scope = _scope(request)
    regency_codes = set(regency_pools.regencies_of("")) if scope.national else {
        c for r in scope.regions for c in regency_pools.regencies_of(r) if scope.covers(c)
    }
    regencies = Region.objects.filter(code__in=sorted(regency_codes)).order_by("code")
    out: list[tuple[str, str]] = []
    if scope.national:
        out.append(("ID", _("Seluruh Indonesia (satu pekerjaan per kabupaten/kota)")))
    provinces = {c[:2] for c in regency_codes}
    for p in Region.objects.filter(code__in=sorted(provinces), level=1).order_by("code"):
        if scope.covers(p.code):
            out.append((p.code, f"{p.name} ({p.code}) · " + _("provinsi")))
    out += [(r.code, f"{r.name} ({r.code})") for r in regencies]
    return out


def _default_region(request: HttpRequest, choices: list[tuple[str, str]]) -> str:
    active = regionpick.active_code(request)
    codes = [c for c, _l in choices]
    if active:
        for cand in (active[:5], active[:2]):
            if cand in codes:
                return cand
    regencies = [c for c in codes if len(c) == 5]
    return regencies[0] if regencies else (codes[0] if codes else "")


def _region_label(plan: Plan) -> str:
    return plan.region.name if plan.region is not None else _("Seluruh Indonesia")


# --- list ---------------------------------------------------------------------------------------------------


@capability_required(VIEW_DEPLOYMENT)
def index(request: HttpRequest) -> HttpResponse:
    plans = list(plan_queries.visible_plans(_scope(request))[:200])
    return render(request, "deployment/index.html", {
        "plans": plans,
        "can_plan": _can_plan(request),
        "running": any(not p.is_finished for p in plans),
    })


# --- new plan -----------------------------------------------------------------------------------------------


def _patterns(region_code: str) -> QuerySet[Pattern]:
    return pattern_settings.patterns_for(region_code)


@capability_required(PLAN_DEPLOYMENT)
def plan_new(request: HttpRequest) -> HttpResponse:
    choices = _plannable_regions(request)
    if not choices:
        raise Http404("no region to plan")
    codes = {c for c, _l in choices}
    parent: Plan | None = None
    parent_id = request.POST.get("dari") or request.GET.get("dari")
    if parent_id and str(parent_id).isdigit():
        parent = _plan_or_404(request, int(parent_id))
    wanted = request.POST.get("wilayah") or request.GET.get("wilayah")
    if parent is not None and not wanted:
        wanted = parent.region_code or "ID"
    region = wanted if wanted in codes else _default_region(request, choices)
    region_code = "" if region == "ID" else region
    regency = len(region_code) == 5
    pools = regency_pools.ensure_pools(region_code) if regency else []
    pools = sorted(pools, key=lambda p: (["polsek", "koramil", "polres", "kodim", "bko"].index(p.role), p.unit))
    stored = pattern_settings.settings_for(region_code)
    initial: dict[str, Any] = {
        "pattern": pattern_settings.default_pattern(region_code).pk,
        "walking_km": stored.walking_km,
        "area": stored.area,
        "reserve_percent": round(stored.reserve_share * 100, 2),
    }
    if parent is not None:
        s = parent.settings_snapshot
        initial.update({"walking_km": s.get("walking_km"), "area": s.get("area"),
                        "reserve_percent": round(float(s.get("reserve_share", 0)) * 100, 2),
                        "name": _("ulang dari v%(n)s") % {"n": parent.number}})
        if parent.pattern_id and _patterns(region_code).filter(pk=parent.pattern_id).exists():
            initial["pattern"] = parent.pattern_id
        snap = {d.get("id"): d for d in parent.pools_snapshot}
        for p in pools:
            if p.pk in snap:
                initial[f"pool_{p.pk}"] = snap[p.pk]["available"]
                initial[f"active_{p.pk}"] = True
            else:
                initial[f"active_{p.pk}"] = False
    bound = request.method == "POST" and "wilayah_saja" not in request.POST
    form = PlanForm(request.POST if bound else None, initial=initial, patterns=_patterns(region_code), pools=pools)
    if bound and form.is_valid():
        d = form.cleaned_data
        try:
            settings = Settings(walking_km=d["walking_km"], area=d["area"], reserve_share=d["reserve_percent"] / 100)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            overrides = form.overrides()
            for p in pools:
                available, active = overrides[p.pk]
                if (p.available, p.active) != (available, active):
                    if p.available != available:
                        p.generated = False  # the district's own number now
                    p.available, p.active = available, active
                    p.save()
            if region_code:
                pattern_settings.save_settings(region_code, settings.walking_km, settings.area, settings.reserve_share,
                                               d["pattern"])
            snapshot = regency_pools.snapshot_pools(region_code, overrides)
            if not any(s["kind"] == "polri" for s in snapshot):
                form.add_error(None, _("Tidak ada satuan Polri yang aktif."))
            else:
                plan = plan_jobs.create_plan(region_code, d["pattern"], settings, snapshot, name=d["name"],
                                             parent=parent, user=request.user)
                plan_jobs.submit(plan)
                return redirect("deployment:plan", pk=plan.pk)
    pool_people = sum(p.available for p in pools if p.active)
    return render(request, "deployment/plan_new.html", {
        "form": form,
        "choices": choices,
        "region": region,
        "regency": regency,
        "parent": parent,
        "pools_generated": any(p.generated for p in pools),
        "pool_people": pool_people,
        "pools_total": Pool.objects.filter(region_id__in=regency_pools.regencies_of(region_code)).count()
        if not regency else len(pools),
        "tps_count": TPS.objects.filter(code__startswith=region_code + ".").count() if region_code else None,
        "reserve_share": initial["reserve_percent"],
    })


# --- one plan -----------------------------------------------------------------------------------------------


def _progress_context(plan: Plan) -> dict[str, Any]:
    p = jobs.progress(plan_jobs.progress_key(plan))
    done, total, unit = plan.progress_done, plan.progress_total, plan.progress_unit
    if p is not None and p.total and (p.done, p.total) != (0, 0):
        done, total, unit = p.done, p.total, p.label or unit
    return {"plan": plan, "done": done, "total": total, "unit": unit, "stale": plan_jobs.stale(plan),
            "pct": round(100 * done / total) if total else 0}


@capability_required(VIEW_DEPLOYMENT)
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    if plan.is_finished:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "deployment/_progress.html", {**_progress_context(plan), "can_plan": _can_plan(request)})


def _kecamatan_rows(plan: Plan, scope: Scope) -> list[dict[str, Any]]:
    per = plan_queries.per_kecamatan(plan, scope)
    names = plan_queries.region_names(per)
    polsek = plan_queries.polsek_names(per)
    short = plan.shortfall or {}
    rows = []
    for k in sorted(per):
        r = per[k]
        s = short.get(k)
        rows.append({"code": k, "name": names.get(k, k), "polsek": polsek.get(k, ""), **r,
                     "bko": (int(s["police"]) + int(s["tni"])) if s else 0})
    return rows


@capability_required(VIEW_DEPLOYMENT)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    scope = _scope(request)
    whole = plan_queries.covers_whole_plan(plan, scope)
    context: dict[str, Any] = {
        "plan": plan,
        "region_label": _region_label(plan),
        "whole": whole,
        "can_plan": _can_plan(request) and whole,
        "class_labels": CLASS_LABELS,
        "pools_generated": any(d.get("generated") for d in plan.pools_snapshot),
        "pool_people": sum(int(d["available"]) for d in plan.pools_snapshot if not d.get("bko")),
        "pattern_rows": _pattern_rows(plan),
        **_progress_context(plan),
    }
    if plan.status == Plan.Status.DONE:
        rows = _kecamatan_rows(plan, scope)
        visible = plan_queries.visible_posts(plan, scope)
        n_visible = visible.count()
        chosen = request.GET.get("kecamatan", "")
        if chosen and chosen not in {r["code"] for r in rows}:
            raise Http404(chosen)
        if not chosen and (n_visible <= SHOW_ALL_POSTS or len(rows) == 1):
            shown = visible
        elif chosen:
            shown = visible.filter(kecamatan_code=chosen)
        else:
            shown = visible.none()
        totals = {k: sum(r.get(k, 0) for r in rows) for k in ("posts", "tps", "officers", "soldiers", "linmas",
                                                                 "uncovered", "bko")}
        totals["km"] = round(sum(r.get("km", 0) for r in rows), 1)
        shortfall = [{"code": k, "name": r["name"], **plan.shortfall[k],
                      "bko": int(plan.shortfall[k]["police"]) + int(plan.shortfall[k]["tni"])}
                     for k in sorted(plan.shortfall) for r in rows if r["code"] == k]
        siblings = plan_queries.visible_plans(scope).filter(region_id=plan.region_id, status=Plan.Status.DONE).exclude(
            pk=plan.pk)
        context.update({
            "rows": rows,
            "totals": totals,
            "shortfall": shortfall,
            "chosen": chosen,
            "chosen_name": next((r["name"] for r in rows if r["code"] == chosen), ""),
            "posts": _post_rows(plan, shown),
            "n_visible": n_visible,
            "uncovered_classes": [(c, CLASS_LABELS[c], n) for c, n in (plan.uncovered_by_class or {}).items() if n],
            "siblings": siblings[:50],
            "ratio": plan.ratio,
            "bound_label": bound_label(plan.bound_name),
            # what the notes count: the whole plan's figures, or those of the person's part of it
            "gen_count": plan.tps_generated if whole else plan_queries.visible_plan_tps(plan, scope).filter(
                generated=True).count(),
            "centroid_count": plan.tps_at_centroid if whole else plan_queries.visible_plan_tps(plan, scope).filter(
                at_centroid=True).count(),
            "violations": [plan_edits.violation_text(v) for v in plan.violations or []],
        })
    return render(request, "deployment/plan_detail.html", context)


def bound_label(name: str) -> str:
    """The core's bound name in the interface language (the technical name stays in the title)."""
    if name.startswith("distance-aware"):
        return _("berbasis jarak: per kelompok TPS yang dapat berbagi pos, nilai terbesar dari batas kapasitas, "
                 "dual LP penutupan, dan optimum yang terbukti")
    if name.startswith("capacity"):
        return _("batas kapasitas per wilayah")
    return name


def _pattern_rows(plan: Plan) -> list[dict[str, Any]]:
    snap = plan.pattern_snapshot or {}
    return [{"cls": c, "label": CLASS_LABELS[c], **snap.get(c, {})} for c in CLASSES if c in snap]


def _post_rows(plan: Plan, posts: QuerySet[Post]) -> list[dict[str, Any]]:
    posts = posts.order_by("number")
    members: dict[int, list[PlanTPS]] = {}
    for r in PlanTPS.objects.filter(plan=plan, post__in=posts).order_by("code"):
        if r.post_id is not None:
            members.setdefault(r.post_id, []).append(r)
    polsek = plan_queries.polsek_names({p.kecamatan_code for p in posts})
    names = plan_queries.region_names({p.area_code for p in posts} | {p.kecamatan_code for p in posts})
    return [{"post": p, "tps": members.get(p.pk, []), "polsek": polsek.get(p.kecamatan_code, ""),
             "desa": names.get(p.area_code, ""), "kecamatan": names.get(p.kecamatan_code, "")} for p in posts]


@capability_required(PLAN_DEPLOYMENT)
@require_POST
def plan_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    if not plan_queries.covers_whole_plan(plan, _scope(request)) or plan.status != Plan.Status.DONE:
        raise Http404(str(pk))
    problems = plan_edits.recheck(plan)
    if problems:
        messages.error(request, _("Pemeriksaan menemukan %(n)s pelanggaran pola.") % {"n": len(problems)})
    else:
        messages.success(request, _("Rencana memenuhi pola, jarak dan kekuatan satuan."))
    return redirect(reverse("deployment:plan", args=[plan.pk]) + "#periksa")


@capability_required(PLAN_DEPLOYMENT)
@require_POST
def plan_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again a plan that failed or whose job went away (the process that ran it stopped)."""
    plan = _plan_or_404(request, pk)
    if not plan_queries.covers_whole_plan(plan, _scope(request)):
        raise Http404(str(pk))
    if plan.status == Plan.Status.FAILED or plan_jobs.stale(plan):
        plan.status = Plan.Status.QUEUED
        plan.progress_done = plan.progress_total = 0
        plan.save(update_fields=["status", "progress_done", "progress_total"])
        plan_jobs.submit(plan)
    return redirect("deployment:plan", pk=plan.pk)


# --- one post: hand edit ------------------------------------------------------------------------------------


@capability_required(VIEW_DEPLOYMENT)
def post_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    scope = _scope(request)
    post = plan_queries.visible_posts(plan, scope).filter(number=number).first()
    if post is None or plan.status != Plan.Status.DONE:
        raise Http404(f"{pk}/{number}")
    can_edit = _can_plan(request) and plan_queries.covers_whole_plan(plan, scope)
    form = PostForm(initial={"police": post.police, "tni": post.tni, "linmas": post.linmas})
    if request.method == "POST" and request.POST.get("action") in ("terisi", "batal-terisi"):
        # Reported from the field on the day, by anyone who sees the post (its Polsek, Bag Ops).
        if request.POST["action"] == "terisi":
            raw = str(request.POST.get("hadir", "")).strip()
            if not raw.isdigit() or not 0 < int(raw) <= 999:
                messages.error(request, _("Isi jumlah personel yang hadir di pos (1 sampai 999)."))
                return redirect("deployment:post", pk=plan.pk, number=post.number)
            post.manned_at, post.manned_people = timezone.now(), int(raw)
            post.manned_by = request.user  # type: ignore[assignment]  # logged in: capability_required
            messages.success(request, _("Pos %(n)s dilaporkan terisi.") % {"n": post.number})
        else:
            post.manned_at, post.manned_by, post.manned_people = None, None, None
            messages.success(request, _("Laporan pos %(n)s terisi dibatalkan.") % {"n": post.number})
        post.save(update_fields=["manned_at", "manned_by", "manned_people"])
        return redirect("deployment:post", pk=plan.pk, number=post.number)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if "pindah" in request.POST:
            row = PlanTPS.objects.filter(plan=plan, post=post, code=request.POST.get("tps", "")).first()
            ke = str(request.POST.get("ke", ""))
            target = Post.objects.filter(plan=plan, number=int(ke)).first() if ke.isdigit() else None
            if row is None or target is None:
                messages.error(request, _("Pilih TPS dan pos tujuan."))
                return redirect("deployment:post", pk=plan.pk, number=post.number)
            left = plan_edits.move_tps(plan, row, target)
            messages.success(request, _("TPS %(tps)s dipindah ke pos %(n)s. Periksa ulang rencana.")
                             % {"tps": row.code, "n": target.number})
            if left is None:
                return redirect("deployment:post", pk=plan.pk, number=target.number)
            return redirect("deployment:post", pk=plan.pk, number=post.number)
        form = PostForm(request.POST)
        if form.is_valid():
            plan_edits.edit_post(plan, post, **form.cleaned_data)
            messages.success(request, _("Jumlah personel pos %(n)s diubah. Periksa ulang rencana.")
                             % {"n": post.number})
            return redirect("deployment:post", pk=plan.pk, number=post.number)
    rows = list(PlanTPS.objects.filter(plan=plan, post=post).order_by("code"))
    for r in rows:
        r.km_to_post = round(haversine_km(post.lat, post.lng, r.lat, r.lng), 3)  # type: ignore[attr-defined]
    targets = []
    if can_edit:
        for p in Post.objects.filter(plan=plan, kecamatan_code=post.kecamatan_code).exclude(pk=post.pk):
            targets.append((haversine_km(post.lat, post.lng, p.lat, p.lng), p))
        targets.sort(key=lambda t: (t[0], t[1].number))
    names = plan_queries.region_names({post.kecamatan_code, post.area_code})
    return render(request, "deployment/post_detail.html", {
        "plan": plan, "post": post, "rows": rows, "form": form, "can_edit": can_edit,
        "targets": [(round(d, 2), p) for d, p in targets[:40]],
        "kecamatan_name": names.get(post.kecamatan_code, ""), "desa_name": names.get(post.area_code, ""),
        "polsek": plan_queries.polsek_names([post.kecamatan_code]).get(post.kecamatan_code, ""),
        "walking_km": plan.settings_snapshot.get("walking_km"),
        "class_labels": CLASS_LABELS,
    })


# --- compare ------------------------------------------------------------------------------------------------


@capability_required(VIEW_DEPLOYMENT)
def compare(request: HttpRequest) -> HttpResponse:
    ids = [request.GET.get("a", ""), request.GET.get("b", "")]
    if not all(i.isdigit() for i in ids):
        raise Http404("two plans")
    a, b = (_plan_or_404(request, int(i)) for i in ids)
    if a.status != Plan.Status.DONE or b.status != Plan.Status.DONE:
        raise Http404("unfinished plan")
    keys = ("officers", "posts", "km", "uncovered")
    table: list[dict[str, Any]] = []
    for r in plan_queries.compare(a, b, _scope(request)):
        cells = [(r.a.get(k, 0), r.b.get(k, 0), round(r.diff(k), 2)) for k in keys]
        table.append({"code": r.kecamatan, "name": r.name, "cells": cells})
    totals = []
    for i, _k in enumerate(keys):
        ta = round(sum(row["cells"][i][0] for row in table), 2)
        tb = round(sum(row["cells"][i][1] for row in table), 2)
        totals.append((ta, tb, round(tb - ta, 2)))
    return render(request, "deployment/compare.html", {
        "a": a, "b": b, "rows": table, "totals": totals,
        "whole": (plan_queries.covers_whole_plan(a, _scope(request))
                  and plan_queries.covers_whole_plan(b, _scope(request))),
    })


# --- map ----------------------------------------------------------------------------------------------------


@capability_required(VIEW_DEPLOYMENT)
def plan_map(request: HttpRequest, pk: int) -> HttpResponse:
    from django.conf import settings

    plan = _plan_or_404(request, pk)
    if plan.status != Plan.Status.DONE:
        raise Http404(str(pk))
    kecamatan = request.GET.get("kecamatan", "")
    config = {
        "dataUrl": reverse("deployment:map_data", args=[plan.pk]) + (f"?kecamatan={kecamatan}" if kecamatan else ""),
        "boundariesUrl": reverse("api:map_boundaries"),
        "postUrl": reverse("deployment:post", args=[plan.pk, 0]).replace("/0/", "/{n}/"),
        "tileUrl": settings.PRAJA.get("TILE_URL", ""),
        "tileAttribution": settings.PRAJA.get("TILE_ATTRIBUTION", ""),
        "locale": "id-ID" if (get_language() or "id").startswith("id") else "en-GB",
        "classes": {c: str(CLASS_LABELS[c]) for c in CLASSES},
        "text": {
            "loading": _("Memuat pos dan TPS…"),
            "counts": _("{posts} pos · {tps} TPS · {uncovered} TPS belum terpenuhi"),
            "failed": _("Gagal memuat data peta. Muat ulang halaman untuk mencoba lagi."),
            "post": _("Pos"),
            "police": _("Polri"),
            "tni": _("TNI"),
            "linmas": _("Linmas"),
            "from": _("asal"),
            "uncoveredPost": _("Kurang personel: TPS-nya belum terpenuhi"),
            "open": _("Buka pos"),
            "legendPost": _("Pos pengamanan"),
            "legendTps": _("TPS (warna kelas)"),
            "legendUncovered": _("TPS belum terpenuhi"),
            "legendLink": _("TPS ke posnya"),
            "legend": _("Keterangan"),
        },
    }
    return render(request, "deployment/map.html", {"plan": plan, "map_config": config,
                                                   "region_label": _region_label(plan)})


@capability_required(VIEW_DEPLOYMENT)
def map_data(request: HttpRequest, pk: int) -> JsonResponse:
    plan = _plan_or_404(request, pk)
    scope = _scope(request)
    posts = plan_queries.visible_posts(plan, scope)
    rows = plan_queries.visible_plan_tps(plan, scope)
    kecamatan = request.GET.get("kecamatan", "")
    if kecamatan:
        posts, rows = posts.filter(kecamatan_code=kecamatan), rows.filter(kecamatan_code=kecamatan)
    numbers = dict(posts.values_list("pk", "number"))
    covered = dict(posts.values_list("pk", "covered"))
    return JsonResponse({
        "posts": [list(p) for p in posts.order_by("number").values_list(
            "number", "lat", "lng", "cls", "police", "tni", "linmas", "covered", "pool", "tps_count")],
        "tps": [[code, lat, lng, cls, numbers.get(post_id), bool(covered.get(post_id, False))]
                for code, lat, lng, cls, post_id in rows.order_by("code").values_list(
                    "code", "lat", "lng", "cls", "post_id")],
    })


# --- exports ------------------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "geojson": "application/geo+json",
}


@capability_required(VIEW_DEPLOYMENT)
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    plan = _plan_or_404(request, pk)
    if fmt not in CONTENT_TYPES or plan.status != Plan.Status.DONE:
        raise Http404(fmt)
    kecamatan = request.GET.get("kecamatan") or None
    if kecamatan and not plan_queries.visible_posts(plan, _scope(request)).filter(kecamatan_code=kecamatan).exists():
        raise Http404(kecamatan)
    if fmt in plan_exports.EXPORT_TYPES:
        # the XLSX and the PDF annex of a regency take tens of seconds: a job with a progress line and a
        # download when ready (praja/jobqueue), built as this person sees the plan
        user_id = request.user.pk
        title = _("Rencana pengamanan %(region)s v%(n)s: %(what)s") % {
            "region": _region_label(plan), "n": plan.number,
            "what": ("XLSX" if fmt == "xlsx" else _("lampiran PDF")) + (f" ({kecamatan})" if kecamatan else "")}
        return start_export(request, "deployment.export", plan.pk, fmt, kecamatan, user_id,
                            key=plan_exports.export_key(plan, fmt, kecamatan, user_id), title=title)
    doc = plan_exports.document(plan, _scope(request), kecamatan)
    body = (json.dumps(exports.to_geojson(doc), ensure_ascii=False) + "\n").encode()
    name = plan_exports.export_name(plan, "geojson", kecamatan)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- patterns -----------------------------------------------------------------------------------------------


def _editable_pattern_regions(request: HttpRequest) -> list[tuple[str, str]]:
    return [(c, label) for c, label in _plannable_regions(request) if c != "ID"]


@capability_required(VIEW_DEPLOYMENT)
def patterns(request: HttpRequest) -> HttpResponse:
    pattern_settings.ensure_presets()
    scope = _scope(request)
    qs = Pattern.objects.select_related("region").order_by("region_id", "name")
    if not scope.national:
        from django.db.models import Q

        qs = qs.filter(Q(region__isnull=True) | scope.q_reaching("region__code"))
    return render(request, "deployment/patterns.html", {
        "patterns": [(p, p.rows()) for p in qs], "can_plan": _can_plan(request),
    })


@capability_required(PLAN_DEPLOYMENT)
def pattern_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A district's own pattern: new (optionally a copy of another, ?salin=ID) or edited."""
    regions = _editable_pattern_regions(request)
    if not regions:
        raise Http404("no region")
    scope = _scope(request)
    pattern: Pattern | None = None
    if pk is not None:
        pattern = Pattern.objects.filter(pk=pk, region__isnull=False).first()
        if pattern is None or not scope.covers(pattern.region_id or ""):
            raise Http404(str(pk))
    initial: dict[str, Any] = {}
    if pattern is not None:
        initial = PatternForm.initial_from(pattern)
    else:
        source_id = request.GET.get("salin", "")
        base = Pattern.objects.filter(pk=int(source_id)).first() if source_id.isdigit() else None
        base = base or pattern_settings.default_pattern(regions[0][0])
        initial = PatternForm.initial_from(base, copy=True)
    form = PatternForm(request.POST or None, initial=initial)
    region = request.POST.get("wilayah") or (pattern.region_id if pattern else regions[-1][0])
    if region not in {c for c, _l in regions}:
        region = regions[-1][0]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if pattern is None:
            pattern = Pattern(region_id=region, created_by=request.user)  # type: ignore[misc]
        pattern.name, pattern.source, pattern.classes = d["name"], d["source"], form.classes()
        pattern.save()
        messages.success(request, _("Pola “%(name)s” disimpan.") % {"name": pattern.name})
        return redirect("deployment:patterns")
    return render(request, "deployment/pattern_form.html", {
        "form": form, "pattern": pattern, "regions": regions, "region": region,
    })

