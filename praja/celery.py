"""The Celery app of Praja: runs the pure tasks of `praja.jobs` (plain data in, plain data out).

    PRAJA_CELERY_BROKER_URL=redis://127.0.0.1:6379/0 celery -A praja.celery worker -Q praja --concurrency 2

Configuration from the environment (or Django settings when the worker runs with them):
`PRAJA_CELERY_BROKER_URL`, `PRAJA_CELERY_RESULT_BACKEND` (default: the broker), `PRAJA_CELERY_QUEUE`
(default ``praja``). Workers need no database: the web process or the command line that submitted the
work stores the results.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from praja import jobs


def make_app(broker: str, backend: str, queue: str) -> Any:
    app = Celery("praja", broker=broker or None, backend=backend or None, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 4 * 3600},
        worker_hijack_root_logger=False,
    )
    for t in jobs.load_tasks().values():
        if not t.local:
            app.task(name=t.name)(t.fn)
    return app


app = make_app(jobs.broker_url(), jobs.result_backend(), jobs.queue_name())
