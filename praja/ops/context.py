"""The LATIHAN banner's data on every page while a drill exists (running, or its data not yet cleared), and
whether this person views it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def drill(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from praja.ops.models import Drill

    viewing = getattr(request, "drill_id", None)
    d = None
    if viewing:
        d = Drill.objects.filter(pk=viewing).first()
    if d is None:
        # a drill running, else the newest one whose data is still there (until `praja latihan hapus`)
        d = (Drill.objects.filter(status=Drill.Status.RUNNING).order_by("-started_at", "-pk").first()
             or Drill.objects.order_by("-started_at", "-pk").first())
    if d is None:
        return {}
    return {"drill": d, "drill_clock": d.clock(), "drill_viewing": bool(viewing and d.pk == viewing)}
