"""The reports app's background work (see praja/jobs.py)."""

from __future__ import annotations

from praja import jobs


@jobs.task("reports.risk_incident", local=True, attempts=3)  # a re-run updates the same incident: safe
def risk_incident(report_id: int) -> int:
    """A verified report enters the risk index: its incident is recorded (the same receipt again updates it) and
    the TPS of every desa noted so far are scored again (``risk.services.score_pending``: one recompute for all
    the desa a burst of verifications noted). Queued by ``handling.verify`` in the verification's transaction.
    Answers how many desa were scored."""
    from praja.reports import handling
    from praja.risk import services

    if not handling.risk_record(report_id, defer=True):
        return 0
    return services.score_pending()
