"""Reading and checking region boundaries from a GeoJSON FeatureCollection; no database.

Every feature needs a known `kode` (or `code`) property and a Polygon/MultiPolygon geometry; a code
appears once; `centroid_lat`/`centroid_lng` properties, when given, come as a valid pair.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from praja.territory.cells import display_value, parse_float
from praja.territory.geo import polygon_problem
from praja.territory.import_report import Problem, Progress


@dataclass(frozen=True)
class BoundaryRecord:
    feature: int
    code: str
    geometry: dict[str, Any]
    centroid: tuple[float, float] | None


@dataclass
class BoundaryValidation:
    records: list[BoundaryRecord]
    problems: list[Problem]


def read_feature_collection(file_name: str, data: bytes) -> tuple[list[Any], list[Problem]]:
    """The features of a GeoJSON FeatureCollection, or a file-level problem."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (baris {exc.lineno}, kolom {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        return [], [Problem(file_name, None, "", "", f"bukan JSON yang sah{where} / not valid JSON{where}")]
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        return [], [
            Problem(
                file_name, None, "", "", "bukan GeoJSON FeatureCollection / not a GeoJSON FeatureCollection"
            )
        ]
    if not doc["features"]:
        return [], [Problem(file_name, None, "", "", "FeatureCollection tanpa fitur / no features")]
    return list(doc["features"]), []


def feature_code(feature: Any) -> str | None:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None
    raw = props.get("kode", props.get("code"))
    if raw is None or isinstance(raw, (dict, list, bool)):
        return None
    return str(raw).strip() or None


def validate_boundary_features(
    file_name: str, features: list[Any], known_codes: Collection[str], progress: Progress | None = None
) -> BoundaryValidation:
    """Every feature needs a known `kode` and a Polygon/MultiPolygon geometry; codes appear once."""
    problems: list[Problem] = []
    records: list[BoundaryRecord] = []
    seen: dict[str, int] = {}
    total = len(features)
    for number, feature in enumerate(features, start=1):
        mine: list[Problem] = []

        def bad(fld: str, value: object, message: str, _n: int = number, _out: list[Problem] = mine) -> None:
            _out.append(Problem(file_name, _n, fld, display_value(value), message, unit="fitur"))

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            bad(
                "type",
                feature.get("type") if isinstance(feature, dict) else feature,
                "bukan GeoJSON Feature / not a GeoJSON Feature",
            )
            problems.extend(mine)
            continue
        code = feature_code(feature)
        if code is None:
            bad("kode", "", "properti kode tidak ada / property kode is missing")
        elif code not in known_codes:
            bad("kode", code, f"kode wilayah {code} tidak dikenal / unknown region code {code}")
        elif code in seen:
            bad(
                "kode",
                code,
                f"kode {code} ganda: sudah ada di fitur {seen[code]} / duplicate of feature {seen[code]}",
            )
        else:
            seen[code] = number
        geometry = feature.get("geometry")
        message = polygon_problem(geometry)
        if message is not None:
            bad("geometry", geometry.get("type") if isinstance(geometry, dict) else geometry, message)
        centroid = _feature_centroid(feature, bad)
        if mine:
            problems.extend(mine)
        elif code is not None and isinstance(geometry, dict):
            records.append(BoundaryRecord(number, code, geometry, centroid))
        if progress is not None and (number % 100 == 0 or number == total):
            progress("periksa", number, total)
    return BoundaryValidation(records=records if not problems else [], problems=problems)


def _feature_centroid(
    feature: dict[str, Any], bad: Callable[[str, object, str], None]
) -> tuple[float, float] | None:
    props = feature.get("properties") or {}
    raw_lat, raw_lng = props.get("centroid_lat"), props.get("centroid_lng")
    if raw_lat is None and raw_lng is None:
        return None
    if raw_lat is None or raw_lng is None:
        bad(
            "centroid_lat" if raw_lat is None else "centroid_lng",
            None,
            "hanya satu dari centroid_lat/centroid_lng / only one of centroid_lat/centroid_lng",
        )
        return None
    lat, lng = parse_float(raw_lat), parse_float(raw_lng)
    if lat is None or not -90 <= lat <= 90:
        bad("centroid_lat", raw_lat, "lintang tidak sah / invalid latitude")
    if lng is None or not -180 <= lng <= 180:
        bad("centroid_lng", raw_lng, "bujur tidak sah / invalid longitude")
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng
