"""The deployment API (/api/v1/deployment/): plans and posts in scope, start a plan, re-check it."""

from __future__ import annotations

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import World
from praja.deployment.models import Plan

pytestmark = pytest.mark.django_db


def test_ops_starts_a_plan_and_reads_its_totals_and_posts(ops_client: Client, dep_world: World) -> None:
    r = ops_client.post("/api/v1/deployment/plans", {"region": "35.07", "name": "api", "walking_km": 1.0},
                        content_type="application/json")
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "done" and body["tps"] == 16 and body["name"] == "api"
    plan = Plan.objects.get(pk=body["id"])
    assert plan.settings_snapshot["walking_km"] == 1.0
    one = ops_client.get(f"/api/v1/deployment/plans/{plan.pk}").json()
    assert one["officers"] == plan.officers and one["officers_lower_bound"] == plan.officers_lower_bound
    posts = ops_client.get(f"/api/v1/deployment/plans/{plan.pk}/posts").json()
    assert posts["count"] == plan.posts_count
    assert sorted(c for p in posts["items"] for c in p["tps"]) == sorted(
        plan.plan_tps.values_list("code", flat=True))
    assert ops_client.get(f"/api/v1/deployment/plans/{plan.pk}/progress").json()["status"] == "done"
    assert ops_client.post(f"/api/v1/deployment/plans/{plan.pk}/check").json() == {"violations": []}


def test_a_polsek_officer_reads_his_posts_but_not_the_whole_plan(polsek_client: Client, done_plan: Plan) -> None:
    assert polsek_client.get("/api/v1/deployment/plans").json()["count"] == 1
    assert polsek_client.get(f"/api/v1/deployment/plans/{done_plan.pk}").status_code == 403
    posts = polsek_client.get(f"/api/v1/deployment/plans/{done_plan.pk}/posts").json()["items"]
    assert posts and {p["kecamatan"] for p in posts} == {"35.07.01"}
    r = polsek_client.post("/api/v1/deployment/plans", {"region": "35.07"}, content_type="application/json")
    assert r.status_code == 403
    assert polsek_client.post(f"/api/v1/deployment/plans/{done_plan.pk}/check").status_code == 403


def test_a_region_outside_scope_is_404(ops_client: Client, dep_world: World) -> None:
    r = ops_client.post("/api/v1/deployment/plans", {"region": "35.08"}, content_type="application/json")
    assert r.status_code == 404
    assert ops_client.get("/api/v1/deployment/plans/999").status_code == 404
