"""The vulnerability pages (/kerawanan/): overview and roll-ups, TPS list, the explained score of one TPS,
the mapping import, a district's settings, and the map. Everything is bounded by the person's scope:
a region or TPS outside it answers 404; a missing capability answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from praja.accounts import visibility
from praja.base.access import capability_required, has_capability
from praja.base.regions import level_of
from praja.base.roles import EDIT_RISK, VIEW_TERRITORY
from praja.base.scope import Scope
from praja.risk import catalogue as cat
from praja.risk import importers, services
from praja.risk import index as ix
from praja.risk.forms import DistrictIndicatorForm, ImportForm, SettingsForm
from praja.risk.models import IncidentSignal, Indicator, IndicatorValue, Klass, TPSScore
from praja.risk.templatetags import risk_tags
from praja.territory.models import TPS, Region
from praja.uploads import csv_template, too_large

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _scope(request: HttpRequest) -> Scope:
    return visibility.scope_of(request)


def _visible_tps(request: HttpRequest) -> QuerySet[TPS]:
    return visibility.tps(TPS.objects.all(), _scope(request))


def _region_or_404(request: HttpRequest, code: str) -> Region:
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or not _scope(request).covers(code):
        raise Http404(code)
    return region


def _level_label(level: int) -> str:
    return {2: _("Kabupaten/kota"), 3: _("Kecamatan"), 4: _("Desa/kelurahan")}.get(level, "")


def index_level(scope: Scope) -> tuple[int, str]:
    """(level, parent) of the overview's roll-up: regencies for a national scope; else the level of the
    scope's regions when there are several of them, the level below when there is one."""
    if scope.national:
        return 2, ""
    levels = sorted(level_of(r) for r in scope.regions)
    if not levels:
        return 3, ""
    top = levels[0]
    at_top = [r for r in scope.regions if level_of(r) == top]
    if len(at_top) == 1 and top < 4:
        return top + 1, at_top[0]
    return max(top, 2), ""


def _sort(request: HttpRequest) -> str:
    s = request.GET.get("urut", "share")
    return s if s in services.ROLLUP_SORTS else "share"


def _counts_context(scores: QuerySet[TPSScore], tps_total: int) -> dict[str, Any]:
    counts = services.class_counts(scores)
    scored = sum(counts.values())
    rawan = counts[Klass.RAWAN.value] + counts[Klass.SANGAT_RAWAN.value]
    return {
        "class_rows": [
            {
                "klass": k.value,
                "label": Klass(k.value).label,
                "n": counts[k.value],
                "pct": round(100 * counts[k.value] / scored, 1) if scored else 0.0,
            }
            for k in ix.KLASSES
        ],
        "scored": scored,
        "unscored": max(0, tps_total - scored),
        "rawan": rawan,
        "rawan_pct": round(100 * rawan / scored, 1) if scored else 0.0,
    }


def _regencies_editable(request: HttpRequest) -> list[Region]:
    """Regencies whose settings this person may change: those the scope covers whole."""
    scope = _scope(request)
    qs = Region.objects.filter(level=Region.Level.KABUPATEN).filter(scope.q("code"))
    if scope.national:
        qs = qs.filter(code__in=TPS.objects.values("desa__parent__parent_id"))
    return list(qs.order_by("code")[:600])


# --- overview and roll-ups ------------------------------------------------------------------------


@capability_required(VIEW_TERRITORY)
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    level, parent = index_level(scope)
    if level == 4 and parent:
        return redirect("risk:region", code=parent)
    scores = TPSScore.objects.visible(scope)
    sort = _sort(request)
    context = {
        "rows": services.rollup(scope, level, parent, sort),
        "level": level,
        "level_label": _level_label(level),
        "parent": Region.objects.filter(code=parent).first() if parent else None,
        "sort": sort,
        "last_computed": scores.order_by("-computed_at").values_list("computed_at", flat=True).first(),
        "can_edit": has_capability(request, EDIT_RISK),
        "editable": _regencies_editable(request) if has_capability(request, EDIT_RISK) else [],
        **_counts_context(scores, _visible_tps(request).count()),
    }
    return render(request, "risk/index.html", context)


@capability_required(VIEW_TERRITORY)
def region(request: HttpRequest, code: str) -> HttpResponse:
    """A region's roll-up: its kecamatan (a regency), its desa (a kecamatan) or its TPS (a desa)."""
    reg = _region_or_404(request, code)
    scope = _scope(request)
    scores = TPSScore.objects.visible(scope).filter(services._within("tps__code", reg.code))
    tps_total = _visible_tps(request).filter(services._within("code", reg.code)).count()
    sort = _sort(request)
    context: dict[str, Any] = {
        "region": reg,
        "sort": sort,
        "ancestors": [
            r
            for r in Region.objects.filter(code__in=_ancestors(reg.code)).order_by("code")
            if scope.covers(r.code)
        ],
        **_counts_context(scores, tps_total),
    }
    if reg.level < Region.Level.DESA:
        level = reg.level + 1
        context.update(
            rows=services.rollup(scope, level, reg.code, sort), level=level, level_label=_level_label(level)
        )
    else:
        tps = _visible_tps(request).filter(desa=reg).select_related("risk_score").order_by("number")
        context["tps_rows"] = [_tps_row(t, getattr(t, "risk_score", None)) for t in tps]
    return render(request, "risk/region.html", context)


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def _drivers(expl: dict[str, Any], n: int = 3) -> list[dict[str, Any]]:
    return [c for c in expl.get("contributions", []) if c.get("points", 0) > 0][:n]


def _tps_row(t: TPS, s: TPSScore | None) -> dict[str, Any]:
    return {"tps": t, "score": s, "drivers": _drivers(s.explanation) if s else []}


@capability_required(VIEW_TERRITORY)
def tps_list(request: HttpRequest) -> HttpResponse:
    """TPS by score, highest first, filtered by class and region."""
    scores = TPSScore.objects.visible(_scope(request)).select_related("tps", "tps__desa", "tps__desa__parent")
    klass = request.GET.get("kelas", "")
    if klass == "rawan_plus":
        scores = scores.filter(klass__in=services.RAWAN_CLASSES)
    elif klass in Klass.values:
        scores = scores.filter(klass=klass)
    where = request.GET.get("wilayah", "").strip()
    if where:
        scores = scores.filter(services._within("tps__code", where))
    search = request.GET.get("q", "").strip()
    if search:
        scores = scores.filter(Q(tps__code__icontains=search) | Q(tps__desa__name__icontains=search))
    scores = scores.order_by("-score", "tps_id")
    page = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/tps_list.html",
        {
            "page": page,
            "rows": [_tps_row(s.tps, s) for s in page],
            "kelas": klass,
            "wilayah": where,
            "q": search,
            "query": query.urlencode(),
            "classes": [(k.value, Klass(k.value).label) for k in ix.KLASSES],
            "total": page.paginator.count,
        },
    )


@capability_required(VIEW_TERRITORY)
def tps_detail(request: HttpRequest, desa: str, number: int) -> HttpResponse:
    tps = get_object_or_404(
        _visible_tps(request).select_related("desa", "desa__parent"), desa_id=desa, number=number
    )
    regency = services.regency_of(tps.code)
    indicators = {i.key: i for i in services.indicators_for(regency)}
    stored = TPSScore.objects.filter(tps=tps).first()
    live = False
    if stored is not None:
        expl = stored.explanation
    else:  # not computed yet: explain from the stored values, without saving anything
        live = True
        cfg = services.config_for(regency)
        values = IndicatorValue.objects.filter(tps=tps).select_related("indicator")
        core = [
            ix.IndicatorValue(v.indicator.key, v.value, v.source_agency, v.observed_on, v.evidence)
            for v in values
            if v.indicator.key in cfg.column
        ]
        expl = services.explanation_json(ix.score_tps(core, cfg, tps.code), cfg)
    missing = [indicators[k] if k in indicators else k for k in expl.get("missing", [])]
    values = (
        IndicatorValue.objects.visible(_scope(request))
        .filter(tps=tps)
        .select_related("indicator", "created_by")
        .order_by("indicator__position", "-observed_on")
    )
    incidents = IncidentSignal.objects.visible(_scope(request)).filter(
        Q(place_code=tps.code) | Q(place_code=tps.desa_id) | Q(place_code__startswith=tps.desa_id + "/")
    )[:50]
    return render(
        request,
        "risk/tps_detail.html",
        {
            "tps": tps,
            "stored": stored,
            "live": live,
            "expl": expl,
            "klass_label": Klass(expl["klass"]).label,
            "score_klass_label": Klass(expl["score_klass"]).label,
            "contributions": expl.get("contributions", []),
            "missing": missing,
            "khusus_by": [
                risk_tags.label(indicators[k]) if k in indicators else k for k in expl.get("khusus_by", [])
            ],
            "values": values,
            "incidents": incidents,
            "assessed_pct": round(100 * float(expl.get("assessed_share", 0)), 1),
            "can_edit": has_capability(request, EDIT_RISK),
            "generated": ix.GENERATED,
        },
    )


# --- import ---------------------------------------------------------------------------------------


def _importable(regency: str | None) -> list[Indicator]:
    services.ensure_catalogue()
    qs = Indicator.objects.exclude(origin=Indicator.Origin.PRAJA)
    qs = (
        qs.filter(Q(region__isnull=True) | Q(region_id=regency))
        if regency
        else qs.filter(region__isnull=True)
    )
    return list(qs.order_by("region_id", "position", "key"))


def _home_regency(request: HttpRequest) -> str | None:
    editable = _regencies_editable(request)
    if len(editable) == 1:
        return editable[0].code
    scope = _scope(request)
    heads = {services.regency_of(r) for r in scope.regions}
    return heads.pop() if len(heads) == 1 else None


@capability_required(EDIT_RISK)
def import_view(request: HttpRequest) -> HttpResponse:
    result: importers.MappingImportResult | None = None
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            upload = form.cleaned_data["berkas"]
            if problem := too_large(upload, MAX_UPLOAD_BYTES):
                form.add_error("berkas", problem)
                status = 400
            else:
                scope = _scope(request)
                result = importers.import_mapping(
                    upload.name or "berkas",
                    upload.read(),
                    scope=None if scope.national else scope,
                    source_agency=form.cleaned_data["sumber"],
                    observed_on=form.cleaned_data.get("tanggal"),
                    user=request.user,
                )
                if result.ok:
                    counts = result.scores.counts if result.scores else {}
                    rawan = counts.get("rawan", 0) + counts.get("sangat_rawan", 0)
                    messages.success(
                        request,
                        _(
                            "%(file)s dimuat: %(rows)s baris, %(tps)s TPS, %(values)s nilai (%(replaced)s "
                            "nilai lama diganti). Skor dihitung ulang: %(rawan)s TPS rawan atau sangat rawan."
                        )
                        % {
                            "file": result.file,
                            "rows": result.rows,
                            "tps": result.tps,
                            "values": result.values,
                            "replaced": result.replaced,
                            "rawan": rawan,
                        },
                    )
                    return redirect("risk:import")
                status = 422
    regency = _home_regency(request)
    return render(
        request,
        "risk/import.html",
        {
            "form": form,
            "result": result,
            "indicators": _importable(regency),
            "max_mb": MAX_UPLOAD_BYTES // 2**20,
        },
        status=status,
    )


@capability_required(EDIT_RISK)
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the header (kode_tps, sumber, tanggal, catatan, every importable indicator) and one
    example row: a TPS inside the person's scope, with empty indicator cells (empty = not assessed)."""
    regency = _home_regency(request)
    keys = [i.key for i in _importable(regency)]
    first = (
        _visible_tps(request).order_by("code").values_list("code", flat=True).first() or "35.07.01.2001/001"
    )
    return csv_template("templat_pemetaan_kerawanan.csv", ["kode_tps", "sumber", "tanggal", "catatan", *keys],
                        [first, "Bawaslu", timezone.localdate().isoformat(), "", *["" for _ in keys]])


# --- a district's settings ------------------------------------------------------------------------


def _settings_regency(request: HttpRequest) -> Region:
    editable = _regencies_editable(request)
    wanted = request.GET.get("kabupaten") or request.POST.get("kabupaten") or ""
    if wanted:
        match = next((r for r in editable if r.code == wanted), None)
        if match is None:
            raise Http404(wanted)
        return match
    if len(editable) == 1:
        return editable[0]
    raise Http404("choose a regency")


@capability_required(EDIT_RISK)
def settings_view(request: HttpRequest) -> HttpResponse:
    editable = _regencies_editable(request)
    if not editable:
        raise Http404("no regency in scope")
    if not request.GET.get("kabupaten") and not request.POST.get("kabupaten") and len(editable) > 1:
        return render(request, "risk/settings_choose.html", {"regencies": editable})
    regency = _settings_regency(request)
    indicators = services.indicators_for(regency.code)
    config = services.settings_for(regency.code)
    form = SettingsForm(
        request.POST if request.POST.get("action") == "simpan" else None, indicators=indicators, config=config
    )
    new_indicator = DistrictIndicatorForm(
        request.POST if request.POST.get("action") == "tambah" else None, regency=regency.code
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "simpan":
            if form.is_valid():
                form.apply(config).save()
                result = services.recompute(regency.code, reason=_("pengaturan diubah"))
                messages.success(
                    request,
                    _("Pengaturan %(name)s disimpan; %(n)s TPS dihitung ulang, %(c)s berganti kelas.")
                    % {"name": regency.name, "n": result.tps, "c": len(result.changed)},
                )
                return redirect(f"{reverse('risk:settings')}?kabupaten={regency.code}")
            status = 400
        elif action == "tambah":
            if new_indicator.is_valid():
                ind = new_indicator.save()
                messages.success(
                    request,
                    _("Indikator %(key)s ditambahkan. Isi nilainya lewat impor berkas dengan kolom %(key)s.")
                    % {"key": ind.key},
                )
                return redirect(f"{reverse('risk:settings')}?kabupaten={regency.code}")
            status = 400
        elif action == "hitung":
            result = services.recompute(regency.code, reason=_("hitung ulang manual"))
            messages.success(
                request,
                _("%(n)s TPS dihitung ulang; %(c)s berganti kelas.")
                % {"n": result.tps, "c": len(result.changed)},
            )
            return redirect(f"{reverse('risk:settings')}?kabupaten={regency.code}")
        else:
            status = 400
    return render(
        request,
        "risk/settings.html",
        {
            "regency": regency,
            "regencies": editable,
            "form": form,
            "new_indicator": new_indicator,
            "config": config,
            "saved": config.pk is not None,
            "total_weight": sum(i.default_weight for i in indicators),
            "defaults": cat.DEFAULT_THRESHOLDS,
        },
        status=status,
    )


# --- map ------------------------------------------------------------------------------------------


# Kecamatan shading: share of rawan + sangat rawan TPS (lower bound of each bin, colour).
SHARE_BINS = [(0.0, "#f4f5f7"), (0.0001, "#fde3c8"), (0.02, "#f9bb8a"), (0.05, "#ef8351"), (0.10, "#c9302c")]


@capability_required(VIEW_TERRITORY)
def map_page(request: HttpRequest) -> HttpResponse:
    """TPS coloured by class, kecamatan shaded by their share of rawan + sangat rawan (legend)."""
    scope = _scope(request)
    wilayah = request.GET.get("wilayah", "").strip()
    focus = _region_or_404(request, wilayah) if wilayah else None
    start = focus
    if start is None and not scope.national and scope.regions:
        start = Region.objects.filter(code=sorted(scope.regions)[0]).first()
    risk_url = reverse("api:risk_map") + (f"?wilayah={wilayah}" if wilayah else "")
    bins = []
    for i, (low, colour) in enumerate(SHARE_BINS):
        high = SHARE_BINS[i + 1][0] if i + 1 < len(SHARE_BINS) else None
        if low == 0:
            label = "0%"
        elif high is None:
            label = f"≥ {100 * low:g}%"
        else:
            label = f"{100 * low:.0f}–{100 * high:g}%" if low >= 0.01 else f"< {100 * high:g}%"
        bins.append({"min": low, "color": colour, "label": label})
    config = {
        "boundaries": reverse("api:map_boundaries"),
        "risk": risk_url,
        "tps_url": reverse("risk:tps_list"),
        "region_url": reverse("risk:region", args=["KODE"]).replace("KODE/", ""),
        "tile_url": _tile_url(),
        "focus": wilayah,
        "start": (
            {"lat": start.centroid_lat, "lng": start.centroid_lng, "level": start.level}
            if start is not None and start.centroid_lat is not None
            else None
        ),
        "classes": [{"key": k.value, "label": str(Klass(k.value).label)} for k in ix.KLASSES],
        "bins": bins,
        "labels": {
            "loading": _("Memuat batas wilayah dan skor…"),
            "counts": _("{tps} TPS berskor · {rawan} rawan atau sangat rawan"),
            "share": _("TPS rawan + sangat rawan per kecamatan"),
            "classes": _("Kelas TPS"),
            "score": _("Skor"),
            "open": _("Lihat penjelasan"),
            "failed": _("Gagal memuat data peta. Muat ulang halaman untuk mencoba lagi."),
            "none": _("Belum ada skor kerawanan. Impor pemetaan atau hitung ulang di halaman pengaturan."),
            "unlocated": _("{n} TPS tanpa koordinat tidak tampil"),
            "kecamatan": _("Kecamatan"),
            "desa": _("Desa/kelurahan"),
            "legend": _("Keterangan"),
        },
    }
    return render(request, "risk/map.html", {"map_config": config, "focus": focus})


def _tile_url() -> str:
    from django.conf import settings

    return str(settings.PRAJA.get("TILE_URL", ""))
