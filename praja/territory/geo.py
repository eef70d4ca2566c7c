"""Geometry helpers for imports: is a point inside a regency, is a GeoJSON geometry a polygon.

No Django import. Coordinates follow GeoJSON: x = longitude, y = latitude.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# How far (in degrees) the bounding box of a regency's desa centroids is widened when no boundary
# polygon is loaded: a desa's centroid is inside the desa, its TPS may lie a few km away from it.
CENTROID_BOX_MARGIN_DEG = 0.05
# Points this close to a boundary polygon (about 200 m) count as inside it: digitised borders are
# coarser than a GPS reading, and a TPS on the border line must not be rejected.
BOUNDARY_TOLERANCE_DEG = 0.002

POLYGON_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Area:
    """The area of one region, used to check that coordinates lie inside it.

    ``method`` is "batas" when checked against a loaded boundary polygon, "kotak" when against the
    bounding box of the region's desa centroids widened by ``CENTROID_BOX_MARGIN_DEG``.
    """

    code: str
    method: str
    bbox: tuple[float, float, float, float]  # min_lng, min_lat, max_lng, max_lat
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)

    def contains(self, lat: float, lng: float) -> bool:
        min_lng, min_lat, max_lng, max_lat = self.bbox
        if self.geometry is None:
            return min_lat <= lat <= max_lat and min_lng <= lng <= max_lng
        pad = BOUNDARY_TOLERANCE_DEG
        if not (min_lat - pad <= lat <= max_lat + pad and min_lng - pad <= lng <= max_lng + pad):
            return False
        if shapely.contains_xy(self.geometry, lng, lat):
            return True
        return bool(shapely.dwithin(self.geometry, shapely.Point(lng, lat), pad))

    def describe(self) -> tuple[str, str]:
        """How the check was made: (Indonesian, English)."""
        if self.method == "batas":
            return "menurut poligon batas wilayah", "by its boundary polygon"
        margin = f"{CENTROID_BOX_MARGIN_DEG:g}°"
        return (
            f"menurut kotak titik tengah desa ±{margin} (batas wilayah belum dimuat)",
            f"by the box of its desa centroids ±{margin} (no boundary loaded)",
        )


def polygon_problem(geometry: Any) -> str | None:
    """None when `geometry` is a usable GeoJSON Polygon/MultiPolygon, else a message (id / en)."""
    if not isinstance(geometry, dict):
        return "geometri tidak ada / no geometry"
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        return f"geometri {kind!s} bukan Polygon/MultiPolygon / geometry is not a Polygon/MultiPolygon"
    try:
        geom = shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError, AttributeError):
        return "koordinat geometri rusak / malformed geometry coordinates"
    if geom.is_empty:
        return "geometri kosong / empty geometry"
    min_x, min_y, max_x, max_y = geom.bounds
    if not all(math.isfinite(v) for v in (min_x, min_y, max_x, max_y)):
        return "koordinat geometri bukan angka / geometry coordinates are not numbers"
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        return "koordinat geometri di luar bujur/lintang yang sah / coordinates outside valid lng/lat"
    return None


def area_from_geojson(code: str, geometry: dict[str, Any]) -> Area:
    """An area checked against a boundary polygon (prepared for fast point-in-polygon)."""
    geom = shape(geometry)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    shapely.prepare(geom)
    min_x, min_y, max_x, max_y = geom.bounds
    return Area(code=code, method="batas", bbox=(min_x, min_y, max_x, max_y), geometry=geom)


def area_from_points(
    code: str, points: Iterable[tuple[float, float]], margin: float = CENTROID_BOX_MARGIN_DEG
) -> Area | None:
    """An area from the bounding box of (lat, lng) points widened by `margin`; None without points."""
    lats: list[float] = []
    lngs: list[float] = []
    for lat, lng in points:
        lats.append(lat)
        lngs.append(lng)
    if not lats:
        return None
    return Area(
        code=code,
        method="kotak",
        bbox=(min(lngs) - margin, min(lats) - margin, max(lngs) + margin, max(lats) + margin),
    )
