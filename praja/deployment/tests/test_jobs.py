"""Deployment jobs (the queue itself is tested in praja/jobqueue/tests): a province plan fanned out one job
per regency, its totals the sum of the regencies."""

from __future__ import annotations

import pytest

from praja import jobs
from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.deployment import pattern_settings, plan_edits, plan_jobs, regency_pools, tasks
from praja.deployment.models import Plan, Post

from .conftest import SYSTEM


def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(KeyError, match="no job named"):
        jobs.submit("test.nothing")


def test_one_regency_reports_progress_per_kecamatan(dep_world: World) -> None:
    seen: list[tuple[int, int, str]] = []
    with audit.acting_as(SYSTEM):
        plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                     pattern_settings.settings_for("35.07").to_core(),
                                     regency_pools.snapshot_pools("35.07"))
        plan_jobs.run_plan(plan.pk, on_progress=lambda d, t, u: seen.append((d, t, u)))
    assert (2, 2, "kecamatan") in seen  # Donomulyo and Kalipare
    assert seen[-1] == (1, 1, "kabupaten/kota")


def test_a_province_plan_fans_out_per_regency_and_adds_them_up(dep_world: World) -> None:
    seen: list[tuple[int, int, str]] = []
    with audit.acting_as(SYSTEM):
        plan = plan_jobs.create_plan("35", pattern_settings.default_pattern("35"),
                                     pattern_settings.settings_for("35").to_core(),
                                     regency_pools.snapshot_pools("35"))
        plan_jobs.run_plan(plan.pk, on_progress=lambda d, t, u: seen.append((d, t, u)))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE and plan.regencies == 2
    assert seen[-1] == (2, 2, "kabupaten/kota")
    kecamatan = Post.objects.filter(plan=plan).values_list("kecamatan_code", flat=True)
    assert {k[:5] for k in kecamatan} == {"35.07", "35.08"}
    # the totals are the sums of the two regencies planned on their own
    inputs = plan_jobs.build_inputs(plan)
    pattern, settings = plan_edits.core_inputs(plan)[1:3]
    one = []
    for reg, tps in sorted(inputs.by_regency.items()):
        pools = [tasks.pool_from_dict(d) for d in plan.pools_snapshot if d["regency"] == reg]
        one.append(tasks.solve_payload(tasks.make_payload(reg, tps, pools, pattern, settings)))
    assert plan.officers == sum(p.officers for p in one)
    assert plan.officers_lower_bound == sum(p.officers_lower_bound for p in one)
    assert plan.tps_count == sum(p.tps for p in one) == 19


def test_aggregate_sums_counts_and_takes_the_longest_trip() -> None:
    a = {"tps": 3, "officers": 4, "officers_lower_bound": 4, "soldiers": 0, "linmas": 1, "bko_needed": 0,
         "bko_used": 0, "reserve": 5, "reserve_required": 2, "posts": [{}, {}], "km_total": 1.5, "km_max": 1.0,
         "bko_cost": 0.0, "uncovered_by_class": {"aman": 1}, "shortfall": {"35.07.01": {"police": 2}},
         "bounds": {"capacity": 4}, "bound_name": "x", "seconds": 0.5}
    b = dict(a, km_max=2.5, officers=6, shortfall={}, uncovered_by_class={"rawan": 2})
    out = tasks.aggregate([a, b])
    assert out["officers"] == 10 and out["posts"] == 4 and out["km_max"] == 2.5 and out["km_total"] == 3.0
    assert out["uncovered_by_class"]["aman"] == 1 and out["uncovered_by_class"]["rawan"] == 2
    assert out["shortfall"] == {"35.07.01": {"police": 2}} and out["bounds"] == {"capacity": 8}
    assert out["regencies"] == 2 and out["bound_name"] == "x"
