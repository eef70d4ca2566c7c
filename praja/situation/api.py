"""Map data for the situation map, mounted at /api/v1/map/ (session login; bounded by the person's scope)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from praja.api_support import Detail
from praja.base.roles import VIEW_TERRITORY
from praja.situation import mapdata
from praja.territory.regionpick import active_code

router = Router(tags=["map"])


class FeatureCollection(Schema):
    type: str
    features: list[dict[str, Any]]


class TPSPoints(Schema):
    fields: list[str]
    rows: list[list[Any]]
    desa: dict[str, str]
    kecamatan: dict[str, str]
    unlocated: int


# What the routes read from the query string themselves (not ninja parameters), and the caching answers of
# mapdata.respond (ETag; 304 to a matching If-None-Match), for the schema (status codes as ints, as ninja keys
# them, so the two merge).
_WILAYAH = {"name": "wilayah", "in": "query", "required": False, "schema": {"type": "string"},
            "description": "only the part of the scope inside this region (code); outside the scope: 404"}
_CACHED = {
    "parameters": [
        _WILAYAH,
        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
         "description": "the ETag of an earlier answer: 304 when the data has not changed"},
    ],
    "responses": {
        200: {"headers": {"ETag": {"schema": {"type": "string"}, "required": True}}},
        304: {"headers": {"ETag": {"schema": {"type": "string"}, "required": True}}},
    },
}
_LAYERS = {
    "parameters": [
        _WILAYAH,
        {"name": "saat", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "the moment, local time (2024-11-27T09:30) or a day (its end); in the future: now; "
                        "not a moment: 400"},
        {"name": "tanggal", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "without saat: a past day (2024-11-27), its end; today or later: now; not a date: 400"},
    ],
}
MAP_ANSWERS: dict[int, Any] = {403: Detail, 404: Detail}


def _scope(request: HttpRequest) -> Any:
    if VIEW_TERRITORY not in request.capabilities:  # type: ignore[attr-defined]
        raise HttpError(403, "territory.view required")
    # ?wilayah=CODE (the dashboard's drill-down): only the part of the scope inside that region.
    wanted = request.GET.get("wilayah", "").strip()
    if wanted:
        from praja.situation.sources import Viewer, area_scope

        area = area_scope(Viewer.of(request), wanted)
        if area is None:
            raise HttpError(404, "region outside scope")
        return mapdata.map_scope(area, None)
    return mapdata.map_scope(request.scope, active_code(request))  # type: ignore[attr-defined]


@router.get("/boundaries", response={200: FeatureCollection, 304: None, **MAP_ANSWERS},
            summary="Kecamatan and desa outlines in scope", url_name="map_boundaries", openapi_extra=_CACHED)
def boundaries(request: HttpRequest) -> HttpResponse:
    """GeoJSON of kecamatan (level 3) and desa (level 4) outlines, simplified; a kecamatan without an
    outline is a Point at its centroid. Properties: code, name, level, parent, centroid [lat, lng]."""
    return mapdata.respond(request, mapdata.boundaries_payload(_scope(request)))


@router.get("/tps", response={200: TPSPoints, 304: None, **MAP_ANSWERS}, summary="TPS points in scope",
            url_name="map_tps", openapi_extra=_CACHED)
def tps(request: HttpRequest) -> HttpResponse:
    """Every TPS in scope with coordinates, as rows of `fields`: code, lat, lng, voters, address,
    generated (bit 1: voter count generated, bit 2: location generated). `desa` and `kecamatan` name
    the regions by code; `unlocated` counts TPS left out for lack of coordinates."""
    return mapdata.respond(request, mapdata.tps_payload(_scope(request)))


class Layers(Schema):
    at: str
    tps_risk: list[list[Any]]
    posts: list[list[Any]] | None
    reports: list[list[Any]] | None


@router.get("/layers", response={200: Layers, 400: Detail, **MAP_ANSWERS},  # 400: a saat or tanggal that is no date
            summary="Situation layers: TPS by risk class, posts on the day, open reports", url_name="map_layers",
            openapi_extra=_LAYERS)
def layers(request: HttpRequest) -> dict[str, Any]:
    """At one moment (?saat=, default now): `tps_risk` rows [code, lat, lng, class]; `posts` rows
    [code, lat, lng, state (terisi, kurang, belum), url] for readers with deployment.view (else null); `reports`
    rows [tps or desa code, lat, lng, open, severe] of the open reports the reader may see, placed at their TPS
    or desa (never the report's own point), for readers with reports.view (else null)."""
    from praja.situation import mapdata as MD
    from praja.situation import moment as M

    scope = _scope(request)
    at, _chosen = M.from_request(request)
    return MD.layers(request, scope, at)
