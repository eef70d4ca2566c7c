"""A two-regency plan through a real Celery worker on the machine's Redis (127.0.0.1:6379).

The worker is a subprocess (`celery -A praja.celery worker --pool=solo`) on a queue of its own, started
without Django settings: the pure tasks carry their inputs in the message and need no database. The
test stores the results in its own (test) database. Skipped when Redis is unreachable, unless
PRAJA_TEST_REDIS_REQUIRED=1 (CI), where that is a failure. Never hangs: every wait has a time limit and
the worker is terminated (then killed) in a finally.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.deployment import pattern_settings, plan_edits, plan_jobs, regency_pools, tasks
from praja.deployment.models import Plan, Post

from .conftest import SYSTEM

pytestmark = [pytest.mark.celery, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]
CELERY = str(Path(sys.executable).parent / "celery")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
TIMEOUT_S = 90


def _redis_ok(db: int) -> str:
    """'' when Redis answers PING, else why not."""
    try:
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=2, socket_connect_timeout=2).ping()
        return ""
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def celery_worker(settings: Any) -> Iterator[subprocess.Popen[str]]:
    db = int(os.environ.get("PRAJA_TEST_REDIS_DB", "9"))
    why = _redis_ok(db)
    if why:
        message = f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({why}); the Celery test needs it"
        if os.environ.get("PRAJA_TEST_REDIS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    queue = f"praja-test-{uuid.uuid4().hex[:10]}"
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"
    env = {**os.environ, "PRAJA_CELERY_BROKER_URL": url, "PRAJA_CELERY_RESULT_BACKEND": url,
           "PRAJA_CELERY_QUEUE": queue}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the worker runs without Django: pure tasks only
    env.pop("DATABASE_URL", None)
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"{queue}.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [CELERY, "-A", "praja.celery", "worker", "--pool=solo", "--concurrency", "1", "-Q", queue, "-n",
         f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    settings.PRAJA_CELERY_BROKER_URL = url
    settings.PRAJA_CELERY_RESULT_BACKEND = url
    settings.PRAJA_CELERY_QUEUE = queue
    settings.PRAJA_JOBS_TIMEOUT_S = TIMEOUT_S
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.seek(0)
        output = log.read()
        log.close()
        os.unlink(log.name)
        try:
            import redis

            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=2).delete(queue)
        except Exception:  # noqa: BLE001
            pass
        if "Traceback" in output:
            print(output[-4000:])


def test_a_two_regency_plan_runs_on_a_celery_worker(celery_worker: subprocess.Popen[str], dep_world: World) -> None:
    from praja import jobs

    assert jobs.uses_celery()
    with audit.acting_as(SYSTEM):
        plan = plan_jobs.create_plan("35", pattern_settings.default_pattern("35"),
                                     pattern_settings.settings_for("35").to_core(),
                                     regency_pools.snapshot_pools("35"))
    inputs = plan_jobs.build_inputs(plan)
    _tps, pattern, settings, _pools = plan_edits.core_inputs(plan)
    payloads = [
        tasks.make_payload(reg, tps, [tasks.pool_from_dict(d) for d in plan.pools_snapshot if d["regency"] == reg],
                           pattern, settings)
        for reg, tps in sorted(inputs.by_regency.items())
    ]
    assert [p["key"] for p in payloads] == ["35.07", "35.08"]
    seen: list[tuple[int, int, str]] = []
    try:
        results, total = tasks.plan_many(payloads, on_progress=lambda d, t, u: seen.append((d, t, u)),
                                         timeout=TIMEOUT_S)
    except TimeoutError:
        assert celery_worker.poll() is None, f"the Celery worker exited with {celery_worker.returncode}"
        raise
    # both regencies came back from the worker, each the plan an in-process solve gives
    assert sorted(r["key"] for r in results) == ["35.07", "35.08"]
    for payload, result in zip(payloads, results, strict=True):
        local = tasks.solve_payload(payload)
        assert result["officers"] == local.officers and len(result["posts"]) == len(local.posts)
    # the aggregate is the sum of the regencies
    for key in ("tps", "officers", "officers_lower_bound", "soldiers", "linmas", "reserve", "bko_needed"):
        assert total[key] == sum(r[key] for r in results), key
    assert total["tps"] == 19 and total["regencies"] == 2
    assert seen[-1] == (2, 2, "kabupaten/kota")

    # the same through the stored plan: the page's path, results stored by this process
    with audit.acting_as(SYSTEM):
        plan_jobs.run_plan(plan.pk)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE and plan.backend == "celery" and plan.regencies == 2
    assert plan.officers == total["officers"] and plan.tps_count == 19
    assert {k[:5] for k in Post.objects.filter(plan=plan).values_list("kecamatan_code", flat=True)} == {
        "35.07", "35.08"}
