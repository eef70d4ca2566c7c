"""A worker: claims queued jobs one at a time and runs them (`praja worker`; `praja serve` starts them).

On start and every RECOVER_EVERY_S it looks for running jobs whose worker died (praja.jobqueue.queue.recover).
SIGTERM or SIGINT: no new job is claimed; a job running then is stopped and queued again (or marked failed
with a retry offered when no attempt remains), so a restart never leaves it "running".
"""

from __future__ import annotations

import itertools
import logging
import signal
import threading
import time
from types import FrameType

from django.db import close_old_connections, connections

from praja import jobs
from praja.jobqueue import queue

log = logging.getLogger("praja.jobs")

POLL_S = 1.0
RECOVER_EVERY_S = 30.0
_numbers = itertools.count(1)


class Worker:
    def __init__(self, *, poll_s: float = POLL_S, recover_every_s: float = RECOVER_EVERY_S,
                 seal_every_s: float | None = None) -> None:
        self.name = f"{queue.worker_name()}/{next(_numbers)}"
        self.poll_s = poll_s
        self.recover_every_s = recover_every_s
        # The audit log's sequencer (praja.base.audit_seal.seal) between jobs, every AUDIT_SEAL_INTERVAL seconds
        # (0: never). Several workers take turns on the head row; a turn with nothing to seal writes only it.
        if seal_every_s is None:
            seal_every_s = float(jobs._setting("AUDIT_SEAL_INTERVAL", 0) or 0)
        self.seal_every_s = seal_every_s
        self.stopping = threading.Event()
        self.running: int | None = None  # the job being run now

    def run(self, *, max_jobs: int | None = None) -> int:
        """Claim and run jobs until told to stop (or `max_jobs` ran); returns how many ran."""
        ran = 0
        last_recover = 0.0
        last_seal = time.monotonic()
        try:
            while not self.stopping.is_set() and (max_jobs is None or ran < max_jobs):
                close_old_connections()
                try:
                    if time.monotonic() - last_recover >= self.recover_every_s:
                        last_recover = time.monotonic()
                        queue.recover()
                    if self.seal_every_s > 0 and time.monotonic() - last_seal >= self.seal_every_s:
                        last_seal = time.monotonic()
                        self.seal()
                    j = queue.claim(self.name)
                except Exception:  # noqa: BLE001 - a busy or restarting database: try again shortly
                    log.warning("worker %s: the queue could not be read", self.name, exc_info=True)
                    self.stopping.wait(self.poll_s)
                    continue
                if j is None:
                    self.stopping.wait(self.poll_s)
                    continue
                self.running = j.pk
                try:
                    queue.execute(j, self.name)
                except jobs.Stop:
                    queue.lost(queue.row(j.pk), "Pekerja dihentikan di tengah pekerjaan (server dihentikan).")
                    break
                finally:
                    self.running = None
                ran += 1
        finally:
            connections.close_all()
        return ran

    def seal(self) -> None:
        from praja.base.audit_seal import seal

        try:
            seal(wait=min(2.0, self.seal_every_s))
        except Exception:  # noqa: BLE001 - keep working; the next turn seals what this one could not
            log.warning("worker %s: the audit log could not be sealed", self.name, exc_info=True)
        finally:
            close_old_connections()

    def stop(self) -> None:
        self.stopping.set()


def main(poll_s: float = POLL_S) -> int:
    """The worker process: runs until SIGTERM/SIGINT."""
    w = Worker(poll_s=poll_s)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        w.stop()
        if w.running is not None:
            raise jobs.Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"praja worker {w.name}: menunggu pekerjaan / waiting for jobs", flush=True)
    w.run()
    return 0


class ThreadWorker:
    """A worker in a thread of this process (tests, a browser test's live server): `with ThreadWorker(): ...`."""

    def __init__(self, poll_s: float = 0.2) -> None:
        self.worker = Worker(poll_s=poll_s, recover_every_s=3600, seal_every_s=0)
        self.thread = threading.Thread(target=self.worker.run, name="praja-job-worker", daemon=True)

    def __enter__(self) -> ThreadWorker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()
        self.thread.join(timeout=60)
