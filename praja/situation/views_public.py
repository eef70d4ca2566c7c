"""Public pages (no sign-in, /publik/): how and where to report, the latest official clarifications (Info
Resmi, from infowatch) and the election's stage calendar.

Nothing about the security deployment is ever shown here: no posts, no personnel, and not the stages'
security posture or the operation's checklists (those are for the operation's staff).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from praja.situation import sources as S


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _stages() -> tuple[Any, list[dict[str, Any]]]:
    from praja.coordination.models import Election

    election = Election.objects.first()
    if election is None:
        return None, []
    today = timezone.localdate()
    rows = [{"name": s.name, "start": s.start, "end": s.end, "now": s.start <= today <= s.end,
             "past": s.end < today} for s in election.stages.order_by("start", "order")]
    return election, rows


def _clarifications(n: int = 5) -> list[Any]:
    try:
        from praja.infowatch.services import published
    except ImportError:  # pragma: no cover
        return []
    return list(published()[:n])


def public_home(request: HttpRequest) -> HttpResponse:
    election, stages = _stages()
    return render(request, "situation/public.html", {
        "report_url": _url("reports_public:form"),
        "follow_url": _url("reports_public:follow_start"),
        "info_url": _url("infowatch:public"),
        "sms_number": str(S.conf("PUBLIC_SMS_NUMBER", "") or ""),
        "clarifications": _clarifications(),
        "election": election,
        "stages": stages,
    })


def public_stages(request: HttpRequest) -> HttpResponse:
    election, stages = _stages()
    return render(request, "situation/public_stages.html", {"election": election, "stages": stages})
