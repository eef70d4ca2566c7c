"""Reports of category hoax go to the hoax desk (praja.infowatch), whatever channel brought them.

``forward_hoax`` runs after the report's transaction commits (an ``intake.after_intake_hooks`` entry,
registered by ``register()`` from the app's ready()). It is guarded: when the infowatch app or its
``ingest_forwarded`` service is missing, or fails, the report stays as it is and the failure is logged; a
hoax report is never lost because the hoax desk is down. Forwarding the same receipt twice changes nothing
(infowatch keeps one item per receipt). A note in the report's timeline says it was forwarded.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from praja.reports.models import Category, Report, TimelineEntry

log = logging.getLogger(__name__)
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def forward_hoax(report_id: int) -> bool:
    """Forward one report to infowatch if it is a hoax report; True when it was forwarded."""
    report = Report.objects.filter(pk=report_id, category=Category.HOAX).first()
    if report is None:
        return False
    return _forward(report, None)


def _forward(report: Report, analyse_later: list[Any] | None) -> bool:
    """Forward a hoax report (once). With ``analyse_later`` the new item is not analysed here but appended to
    that list (a batch analyses them at once)."""
    if report.timeline.filter(kind=TimelineEntry.Kind.NOTE, data__has_key="infowatch_item").exists():
        return True  # forwarded before
    try:
        from praja.infowatch import services
    except ImportError:
        return False
    ingest = getattr(services, "ingest_forwarded", None)
    if ingest is None:
        return False
    match = URL.search(report.description)
    text = f"{report.title}\n{report.description}" if report.title not in report.description else report.description
    try:
        item = ingest(text, match.group(0).rstrip(".,)") if match else "", report.received_at, report.receipt,
                      analyse_now=analyse_later is None)
        if analyse_later is not None:
            analyse_later.append(item)
    except Exception:  # noqa: BLE001 - the hoax desk failing must not touch the report
        log.exception("hoax report %s not forwarded to infowatch", report.receipt)
        return False
    TimelineEntry.objects.create(
        report=report, kind=TimelineEntry.Kind.NOTE, actor_label="sistem", channel="sistem",
        text="Diteruskan ke pemantauan hoaks (Info) untuk diperiksa dan diklarifikasi.",
        data={"infowatch_item": getattr(item, "pk", None)},
    )
    return True


def on_intake(report_id: int) -> None:
    """The after-intake hook (see ``register``)."""
    forward_hoax(report_id)


def on_intake_batch(report_ids: list[int]) -> None:
    """The hook for a batch: one query finds the hoax reports among them (most reports are not), and their new
    items are analysed together (one classification and one claim matching for the batch, not one each)."""
    later: list[Any] = []
    fields = ("pk", "receipt", "title", "description", "received_at")  # what forwarding reads of a report
    for report in Report.objects.filter(pk__in=report_ids, category=Category.HOAX).only(*fields).order_by("pk"):
        _forward(report, later)
    if not later:
        return
    try:
        from praja.infowatch import services

        services.analyse(list({item.pk: item for item in later}.values()))
    except Exception:  # noqa: BLE001 - the hoax desk failing must not touch the reports; `praja infowatch fetch`
        # analyses what was left unanalysed
        log.exception("forwarded hoax items %s not analysed", [item.pk for item in later])


on_intake.for_batch = on_intake_batch  # type: ignore[attr-defined]


def register() -> None:
    from praja.reports import intake

    if on_intake not in intake.after_intake_hooks:
        intake.after_intake_hooks.append(on_intake)
