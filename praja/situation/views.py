"""The home page (per role), the situation map and the active-region picker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from praja.base import roles as R
from praja.base.access import person_of
from praja.ops.work import my_work
from praja.situation import figures as fig
from praja.situation.stages import stage_panel
from praja.territory import regionpick
from praja.territory.models import Region

# Modules of the mission that are not built yet: shown as "coming", linked once their page exists.
MODULES: list[tuple[str, Any, Any]] = [
    ("situation:dashboard", gettext_lazy("Gambaran situasi"),
     gettext_lazy("Indeks kondusif per kecamatan, kejadian 24 jam terakhir dan lapsit harian")),
    ("risk:index", gettext_lazy("Pemetaan kerawanan TPS"),
     gettext_lazy("Indeks kerawanan per TPS dari indikator Bawaslu dan Polri")),
    ("deployment:index", gettext_lazy("Rencana pengamanan TPS"),
     gettext_lazy("Pola pengamanan dan penempatan personel per TPS")),
    ("reports:index", gettext_lazy("Laporan kejadian"),
     gettext_lazy("Laporan dari lapangan, triase dan rujukan ke instansi")),
    ("infowatch:index", gettext_lazy("Pantauan hoaks"),
     gettext_lazy("Berita dan unggahan yang perlu diklarifikasi")),
    ("coordination:index", gettext_lazy("Rakor dan komitmen"),
     gettext_lazy("Rapat koordinasi, komitmen dan tenggatnya")),
]

# Home kinds (Role.home) in the order their panels come first when a person holds several roles.
HOME_ORDER = ["admin", "operations", "station", "election", "supervision", "overview"]
# More rows than this and the per-desa table is left to the TPS list.
MAX_DESA_ROWS = 400


def url_or_none(name: str, *args: Any) -> str | None:
    """The URL of a named route, or None when that page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    note: str = ""


def quick_links(request: HttpRequest) -> list[Link]:
    caps = request.capabilities  # type: ignore[attr-defined]
    wanted: list[tuple[str, bool, str, str]] = [
        ("situation:map", R.VIEW_TERRITORY in caps, _("Peta situasi"), _("Batas wilayah dan semua TPS")),
        ("territory:tps_list", R.VIEW_TERRITORY in caps, _("Daftar TPS"), _("Cari dan periksa data TPS")),
        ("territory:import_tps", R.IMPORT_TERRITORY in caps, _("Impor TPS"),
         _("Muat daftar TPS dari berkas CSV/XLSX KPU")),
        ("territory:region_list", R.VIEW_TERRITORY in caps, _("Wilayah"), _("Kecamatan dan desa/kelurahan")),
        ("territory:jurisdiction_list", R.VIEW_TERRITORY in caps, _("Satuan kewilayahan"),
         _("Polres, Polsek, Kodim dan Koramil serta wilayahnya")),
        ("accounts:person_list", R.VIEW_PEOPLE in caps, _("Personel"), _("Siapa bertugas di mana")),
        ("accounts:agency_list", R.VIEW_PEOPLE in caps, _("Instansi"), _("Instansi mitra dan kontaknya")),
        ("accounts:audit_list", R.VIEW_AUDIT in caps, _("Catatan audit"), _("Siapa mengubah apa, kapan")),
        ("ops:drill", R.PLAN_DEPLOYMENT in caps, _("Latihan hari pemungutan suara"),
         _("Putar ulang hari-H pada kecepatan pilihan; data latihan terpisah dari data nyata")),
        ("admin:index", bool(getattr(request.user, "is_staff", False)), _("Administrasi"),
         _("Pengguna, peran dan data dasar")),
    ]
    out = []
    for name, allowed, label, note in wanted:
        url = url_or_none(name) if allowed else None
        if url:
            out.append(Link(url, label, note))
    return out


# What a person must hold to open each module's first page (the module is not listed otherwise).
MODULE_NEEDS: dict[str, str] = {
    "situation:dashboard": R.VIEW_TERRITORY, "risk:index": R.VIEW_TERRITORY, "deployment:index": R.VIEW_DEPLOYMENT,
    "reports:index": R.REPORTS_VIEW, "infowatch:index": R.INFOWATCH_ANALYSE, "coordination:index": R.VIEW_TERRITORY,
}


def modules(request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """The modules this person may open (all, without a request); never a link to a page that answers 403."""
    caps = getattr(request, "capabilities", None) if request is not None else None
    return [{"label": label, "note": note, "url": url_or_none(name)} for name, label, note in MODULES
            if caps is None or MODULE_NEEDS.get(name, "") in caps]


def homes_of(request: HttpRequest) -> list[str]:
    person = person_of(request.user)
    kinds = {r.home for r in person.roles()} if person is not None else set()
    if getattr(request.user, "is_superuser", False):
        kinds.add("admin")
    return [h for h in HOME_ORDER if h in kinds] or ["overview"]


def region_title(region: Region) -> str:
    """The name as it is written in Indonesia: "Kecamatan Singosari", "Desa Tulungrejo", "Kota Batu"."""
    kind = (region.kind or "").replace("_", " ").capitalize()
    if kind and not region.name.lower().startswith(kind.lower()):
        return f"{kind} {region.name}"
    return region.name


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    homes = homes_of(request)
    scope = regionpick.effective_scope(request)
    region = regionpick.active_region(request)
    figures = fig.figures(scope)
    kec_rows = fig.kecamatan_rows(scope) if figures.kecamatan > 1 else []
    desa_rows = fig.desa_rows(scope) if not kec_rows and 0 < figures.desa <= MAX_DESA_ROWS else []
    scope_names = []
    if not request.scope.national:  # type: ignore[attr-defined]
        scope_names = list(
            Region.objects.filter(code__in=sorted(request.scope.regions)).order_by("code")  # type: ignore[attr-defined]
            .values_list("name", flat=True)
        )
    context = {
        "person": person,
        "role_labels": [r.label for r in person.roles()] if person is not None else [],
        "homes": homes,
        "primary_home": homes[0],
        "active_region": region,
        "active_name": region_title(region) if region else "",
        "scope_national": request.scope.national,  # type: ignore[attr-defined]
        "scope_names": scope_names,
        "figures": figures,
        "kecamatan_rows": kec_rows,
        "desa_rows": desa_rows,
        "links": quick_links(request),
        "modules": modules(request),
        "work": my_work(request),
        "scope_empty": request.scope.is_empty,  # type: ignore[attr-defined]
        "stages": stage_panel(request.GET.get("tanggal", ""), request),
    }
    return render(request, "situation/home.html", context)


def _region_focus(region: Region | None) -> dict[str, Any] | None:
    if region is None:
        return None
    return {"code": region.code, "name": region.name, "level": region.level,
            "lat": region.centroid_lat, "lng": region.centroid_lng}


def _tps_url_template() -> str:
    """The TPS page's URL with {desa} and {number} placeholders, when the TPS pages exist."""
    try:
        url = reverse("territory:tps_detail", kwargs={"desa": "DESA", "number": 987654321})
    except NoReverseMatch:
        return ""
    return url.replace("DESA", "{desa}").replace("987654321", "{number}")


def _moment_suffix(request: HttpRequest) -> str:
    """?saat=... when the map is asked for a moment (the layers then show it); '' for now."""
    from urllib.parse import urlencode

    from praja.situation import moment as M

    at, chosen = M.from_request(request)
    return "?" + urlencode({"saat": M.input_value(at)}) if chosen else ""


def layer_text() -> dict[str, Any]:
    """The names of the situation layers and of their classes and states, for map.js."""
    from praja.risk.models import Klass

    return {
        "riskLayer": _("TPS menurut kelas kerawanan"), "postsLayer": _("Pos hari ini (terisi, kurang, belum)"),
        "reportsLayer": _("Laporan terbuka"), "open": _("terbuka"), "severe": _("berat"),
        "risk": {k.value: str(k.label) for k in Klass},
        "post": {"terisi": _("terisi"), "kurang": _("kurang personel"), "belum": _("belum melapor")},
    }


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    region = regionpick.active_region(request)
    scope = request.scope  # type: ignore[attr-defined]
    # Where to look before the data arrives: the active region, else the first region of the scope.
    start = region
    if start is None and not scope.national and scope.regions:
        start = Region.objects.filter(code=sorted(scope.regions)[0]).first()
    config = {
        "boundariesUrl": reverse("api:map_boundaries"),
        "tpsUrl": reverse("api:map_tps"),
        "tpsPageUrl": _tps_url_template(),
        "focus": _region_focus(region),
        "start": _region_focus(start),
        "tileUrl": settings.PRAJA.get("TILE_URL", ""),
        "tileAttribution": settings.PRAJA.get("TILE_ATTRIBUTION", ""),
        "locale": "id-ID" if (get_language() or "id").startswith("id") else "en-GB",
        "layersUrl": reverse("api:map_layers") + _moment_suffix(request),
        "showPosts": True,
        "showReports": True,
        "layerText": layer_text(),
        "text": {
            "loadingBoundaries": _("Memuat batas wilayah…"),
            "loadingTps": _("Memuat TPS… {done}/{total}"),
            "counts": _("{kecamatan} kecamatan · {tps} TPS"),
            "unlocated": _("{n} TPS tanpa koordinat tidak tampil"),
            "failed": _("Gagal memuat data peta. Muat ulang halaman untuk mencoba lagi."),
            "noData": _("Belum ada TPS atau batas wilayah dalam cakupan Anda."),
            "desa": _("Desa/kel."),
            "kecamatan": _("Kec."),
            "address": _("Alamat"),
            "voters": _("Pemilih (DPT)"),
            "generatedNote": _("Nilai bangkitan, bukan data KPU:"),
            "generatedVoters": _("jumlah pemilih"),
            "generatedLocation": _("koordinat"),
            "openTps": _("Buka halaman TPS"),
            "legendTitle": _("Keterangan"),
            "legendKecamatan": _("Batas kecamatan"),
            "legendDesa": _("Batas desa/kelurahan"),
            "legendTps": _("TPS"),
            "legendTpsGenerated": _("TPS, lokasi bangkitan"),
            "legendCluster": _("Kelompok TPS (klik untuk memperbesar)"),
            "layerKecamatan": _("Kecamatan"),
            "layerDesa": _("Desa/kelurahan"),
            "layerTps": _("TPS"),
        },
    }
    return render(request, "situation/map.html", {"map_config": config, "active_region": region})


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return reverse("situation:home")


@login_required
@require_POST
def pick_region(request: HttpRequest) -> HttpResponse:
    """Set (or clear, with `clear`) the active region from the picker's selects, then go back."""
    if request.POST.get("clear"):
        regionpick.set_active_region(request, None)
        return redirect(_next_url(request))
    code = regionpick.choose(
        request.scope,  # type: ignore[attr-defined]
        request.POST.get("kabupaten", ""), request.POST.get("kecamatan", ""), request.POST.get("desa", ""),
    )
    if code is None or not regionpick.set_active_region(request, code):
        messages.error(request, _("Wilayah itu di luar cakupan Anda."))
    return redirect(_next_url(request))


@login_required
@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """The <select> of regions one level below `parent` (htmx swaps it into the picker)."""
    scope = request.scope  # type: ignore[attr-defined]
    field = request.GET.get("field", "desa")
    level = {"kecamatan": 3, "desa": 4}.get(field, 4)
    parent = request.GET.get("kabupaten" if level == 3 else "kecamatan", "").strip()
    options: list[tuple[str, str]] = []
    if parent and scope.covers(parent):
        options = regionpick.options_under(scope, parent, level)
    return render(request, "situation/_region_select.html", {
        "level": regionpick.PickerLevel(level, field, options, "", parent),
    })
