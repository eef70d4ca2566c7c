"""The drill page (/latihan/) for the operations staff: start a drill at a chosen speed, watch it run, stop it,
clear it; and for everyone signed in, the choice to view the drill's data instead of the real data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from praja.base import roles as R
from praja.base.access import capability_required
from praja.base.drillctx import SESSION_KEY
from praja.ops import drill as D
from praja.ops.models import Drill

# Who runs drills: the operations staff (those who plan the deployment).
RUN = R.PLAN_DEPLOYMENT


def _kecamatan_names() -> list[tuple[str, str]]:
    from praja.territory.models import Region

    return list(Region.objects.filter(level=Region.Level.KECAMATAN, parent_id="35.07").order_by("name")
                .values_list("code", "name"))


def _context(request: HttpRequest) -> dict[str, object]:
    d = Drill.objects.order_by("-started_at", "-pk").first()
    return {"d": d, "s": D.summary(d) if d is not None else None,
            "kecamatan": _kecamatan_names(), "speeds": [30, 60, 120, 300, 600, 3600]}


@never_cache
@require_GET
@capability_required(RUN)
def drill_page(request: HttpRequest) -> HttpResponse:
    return render(request, "ops/drill.html", _context(request))


@never_cache
@require_GET
@capability_required(RUN)
def drill_tick(request: HttpRequest) -> HttpResponse:
    """Polled by the drill page every few seconds: runs the events whose drill time has come."""
    d = D.current()
    if d is not None:
        D.tick(d, limit=60)
    return render(request, "ops/_drill_progress.html", _context(request))


@require_POST
@capability_required(RUN)
def drill_start(request: HttpRequest) -> HttpResponse:
    if D.current() is not None:
        messages.error(request, _("Sudah ada latihan berjalan: hentikan dulu."))
        return redirect("ops:drill")
    try:
        speed = max(1, min(3600, int(request.POST.get("kecepatan") or 60)))
        reports = max(0, min(2000, int(request.POST.get("laporan") or 150)))
    except ValueError:
        messages.error(request, _("Kecepatan dan jumlah laporan harus berupa angka."))
        return redirect("ops:drill")
    try:
        d = D.plan_drill(speed=speed, reports=reports, surge=request.POST.get("lonjakan", ""), user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("ops:drill")
    request.session[SESSION_KEY] = d.pk
    from praja import jobs

    jobs.submit("ops.drill_play", d.pk, progress_key=f"ops.drill:{d.pk}", title=_("Latihan hari pemungutan suara"))
    messages.success(request, _("Latihan dimulai. Anda kini melihat data latihan."))
    return redirect("ops:drill")


@require_POST
@capability_required(RUN)
def drill_stop(request: HttpRequest) -> HttpResponse:
    d = D.current()
    if d is not None:
        D.stop(d)
        messages.success(request, _("Latihan dihentikan."))
    return redirect("ops:drill")


@require_POST
@capability_required(RUN)
def drill_clear(request: HttpRequest) -> HttpResponse:
    n = D.clear()
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("%(n)s latihan dihapus beserta semua datanya.") % {"n": n})
    return redirect("ops:drill")


@require_POST
@login_required
def drill_view(request: HttpRequest) -> HttpResponse:
    """View the drill's data (the drill only) or go back to the real data."""
    raw = request.POST.get("lihat", "0")
    pk = int(raw) if raw.isdigit() else 0
    if pk and Drill.objects.filter(pk=pk).exists():
        request.session[SESSION_KEY] = pk
    else:
        request.session.pop(SESSION_KEY, None)
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("situation:home")
    return redirect(nxt)
