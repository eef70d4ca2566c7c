"""The reports app's background work (see praja/jobs.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from praja import jobs


@jobs.task("reports.risk_incident", local=True, attempts=3)  # a re-run updates the same incident: safe
def risk_incident(report_id: int) -> int:
    """A verified report enters the risk index: its incident is recorded (the same receipt again updates it) and
    its desa noted; the TPS are scored by the job `risk.score_pending` queued here, whose first run takes every
    desa noted by then (scoring recomputes the regency: about 70 ms, so a burst of verifications must share it, not
    pay it each). Queued by ``handling.verify`` in the verification's transaction. Answers 1 when an incident was
    recorded, else 0."""
    from praja.reports import handling

    if not handling.risk_record(report_id, defer=True, quiet=False):  # a failure fails the job: it is tried again
        return 0
    jobs.submit("risk.score_pending", title=_("Skor kerawanan setelah verifikasi"))
    return 1
