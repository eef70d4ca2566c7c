"""Territory API (/api/v1/territory/): regions, TPS (read, PATCH) and jurisdictions, within the caller's scope.

Objects outside the scope answer 404; a missing capability answers 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from praja.api_support import MAX_PAGE, BoundedPagination, Detail, FieldErrors, require
from praja.base.roles import EDIT_TPS, VIEW_TERRITORY
from praja.base.visibility import scope_of
from praja.territory import visibility
from praja.territory.models import TPS, Jurisdiction, Region
from praja.territory.tps_forms import TPSForm

router = Router(tags=["territory"])

# --- schemas --------------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    centroid_lat: float | None
    centroid_lng: float | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


class TPSOut(Schema):
    code: str
    desa: str
    desa_name: str
    kecamatan: str
    number: int
    voters: int
    address: str
    lat: float | None
    lng: float | None
    voters_generated: bool
    location_generated: bool
    source: str

    @staticmethod
    def resolve_desa(obj: TPS) -> str:
        return obj.desa_id

    @staticmethod
    def resolve_desa_name(obj: TPS) -> str:
        return obj.desa.name

    @staticmethod
    def resolve_kecamatan(obj: TPS) -> str:
        return obj.desa.parent_id or ""


class TPSPatch(Schema):
    voters: int | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None


class TPSPatchOut(Schema):
    tps: TPSOut
    warnings: list[str]


class JurisdictionOut(Schema):
    slug: str
    kind: str
    name: str
    parent: str | None
    kecamatan: list[str]
    hq_address: str
    hq_lat: float | None
    hq_lng: float | None
    hq_generated: bool

    @staticmethod
    def resolve_parent(obj: Jurisdiction) -> str | None:
        return obj.parent.slug if obj.parent is not None else None

    @staticmethod
    def resolve_kecamatan(obj: Jurisdiction, context: dict[str, Any]) -> list[str]:
        scope = scope_of(context["request"])
        return [k.code for k in obj.kecamatan.all() if scope.covers(k.code)]


# --- regions --------------------------------------------------------------------------------------


def _regions(request: HttpRequest) -> QuerySet[Region]:
    return visibility.regions(Region.objects.all(), scope_of(request))


@router.get(
    "/regions", response={200: list[RegionOut], 403: Detail, 404: Detail},
    summary="Regions: children of `parent`, or the scope's roots",
)
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_regions(request: HttpRequest, parent: str = "", level: int | None = None) -> QuerySet[Region]:
    require(request, VIEW_TERRITORY)
    qs = _regions(request)
    if parent:
        get_object_or_404(qs, code=parent)
        qs = qs.filter(parent_id=parent)
    elif level is None:
        scope = scope_of(request)
        qs = qs.filter(parent__isnull=True) if scope.national else qs.filter(code__in=sorted(scope.regions))
    if level is not None:
        qs = qs.filter(level=level)
    return qs


@router.get("/regions/{code}", response={200: RegionOut, 403: Detail, 404: Detail})
def get_region(request: HttpRequest, code: str) -> Region:
    require(request, VIEW_TERRITORY)
    return get_object_or_404(_regions(request), code=code)


# --- TPS ------------------------------------------------------------------------------------------


def _tps(request: HttpRequest) -> QuerySet[TPS]:
    return visibility.tps(TPS.objects.select_related("desa"), scope_of(request))


@router.get(
    "/tps", response={200: list[TPSOut], 403: Detail},
    summary="TPS in scope; filter by kecamatan, desa, code search",
)
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_tps(
    request: HttpRequest, kecamatan: str = "", desa: str = "", q: str = "", generated: bool | None = None
) -> QuerySet[TPS]:
    require(request, VIEW_TERRITORY)
    qs = _tps(request)
    if kecamatan:
        qs = qs.filter(desa__parent_id=kecamatan)
    if desa:
        qs = qs.filter(desa_id=desa)
    if q:
        qs = qs.filter(code__icontains=q)
    if generated is True:
        qs = qs.filter(Q(voters_generated=True) | Q(location_generated=True))
    elif generated is False:
        qs = qs.filter(voters_generated=False, location_generated=False)
    return qs


@router.get(
    "/tps/{desa}/{number}", response={200: TPSOut, 403: Detail, 404: Detail},
    summary="One TPS by desa code and number",
)
def get_tps(request: HttpRequest, desa: str, number: int) -> TPS:
    require(request, VIEW_TERRITORY)
    return get_object_or_404(_tps(request), desa_id=desa, number=number)


@router.patch(
    "/tps/{desa}/{number}",
    response={200: TPSPatchOut, 400: FieldErrors, 403: Detail, 404: Detail},
    summary="Change voters, address or coordinates of a TPS (audited)",
)
def patch_tps(request: HttpRequest, desa: str, number: int, payload: TPSPatch) -> Any:
    require(request, EDIT_TPS)
    tps = get_object_or_404(_tps(request), desa_id=desa, number=number)
    sent = payload.model_dump(exclude_unset=True)
    data = {
        "voters": tps.voters,
        "address": tps.address,
        "lat": "" if tps.lat is None else tps.lat,
        "lng": "" if tps.lng is None else tps.lng,
    }
    for key, value in sent.items():
        data[key] = "" if value is None else value
    form = TPSForm(data, instance=tps)
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return Status(400, {"detail": "invalid", "errors": errors})
    if form.has_changed():
        tps = form.save()
    return Status(200, {"tps": tps, "warnings": form.warnings})


# --- jurisdictions --------------------------------------------------------------------------------


def _jurisdictions(request: HttpRequest) -> QuerySet[Jurisdiction]:
    return visibility.jurisdictions(
        Jurisdiction.objects.select_related("parent").prefetch_related("kecamatan"),
        scope_of(request),
    )


@router.get("/jurisdictions", response={200: list[JurisdictionOut], 403: Detail})
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_jurisdictions(request: HttpRequest, kind: str = "") -> QuerySet[Jurisdiction]:
    require(request, VIEW_TERRITORY)
    qs = _jurisdictions(request)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/jurisdictions/{slug}", response={200: JurisdictionOut, 403: Detail, 404: Detail})
def get_jurisdiction(request: HttpRequest, slug: str) -> Jurisdiction:
    require(request, VIEW_TERRITORY)
    return get_object_or_404(_jurisdictions(request), slug=slug)
