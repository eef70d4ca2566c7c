"""Risk API (/api/v1/risk/): stored TPS scores with their explanations, roll-ups, and the risk map data.

Bounded by the caller's scope: a TPS or region outside it answers 404; without territory.view, 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.params.functions import Query as query_param

from praja.accounts import visibility
from praja.api_support import MAX_PAGE, BoundedPagination, Detail, documented, require
from praja.base.regions import is_region_code
from praja.base.roles import VIEW_TERRITORY
from praja.base.scope import Scope
from praja.risk import index as ix
from praja.risk import services
from praja.risk.models import Klass, TPSScore
from praja.territory.models import Region

router = Router(tags=["risk"])
MAP_FIELDS = ["code", "lat", "lng", "klass", "score"]


def _scope(request: HttpRequest) -> Scope:
    require(request, VIEW_TERRITORY)
    return visibility.scope_of(request)


def _narrowed(request: HttpRequest, wilayah: str) -> Scope:
    """The caller's scope, narrowed to region `wilayah` when given (404 when outside the scope)."""
    scope = _scope(request)
    if not wilayah:
        return scope
    if (
        not is_region_code(wilayah)
        or not scope.covers(wilayah)
        or not Region.objects.filter(code=wilayah).exists()
    ):
        raise HttpError(404, "region not found")
    return Scope.of([wilayah])


class ScoreOut(Schema):
    tps: str
    desa: str
    kecamatan: str
    score: float
    klass: str
    score_klass: str
    assessed_share: float
    computed_at: str

    @staticmethod
    def resolve_tps(obj: TPSScore) -> str:
        return obj.tps_id

    @staticmethod
    def resolve_desa(obj: TPSScore) -> str:
        return ix.desa_of(obj.tps_id)

    @staticmethod
    def resolve_kecamatan(obj: TPSScore) -> str:
        return ix.kecamatan_of(obj.tps_id)

    @staticmethod
    def resolve_computed_at(obj: TPSScore) -> str:
        return obj.computed_at.isoformat()


class ScoreDetailOut(ScoreOut):
    explanation: dict[str, Any]


class RollupOut(Schema):
    code: str
    name: str
    tps: int
    scored: int
    counts: dict[str, int]
    rawan_share: float
    mean_score: float | None
    max_score: float | None


class MapGroup(Schema):
    code: str
    name: str
    tps: int
    scored: int
    rawan: int
    share: float


class RiskMapOut(Schema):
    fields: list[str]
    rows: list[list[Any]]
    kecamatan: list[MapGroup]
    classes: list[str]
    unlocated: int
    scored: int


@router.get(
    "/scores",
    # 422: {"detail": "klass must be one of ..."} (and ninja's validation errors, added by PrajaAPI)
    response={200: list[ScoreOut], 403: Detail, 404: Detail, 422: Detail},
    summary="Stored TPS scores in scope, highest first",
)
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_scores(
    request: HttpRequest,
    # the route checks klass itself (422 {"detail": "klass must be one of ..."}); the enum documents it
    klass: str = documented(query_param("", description="one class; empty: all"), enum=["", *Klass.values]),
    wilayah: str = query_param("", description="region code: only the TPS inside it (outside the scope: 404)"),
) -> QuerySet[TPSScore]:
    scope = _narrowed(request, wilayah)
    qs = TPSScore.objects.visible(scope).order_by("-score", "tps_id")
    if klass:
        if klass not in Klass.values:
            raise HttpError(422, f"klass must be one of {', '.join(Klass.values)}")
        qs = qs.filter(klass=klass)
    return qs


@router.get(
    "/tps/{desa}/{number}",
    response={200: ScoreDetailOut, 403: Detail, 404: Detail},
    summary="One TPS's score and its explanation",
    url_name="risk_tps",
)
def get_score(request: HttpRequest, desa: str, number: int) -> TPSScore:
    scope = _scope(request)
    code = f"{desa}/{number:03d}"
    if not 1 <= number <= 999 or not scope.covers(code):
        raise HttpError(404, "TPS not found")
    return get_object_or_404(TPSScore.objects.visible(scope), tps_id=code)


class RollupQuery(Schema):
    level: int = Field(3, ge=2, le=4)
    wilayah: str = ""
    sort: str = "share"


@router.get("/rollup", response={200: list[RollupOut], 403: Detail, 404: Detail},
            summary="Counts per class and share of rawan per region")
def get_rollup(request: HttpRequest, q: Query[RollupQuery]) -> list[dict[str, Any]]:
    scope = _narrowed(request, q.wilayah)
    rows = services.rollup(scope, q.level, "", q.sort)
    return [
        {
            "code": r.code,
            "name": r.name,
            "tps": r.tps,
            "scored": r.scored,
            "counts": r.counts,
            "rawan_share": r.rawan_share,
            "mean_score": r.mean_score,
            "max_score": r.max_score,
        }
        for r in rows
    ]


@router.get(
    "/map",
    response={200: RiskMapOut, 403: Detail, 404: Detail},
    summary="TPS points with their class; kecamatan with their share of rawan",
    url_name="risk_map",
)
def risk_map(request: HttpRequest, wilayah: str = "") -> dict[str, Any]:
    """`rows` hold `fields` (code, lat, lng, klass, score) for every scored TPS with coordinates;
    `kecamatan` the share of rawan + sangat rawan among the scored TPS of each kecamatan."""
    scope = _narrowed(request, wilayah)
    rows: list[list[Any]] = []
    unlocated = 0
    qs = (
        TPSScore.objects.visible(scope)
        .order_by("tps_id")
        .values_list("tps_id", "tps__lat", "tps__lng", "klass", "score")
    )
    for code, lat, lng, klass, score in qs.iterator(chunk_size=2000):
        if lat is None or lng is None:
            unlocated += 1
            continue
        rows.append([code, round(lat, 5), round(lng, 5), klass, round(score, 2)])
    groups = [
        {
            "code": r.code,
            "name": r.name,
            "tps": r.tps,
            "scored": r.scored,
            "rawan": r.rawan,
            "share": round(r.rawan_share, 4),
        }
        for r in services.rollup(scope, 3, "", "code")
    ]
    return {
        "fields": MAP_FIELDS,
        "rows": rows,
        "kecamatan": groups,
        "classes": [k.value for k in ix.KLASSES],
        "unlocated": unlocated,
        "scored": len(rows) + unlocated,
    }
