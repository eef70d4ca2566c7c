"""A deployment plan that takes a while, for the restart test: the real `plan_jobs.run_plan`, pausing at each
step of its progress (the demo regency solves in under a second). Loaded by the server the test starts through
PRAJA_JOBS_MODULES."""

from __future__ import annotations

import time
from typing import Any

from praja import jobs
from praja.deployment import tasks


@jobs.task("test.slow_plan", local=True, attempts=2, on_lost=tasks._plan_lost)
def slow_plan(plan_id: int, pause_s: float) -> dict[str, Any]:
    from praja.deployment import plan_jobs

    return plan_jobs.run_plan(plan_id, on_progress=lambda _d, _t, _u: time.sleep(pause_s))
