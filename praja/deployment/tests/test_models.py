"""Plans stored from the solver: posts, TPS rows, totals, and the audit trail."""

from __future__ import annotations

from typing import Any

from praja.base.models import AuditEntry
from praja.deployment.models import Plan, PlanTPS, Post


def test_a_plan_of_the_regency_stores_every_tps_in_a_post(done_plan: Any) -> None:
    plan = done_plan
    assert plan.status == Plan.Status.DONE
    assert plan.tps_count == 16  # Tulungrejo 13, Sumberoto 1, Arjosari 2
    assert PlanTPS.objects.filter(plan=plan, post__isnull=True).count() == 0
    assert plan.posts_count == Post.objects.filter(plan=plan).count()
    assert plan.officers == sum(Post.objects.filter(plan=plan).values_list("police", flat=True))
    assert plan.officers_lower_bound <= plan.officers
    assert plan.uncovered == 0



def test_running_a_plan_again_replaces_its_posts_with_one_audit_summary(done_plan: Any) -> None:
    from praja.base import audit
    from praja.deployment import plan_jobs

    from .conftest import SYSTEM

    before = {p.pk for p in Post.objects.filter(plan=done_plan)}
    n_audit = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0  # the last number
    with audit.acting_as(SYSTEM):
        plan_jobs.run_plan(done_plan.pk)
    after = Post.objects.filter(plan=done_plan)
    assert after.count() == len(before) and not ({p.pk for p in after} & before)
    assert PlanTPS.objects.filter(plan=done_plan).count() == 16
    new = AuditEntry.objects.filter(seq__gt=n_audit)
    assert new.filter(action="replace", changes__posts=len(before)).count() == 1
    assert not new.filter(action="delete").exists()  # no entry per deleted row


def test_when_people_are_short_sangat_rawan_is_covered_first_and_the_bko_need_is_stated(dep_world: Any) -> None:
    from praja.base import audit
    from praja.deployment import pattern_settings, plan_jobs, regency_pools
    from praja.deployment.models import Pool

    from .conftest import DESA, SYSTEM, set_class

    set_class(f"{DESA}/005", "sangat_rawan")
    with audit.acting_as(SYSTEM):
        regency_pools.ensure_pools("35.07")
        Pool.objects.filter(unit="Polsek Donomulyo").update(available=3)  # 14% kept back: 2 deploy
        pools = [d for d in regency_pools.snapshot_pools("35.07") if d["role"] == "polsek"]
        plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                     pattern_settings.settings_for("35.07").to_core(), pools)
        plan_jobs.run_plan(plan.pk)
    plan.refresh_from_db()
    guarded = PlanTPS.objects.get(plan=plan, code=f"{DESA}/005").post
    assert guarded is not None and guarded.covered and guarded.cls == "sangat_rawan"
    assert plan.uncovered_by_class["sangat_rawan"] == 0 and plan.uncovered_by_class["aman"] > 0
    short = plan.shortfall["35.07.01"]
    assert short["police"] > 0 and plan.bko_needed == sum(s["police"] + s["tni"] for s in plan.shortfall.values())
