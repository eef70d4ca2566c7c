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

from praja.reports.models import Category, Report, TimelineEntry

log = logging.getLogger(__name__)
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def forward_hoax(report_id: int) -> bool:
    """Forward one report to infowatch if it is a hoax report; True when it was forwarded."""
    report = Report.objects.filter(pk=report_id, category=Category.HOAX).first()
    if report is None:
        return False
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
        item = ingest(text, match.group(0).rstrip(".,)") if match else "", report.received_at, report.receipt)
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
    """The hook for a batch: one query finds the hoax reports among them (most reports are not)."""
    hoax = Report.objects.filter(pk__in=report_ids, category=Category.HOAX).order_by("pk").values_list("pk", flat=True)
    for pk in list(hoax):
        forward_hoax(pk)


on_intake.for_batch = on_intake_batch  # type: ignore[attr-defined]


def register() -> None:
    from praja.reports import intake

    if on_intake not in intake.after_intake_hooks:
        intake.after_intake_hooks.append(on_intake)
