"""The risk app's background work (see praja/jobs.py)."""

from __future__ import annotations

from praja import jobs


@jobs.task("risk.score_pending", local=True, attempts=3)  # a re-run scores what is still noted: safe
def score_pending() -> int:
    """Score again the TPS of the desa whose incidents changed since the last run (praja.risk.services). A
    worker that dies mid-run leaves the notes in place (the transaction never committed): the next run takes them."""
    from praja.risk import services

    return services.score_pending()
