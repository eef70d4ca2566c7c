"""What the TPS page links to (issue 13): its risk score, its post in the plan in force (with its state today)
and its reports, each only for a reader who may open the page it links to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from praja.base.scope import Scope
from praja.situation import posts as P
from praja.situation import sources as S


def tps_links(request: Any, tps: Any) -> dict[str, Any]:
    viewer = S.Viewer.of(request)
    out: dict[str, Any] = {"risk": None, "post": None, "reports": None}
    from praja.risk.models import TPSScore

    score = TPSScore.objects.filter(tps_id=tps.code).first()
    try:
        risk_url = reverse("risk:tps_detail", kwargs={"desa": tps.desa_id, "number": tps.number})
    except NoReverseMatch:
        risk_url = ""
    out["risk"] = {"score": score.score if score else None, "klass": score.get_klass_display() if score else "",
                   "url": risk_url}
    now = timezone.now()
    if viewer.sees_deployment:
        from praja.deployment.models import PlanTPS

        plan = S.current_plan(viewer, tps.code, now)
        row = (PlanTPS.objects.filter(plan=plan, code=tps.code).select_related("post").first()
               if plan is not None else None)
        if row is not None and row.post is not None:
            visible = S.visible_posts_of(viewer, Scope.of([S.kecamatan_of(tps.code)]), plan).filter(pk=row.post_id)
            state = P.state_rows(visible, timezone.localdate(), now)
            if state:
                out["post"] = {"code": row.post.code, "state": state[0]["state"],
                               "url": reverse("deployment:post", args=[plan.pk, row.post.number])}
    if viewer.sees_reports:
        qs = S.visible_reports(viewer, Scope.of([tps.desa_id])).filter(tps_id=tps.code)
        rows = list(qs.order_by("-received_at").values("receipt", "title", "status", "severity", "received_at")[:10])
        out["reports"] = {
            "total": qs.count(), "open": qs.filter(status__in=S.OPEN_STATUSES).count(), "rows": rows,
            "url": reverse("reports:index") + "?" + urlencode({"tempat": tps.code}),
        }
    return out
