"""The situation dashboard (/situasi/): the kondusif index per kecamatan on a map, counts and trends, what
changed in the last 24 hours (polled by htmx), drill-down regency -> kecamatan -> desa -> TPS, charts and,
on voting day, posts manned, reports per hour and TPS with open severe reports.

Needs `territory.view`; every number is counted from what the person may see (reports through the reports
app's visibility, plans only with `deployment.view`). A region outside the scope answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from praja.base.access import capability_required
from praja.base.roles import MANAGE_COORDINATION, VIEW_DEPLOYMENT, VIEW_TERRITORY
from praja.coordination.models import STATE_LABELS
from praja.situation import charts
from praja.situation import dashboard as D
from praja.situation import kondusif as K
from praja.situation import moment as M
from praja.situation import sources as S
from praja.situation.views import layer_text, region_title
from praja.territory import regionpick
from praja.territory.models import Region

CLASS_LABELS = {
    K.KONDUSIF: gettext_lazy("Kondusif"),
    K.WASPADA: gettext_lazy("Waspada"),
    K.SIAGA: gettext_lazy("Siaga"),
    "": gettext_lazy("Belum ada data"),
}
PART_LABELS = {
    "kerawanan": gettext_lazy("Kerawanan TPS"),
    "laporan": gettext_lazy("Laporan (terbuka dan lonjakan)"),
    "hoaks": gettext_lazy("Narasi hoaks tumbuh"),
    "pos": gettext_lazy("Pos tidak terisi"),
}
EVENT_LABELS = {
    "report": pgettext_lazy("satu laporan", "Laporan"),
    "severe": gettext_lazy("Laporan berat"),
    "alert": gettext_lazy("Narasi tumbuh"),
    "clarification": gettext_lazy("Klarifikasi terbit"),
    "commitment_done": gettext_lazy("Komitmen selesai"),
    "commitment_new": gettext_lazy("Komitmen baru"),
    "meeting": gettext_lazy("Rakor"),
    "activity": gettext_lazy("Kegiatan"),
}


def parse_day(raw: str) -> datetime.date | None:
    """YYYY-MM-DD or None; an impossible date answers 400 (moment.parse_date raises BadRequest)."""
    return M.parse_date(raw)


def moment(request: HttpRequest) -> tuple[datetime.datetime, bool]:
    """The one moment of the page: ?saat=YYYY-MM-DDTHH:MM, or the end of ?tanggal=YYYY-MM-DD; default now."""
    return M.from_request(request)


def resolve_area(request: HttpRequest) -> tuple[S.Viewer, Region, Any]:
    viewer = S.Viewer.of(request)
    code = (request.POST.get("wilayah") or request.GET.get("wilayah", "")).strip()
    code = code or S.default_area(viewer, regionpick.active_code(request)) or ""
    if not code:
        raise Http404("no region")
    area = S.area_scope(viewer, code)
    region = Region.objects.filter(code=code).select_related("parent").defer("boundary", "parent__boundary").first()
    if area is None or region is None:
        raise Http404(code)
    return viewer, region, area


def breadcrumb(region: Region, viewer: S.Viewer) -> list[dict[str, str]]:
    out = []
    r: Region | None = region
    while r is not None and r.level >= 2:
        if S.area_scope(viewer, r.code) is not None:
            out.append({"code": r.code, "name": region_title(r)})
        r = Region.objects.filter(code=r.parent_id).defer("boundary").first() if r.parent_id else None
    return list(reversed(out))


def kondusif_view(result: K.Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "index": result.index, "klass": result.klass, "label": CLASS_LABELS.get(result.klass, ""),
        "colour": charts.CLASS_COLOURS.get(result.klass, "#d4d4d4"),
        "driver": result.driver, "driver_label": PART_LABELS.get(result.driver, "") if result.driver else "",
        "weighted": result.weighted,
        "parts": [{"key": p.key, "label": PART_LABELS[p.key], "pressure": None if p.pressure is None
                   else round(100 * p.pressure), "weight": p.weight, "deduction": p.deduction, "detail": p.detail,
                   "cap": p.cap, "klass": p.klass, "klass_label": CLASS_LABELS.get(p.klass, "")}
                  for p in result.parts],
    }


def trend(now: int, before: int) -> str:
    return "up" if now > before else "down" if now < before else "same"


def build_context(request: HttpRequest, viewer: S.Viewer, region: Region, area: Any,
                  at: datetime.datetime, chosen: bool = False) -> dict[str, Any]:
    """The dashboard's context: the data first (in this order, the queries of the page), then the links, the
    map, the index views (`index_context`) and the charts (`chart_context`)."""
    pic = D.picture(viewer, region, area, at)
    days = int(S.conf("TREND_DAYS", 14))
    day_list, series = S.reports_per_day(viewer, area, at, days)
    cat_labels = S.category_labels()
    states = S.commitment_states(viewer, area, pic.day)
    vote_day = D.voting_day()
    show_vote = vote_day is not None and (pic.day == vote_day or request.GET.get("panel") == "pemungutan")
    voting = D.voting_panel(viewer, area, pic, vote_day) if show_vote else None
    base = reverse("situation:dashboard")
    saat = M.input_value(at) if chosen else ""
    tanggal = saat  # kept for the templates that still say tanggal
    suffix = f"&saat={saat}" if saat else ""
    link_rows(pic, base, suffix)
    map_config = build_map_config(pic, region, base, suffix)
    since = at - datetime.timedelta(hours=24)
    return {
        "pic": pic,
        "region": region,
        "region_name": region_title(region),
        "crumbs": breadcrumb(region, viewer),
        "at": at,
        "tanggal": tanggal,
        "saat_value": M.input_value(at),
        "now_value": M.input_value(M.now()),
        "suffix": suffix,
        **index_context(pic),
        "events": [{"e": e, "label": EVENT_LABELS.get(e.kind, e.kind)} for e in S.events(viewer, area, since, at)],
        **chart_context(viewer, pic, day_list, series, cat_labels, states),
        "states": states,
        "voting": voting,
        "chart_hours": charts.columns(voting.per_hour, [f"{h:02d}" for h in range(24)],
                                      _("Laporan per jam")) if voting else None,
        "vote_day": vote_day,
        "map_config": map_config,
        "poll_seconds": int(S.conf("POLL_SECONDS", 30)),
        "can_lapsit": MANAGE_COORDINATION in viewer.capabilities,
        "can_see_lapsit": VIEW_DEPLOYMENT in viewer.capabilities,
        "is_past": tanggal != "",
    }


def link_rows(pic: D.Picture, base: str, suffix: str) -> None:
    """Each row of the table links to its own dashboard (kecamatan, desa) or, below a desa, to its TPS page."""
    for row in pic.rows:
        if pic.level < 4:
            row.url = f"{base}?wilayah={row.code}{suffix}"
        elif "/" in row.code:  # a TPS: its own page
            desa, number = row.code.split("/")
            row.url = reverse("territory:tps_detail", kwargs={"desa": desa, "number": int(number)})


def index_context(pic: D.Picture) -> dict[str, Any]:
    """The kondusif index of the area, of each kecamatan and of each row, with the legend and the trends."""
    return {
        "overall": kondusif_view(pic.overall),
        "kecamatan": [{"r": r, "k": kondusif_view(r)} for r in pic.kecamatan],
        "rows": [{"row": r, "k": kondusif_view(r.result)} for r in pic.rows],
        "legend": [(CLASS_LABELS[k], charts.CLASS_COLOURS[k]) for k in (K.KONDUSIF, K.WASPADA, K.SIAGA, "")],
        "trends": {k: trend(pic.totals.get(k, 0), pic.previous.get(k, 0)) for k in ("reports_24h", "severe_24h")},
    }


def chart_context(viewer: S.Viewer, pic: D.Picture, day_list: list[datetime.date], series: dict[str, list[int]],
                  cat_labels: dict[str, str], states: dict[str, int]) -> dict[str, Any]:
    """Reports per day by category (only for a viewer who sees reports), the share of rawan TPS per kecamatan
    (regency) or per desa (kecamatan), and the commitments by state."""
    vuln_rows = [(r.name, round(100 * r.rawan / r.scored, 1) if r.scored else 0.0,
                  "#c8413a" if r.scored and r.rawan / r.scored >= 0.5 else "#e8b23a" if r.rawan else "#5fa35f",
                  f"{r.rawan}/{r.scored} TPS") for r in pic.rows[:60]] if pic.level < 4 else []
    return {
        "chart_days": charts.stacked_days(day_list, series, cat_labels, _("Laporan per hari menurut kategori"),
                                          list(cat_labels)) if viewer.sees_reports else None,
        "chart_vuln": charts.hbars(vuln_rows, _("Bagian TPS rawan per wilayah"), maximum=100) if vuln_rows else None,
        "chart_states": charts.states(states, {k: str(v) for k, v in STATE_LABELS.items()},
                                      _("Komitmen menurut status")),
    }


def build_map_config(pic: D.Picture, region: Region, base: str, suffix: str) -> dict[str, Any]:
    """map.js's settings: the region's outlines shaded by each kecamatan's index, its layers, drilling down to
    the dashboard of the region clicked."""
    shading = {r.code: {"color": charts.CLASS_COLOURS.get(r.klass, "#d4d4d4"),
                        "label": f"{r.index:g} · {CLASS_LABELS.get(r.klass, '')}" if r.index is not None else ""}
               for r in pic.kecamatan}
    return {
        "boundariesUrl": reverse("api:map_boundaries") + f"?wilayah={region.code}",
        "tpsUrl": None,
        "tpsPageUrl": "",
        "focus": None,
        "start": {"code": region.code, "name": region.name, "level": region.level, "lat": region.centroid_lat,
                  "lng": region.centroid_lng},
        "tileUrl": "",
        "tileAttribution": "",
        "locale": "id-ID",
        "shading": shading,
        "layersUrl": reverse("api:map_layers") + f"?wilayah={region.code}{suffix}",
        "layerText": layer_text(),
        "drillUrl": f"{base}?wilayah={{code}}{suffix}",
        "text": {
            "loadingBoundaries": _("Memuat batas wilayah…"), "loadingTps": "", "counts": _("{kecamatan} kecamatan"),
            "unlocated": "", "failed": _("Gagal memuat data peta. Muat ulang halaman untuk mencoba lagi."),
            "noData": _("Belum ada batas wilayah dalam cakupan Anda."), "desa": _("Desa/kel."),
            "kecamatan": _("Kec."), "address": "", "voters": "", "generatedNote": "", "generatedVoters": "",
            "generatedLocation": "", "openTps": "", "legendTitle": _("Keterangan"),
            "legendKecamatan": _("Batas kecamatan"), "legendDesa": _("Batas desa/kelurahan"), "legendTps": "",
            "legendTpsGenerated": "", "legendCluster": "",
            "layerKecamatan": _("Kecamatan"), "layerDesa": _("Desa/kelurahan"), "layerTps": _("TPS"),
        },
    }


@capability_required(VIEW_TERRITORY)
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer, region, area = resolve_area(request)
    at, chosen = moment(request)
    return render(request, "situation/dashboard.html", build_context(request, viewer, region, area, at, chosen))


@capability_required(VIEW_TERRITORY)
def events_fragment(request: HttpRequest) -> HttpResponse:
    """The 'last 24 hours' list and the counts, for htmx to swap in every POLL_SECONDS."""
    viewer, region, area = resolve_area(request)
    at, _past = moment(request)
    since = at - datetime.timedelta(hours=24)
    totals = D.totals(viewer, area, at)
    previous = D.totals(viewer, area, at - datetime.timedelta(days=1), light=True)
    return render(request, "situation/_events.html", {
        "events": [{"e": e, "label": EVENT_LABELS.get(e.kind, e.kind)} for e in S.events(viewer, area, since, at)],
        "totals": totals,
        "trends": {k: trend(totals.get(k, 0), previous.get(k, 0)) for k in ("reports_24h", "severe_24h")},
        "sees_reports": viewer.sees_reports,
        "at": at,
        "oob": True,
    })
