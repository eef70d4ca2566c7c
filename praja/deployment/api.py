"""Deployment API (/api/v1/deployment/): plans in scope, their totals, posts and progress; start a plan;
re-check it. Viewing needs deployment.view (403 without); starting and re-checking deployment.plan.
A plan or post outside the caller's scope answers 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from praja.accounts import visibility
from praja.api_support import BoundedPagination, Detail, require
from praja.base.roles import PLAN_DEPLOYMENT, VIEW_DEPLOYMENT
from praja.base.scope import Scope
from praja.deployment import pattern_settings, plan_edits, plan_jobs, plan_queries, regency_pools
from praja.deployment.models import Pattern, Plan, Post
from praja.deployment.solver import Settings
from praja.territory.models import Region

router = Router(tags=["deployment"])


def _scope(request: HttpRequest) -> Scope:
    require(request, VIEW_DEPLOYMENT)
    return visibility.scope_of(request)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = plan_queries.visible_plans(_scope(request)).filter(pk=plan_id).first()
    if plan is None:
        raise HttpError(404, "plan not found")
    return plan


class PlanOut(Schema):
    id: int
    region: str
    version: int
    name: str
    status: str
    pattern: str
    tps: int
    posts: int
    officers: int
    officers_lower_bound: int
    bound_name: str
    soldiers: int
    linmas: int
    km_total: float
    km_max: float
    uncovered_by_class: dict[str, int]
    bko_needed: int
    reserve: int
    seconds: float
    hand_edited: bool
    created_at: str

    @staticmethod
    def resolve_region(obj: Plan) -> str:
        return obj.region_code

    @staticmethod
    def resolve_version(obj: Plan) -> int:
        return obj.number

    @staticmethod
    def resolve_pattern(obj: Plan) -> str:
        return str(obj.pattern_snapshot.get("name", ""))

    @staticmethod
    def resolve_tps(obj: Plan) -> int:
        return obj.tps_count

    @staticmethod
    def resolve_posts(obj: Plan) -> int:
        return obj.posts_count

    @staticmethod
    def resolve_created_at(obj: Plan) -> str:
        return obj.created_at.isoformat()


class PostOut(Schema):
    number: int
    code: str
    kecamatan: str = Field(..., alias="kecamatan_code")
    lat: float
    lng: float
    cls: str
    police: int
    tni: int
    linmas: int
    pool: str
    km: float
    tni_pool: str
    tni_km: float
    covered: bool
    edited_by_hand: bool
    tps: list[str]

    @staticmethod
    def resolve_tps(obj: Post) -> list[str]:
        return sorted(r.code for r in obj.tps_rows.all())


class ProgressOut(Schema):
    status: str
    done: int
    total: int
    unit: str
    error: str


class PlanIn(Schema):
    region: str = Field(..., description="regency (35.07), province (35) or ID for the whole country")
    pattern_id: int | None = None
    walking_km: float | None = None
    area: str | None = None
    reserve_share: float | None = None
    name: str = ""


class CheckOut(Schema):
    violations: list[str]


@router.get("/plans", response={200: list[PlanOut], 403: Detail}, summary="Plans of regions in scope, newest first")
@paginate(BoundedPagination)
def plans(request: HttpRequest) -> QuerySet[Plan]:
    return plan_queries.visible_plans(_scope(request))


@router.get("/plans/{plan_id}", response={200: PlanOut, 403: Detail, 404: Detail},
            summary="One plan's totals (of the whole plan)")
def plan(request: HttpRequest, plan_id: int) -> Plan:
    p = _plan(request, plan_id)
    if not plan_queries.covers_whole_plan(p, _scope(request)):
        raise HttpError(403, "the plan's totals cover regions outside your scope; read its posts instead")
    return p


@router.get("/plans/{plan_id}/posts", response={200: list[PostOut], 403: Detail, 404: Detail},
            summary="The plan's posts inside the caller's scope")
@paginate(BoundedPagination)
def posts(request: HttpRequest, plan_id: int) -> QuerySet[Post]:
    p = _plan(request, plan_id)
    return plan_queries.visible_posts(p, _scope(request)).prefetch_related("tps_rows").order_by("number")


@router.get("/plans/{plan_id}/progress", response={200: ProgressOut, 403: Detail, 404: Detail},
            summary="Where a running plan is")
def progress(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    p = _plan(request, plan_id)
    return {"status": p.status, "done": p.progress_done, "total": p.progress_total, "unit": p.progress_unit,
            "error": p.error}


@router.post(
    "/plans",
    # 422: {"detail": ...} for settings the solver refuses (and ninja's validation errors, added by PrajaAPI)
    response={202: PlanOut, 403: Detail, 404: Detail, 422: Detail},
    summary="Start a plan of a region (a job; poll its progress)",
)
def start(request: HttpRequest, body: PlanIn) -> Status[Plan]:
    scope = _scope(request)
    require(request, PLAN_DEPLOYMENT)
    code = "" if body.region.upper() == "ID" else body.region
    if code:
        if not Region.objects.filter(code=code, level__lte=2).exists() or not scope.covers(code):
            raise HttpError(404, "region not found")
    elif not scope.national:
        raise HttpError(404, "region not found")
    if body.pattern_id is not None:
        pattern = pattern_settings.patterns_for(code).filter(pk=body.pattern_id).first()
        if pattern is None:
            raise HttpError(404, "pattern not found")
    else:
        pattern = pattern_settings.default_pattern(code)
    assert isinstance(pattern, Pattern)
    stored = pattern_settings.settings_for(code)
    try:
        settings = Settings(
            walking_km=body.walking_km if body.walking_km is not None else stored.walking_km,
            area=body.area or stored.area,
            reserve_share=body.reserve_share if body.reserve_share is not None else stored.reserve_share,
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    new = plan_jobs.create_plan(code, pattern, settings, regency_pools.snapshot_pools(code), name=body.name,
                                user=request.user)
    plan_jobs.submit(new)
    new.refresh_from_db()
    return Status(202, new)


@router.post("/plans/{plan_id}/check", response={200: CheckOut, 403: Detail, 404: Detail},
             summary="Re-check the plan (hand edits) against its pattern")
def recheck(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    p = _plan(request, plan_id)
    require(request, PLAN_DEPLOYMENT)
    if not plan_queries.covers_whole_plan(p, _scope(request)) or p.status != Plan.Status.DONE:
        raise HttpError(404, "plan not found")
    return {"violations": plan_edits.recheck(p)}
