"""The drill's play job: a running drill advances on its clock whether or not anyone watches the drill page."""

from __future__ import annotations

import time

from praja import jobs

POLL_S = 1.0


@jobs.task("ops.drill_play", local=True)
def drill_play(drill_id: int) -> str:
    """Run the drill's events as its clock reaches them until it is done or stopped (one worker, the whole
    drill). Where jobs run at once (tests) the whole day is played now."""
    from praja.ops import drill as D
    from praja.ops.models import Drill, DrillEvent

    total = DrillEvent.objects.filter(drill_id=drill_id).count()
    while True:
        d = Drill.objects.filter(pk=drill_id).first()
        if d is None or d.status != Drill.Status.RUNNING:
            break
        D.tick(d, limit=500, until=d.end_at() if jobs.eager() else None)
        done = DrillEvent.objects.filter(drill_id=drill_id, done=True).count()
        jobs.report(done, total, f"{d.clock():%H.%M}")
        if jobs.eager():
            continue
        time.sleep(POLL_S)
    return "selesai"
