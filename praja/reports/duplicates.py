"""Duplicates and related reports: linked, never merged.

A new report is linked to an earlier one when
- it is about the same TPS (or, without a TPS, the same desa) and category within
  ``DUPLICATE_WINDOW_HOURS`` hours ("kemungkinan duplikat"), or
- its text is near-identical (similarity >= ``DUPLICATE_TEXT_SIMILARITY``) to a report of the last
  ``DUPLICATE_TEXT_HOURS`` hours (the same message sent twice, or forwarded by several people).

Both reports keep everything they have; the link is shown on both and written into both timelines.
Runs after every intake (registered in apps.py) and costs a few indexed queries.
"""

from __future__ import annotations

import datetime
import re
from difflib import SequenceMatcher
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from praja.reports import legal
from praja.reports.models import Report, ReportLink, TimelineEntry

MAX_TEXT_CANDIDATES = 200
TEXT_PREFIX = 2000  # characters compared


def window_hours() -> float:
    return float(legal.conf().get("DUPLICATE_WINDOW_HOURS", 6))


def text_hours() -> float:
    return float(legal.conf().get("DUPLICATE_TEXT_HOURS", 72))


def threshold() -> float:
    return float(legal.conf().get("DUPLICATE_TEXT_SIMILARITY", 0.85))


_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    return " ".join(_WORD.findall((text or "").lower()))[:TEXT_PREFIX]


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two normalised texts (difflib ratio, with its cheap upper bounds first)."""
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < threshold() or m.quick_ratio() < threshold():
        return 0.0
    return m.ratio()


def candidates_same_place(report: Report) -> list[Report]:
    t0 = report.received_at - datetime.timedelta(hours=window_hours())
    qs = Report.objects.filter(category=report.category, received_at__gte=t0, received_at__lte=report.received_at)
    if report.tps_id:
        qs = qs.filter(tps_id=report.tps_id)
    elif report.region_id and report.region_id.count(".") == 3:  # a desa
        qs = qs.filter(Q(region_id=report.region_id) | Q(tps__code__startswith=report.region_id + "/"))
    else:
        return []
    return list(qs.exclude(pk=report.pk).order_by("-received_at")[:20])


def candidates_text(report: Report) -> list[tuple[Report, float]]:
    t0 = report.received_at - datetime.timedelta(hours=text_hours())
    mine = normalise(f"{report.title} {report.description}")
    out: list[tuple[Report, float]] = []
    qs = (Report.objects.filter(received_at__gte=t0, received_at__lte=report.received_at)
          .exclude(pk=report.pk).only("pk", "title", "description", "receipt", "received_at")
          .order_by("-received_at")[:MAX_TEXT_CANDIDATES])
    for other in qs:
        score = similarity(mine, normalise(f"{other.title} {other.description}"))
        if score >= threshold():
            out.append((other, score))
    return out


def link(report: Report, other: Report, kind: str, reason: str, *, user: Any = None, label: str = "") -> bool:
    """Link two reports both ways (and note it in both timelines); False when they were linked already."""
    if report.pk == other.pk:
        return False
    try:
        with transaction.atomic():
            ReportLink.objects.create(report=report, other=other, kind=kind, reason=reason[:200], created_by=user)
            ReportLink.objects.create(report=other, other=report, kind=kind, reason=reason[:200], created_by=user)
            for a, b in ((report, other), (other, report)):
                TimelineEntry.objects.create(
                    report=a, kind=TimelineEntry.Kind.LINKED, actor=user, actor_label=label or _("sistem"),
                    channel="web" if user else "sistem", text=reason[:200],
                    data={"other": b.pk, "receipt": b.receipt, "kind": kind},
                )
    except IntegrityError:
        return False
    return True


def find_and_link(report: Report) -> list[int]:
    """Link the report to its likely duplicates; answer the ids linked."""
    linked: list[int] = []
    seen: set[int] = set(ReportLink.objects.filter(report=report).values_list("other_id", flat=True))
    for other in candidates_same_place(report):
        if other.pk in seen:
            continue
        place = report.tps_id or report.region_id
        reason = _("Tempat (%(p)s) dan kategori sama dalam %(h)s jam") % {"p": place, "h": f"{window_hours():g}"}
        if link(report, other, ReportLink.Kind.DUPLICATE, reason):
            linked.append(other.pk)
            seen.add(other.pk)
    for other, score in candidates_text(report):
        if other.pk in seen:
            continue
        reason = _("Teks hampir sama (kemiripan %(s)s%%)") % {"s": int(score * 100)}
        if link(report, other, ReportLink.Kind.DUPLICATE, reason):
            linked.append(other.pk)
            seen.add(other.pk)
    return linked


def on_intake(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        find_and_link(report)
