"""What the map draws: region outlines and TPS points inside a scope, compact and cached.

Outlines are simplified with shapely (a desa outline from the registry has ~140 points; a few dozen
draw the same at district zoom) and kept in Django's cache per scope, so the second person of a
Polres to open the map costs one cache read. TPS points are sent as arrays, not GeoJSON: 4,042 TPS
fit in about 60 KB gzipped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from shapely.geometry import mapping, shape

from praja.base.scope import Scope
from praja.territory.models import TPS, Region

# Simplification tolerance (degrees; 0.0001 ~ 11 m) and coordinate precision (decimals) per level.
SIMPLIFY = {3: (0.0005, 4), 4: (0.0005, 4)}
# Gap closed between neighbouring desa when their union draws a kecamatan (degrees, ~20 m).
UNION_GAP = 0.0002
CACHE_SECONDS = 60 * 60
# Outline payloads never expire on their own: their key changes with every boundary change (version and
# counts), so an old one is simply never read again. Only TPS payloads expire after CACHE_SECONDS.
OUTLINE_CACHE_SECONDS: int | None = None
_VERSION_KEY = "praja:map:version"

TPS_FIELDS = ["code", "lat", "lng", "voters", "address", "generated"]
# Bits of the `generated` field of a TPS row.
GENERATED_VOTERS = 1
GENERATED_LOCATION = 2


def forget_map_cache() -> None:
    """Drop every cached map payload (call after importing boundaries or TPS in bulk)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def _version() -> int:
    v = cache.get(_VERSION_KEY)
    if v is None:
        cache.add(_VERSION_KEY, 1, None)
        v = cache.get(_VERSION_KEY, 1)
    return int(v)


def scope_key(scope: Scope) -> str:
    if scope.national:
        return "all"
    return hashlib.sha1(",".join(sorted(scope.regions)).encode()).hexdigest()[:16]


def map_scope(scope: Scope, active: str | None) -> Scope:
    """The part of a person's scope the map loads. A national scope would be every TPS of the country:
    it is narrowed to the regency of the active region when one is chosen."""
    if scope.national and active:
        return Scope.of([".".join(active.split(".")[:2])])
    return scope


def _shape(geometry: dict[str, Any] | None) -> Any:
    if not geometry:
        return None
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
        return None
    return None if geom.is_empty else geom


def _simplified(geom: Any, level: int) -> dict[str, Any]:
    tolerance, decimals = SIMPLIFY[level]
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    simple = shapely.transform(simple, lambda c: np.round(c, decimals))
    out: dict[str, Any] = mapping(simple)
    return {"type": out["type"], "coordinates": _as_lists(out["coordinates"])}


def _as_lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_as_lists(v) for v in value]
    return value


def _union_of(parts: list[Any]) -> Any:
    """The outline of a kecamatan drawn from its desa: hairline gaps between neighbours closed."""
    union = shapely.union_all(parts)
    closed = union.buffer(UNION_GAP, join_style="mitre").buffer(-UNION_GAP, join_style="mitre")
    return closed if not closed.is_empty else union


def boundaries(scope: Scope) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the kecamatan (level 3) and desa (level 4) in scope.

    When every desa of a kecamatan has an outline, the kecamatan is drawn as their union, so the two
    layers meet exactly (registry kecamatan outlines are coarser than its desa outlines); otherwise
    its own outline. A kecamatan without either is a Point at its centroid (so it is still named on
    the map); a desa without an outline is left out (its TPS show where it is).
    """
    rows = list(
        Region.objects.filter(level__in=(3, 4)).filter(scope.q("code")).order_by("level", "code")
        .values_list("code", "name", "level", "parent_id", "centroid_lat", "centroid_lng", "boundary")
    )
    desa_shapes: dict[str, list[Any]] = {}
    desa_missing: set[str] = set()
    shapes: dict[str, Any] = {}
    for code, _name, level, parent, _lat, _lng, boundary in rows:
        geom = _shape(boundary)
        shapes[code] = geom
        if level == 4:
            if geom is None:
                desa_missing.add(parent or "")
            else:
                desa_shapes.setdefault(parent or "", []).append(geom)

    features: list[dict[str, Any]] = []
    for code, name, level, parent, lat, lng, _boundary in rows:
        props: dict[str, Any] = {"code": code, "name": name, "level": level, "parent": parent or ""}
        geom = shapes[code]
        if level == 3 and code in desa_shapes and code not in desa_missing:
            geom = _union_of(desa_shapes[code])
            props["outline"] = "desa"
        if geom is not None:
            geometry = _simplified(geom, level)
        elif level == 3 and lat is not None and lng is not None:
            geometry = {"type": "Point", "coordinates": [round(lng, 5), round(lat, 5)]}
        else:
            continue
        if lat is not None and lng is not None:
            props["centroid"] = [round(lat, 5), round(lng, 5)]
        features.append({"type": "Feature", "id": code, "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def tps_points(scope: Scope) -> dict[str, Any]:
    """Every TPS in scope as rows of TPS_FIELDS, with desa and kecamatan names looked up by code."""
    rows: list[list[Any]] = []
    unlocated = 0
    desa_codes: set[str] = set()
    qs = TPS.objects.filter(scope.q("code")).order_by("code").values_list(
        "code", "desa_id", "lat", "lng", "voters", "address", "voters_generated", "location_generated"
    )
    for code, desa, lat, lng, voters, address, gen_voters, gen_location in qs.iterator(chunk_size=2000):
        if lat is None or lng is None:
            unlocated += 1
            continue
        flags = (GENERATED_VOTERS if gen_voters else 0) | (GENERATED_LOCATION if gen_location else 0)
        rows.append([code, round(lat, 5), round(lng, 5), voters, address, flags])
        desa_codes.add(desa)
    kec_codes = {d.rsplit(".", 1)[0] for d in desa_codes}
    names = dict(Region.objects.filter(code__in=sorted(desa_codes | kec_codes)).values_list("code", "name"))
    return {
        "fields": TPS_FIELDS,
        "rows": rows,
        "desa": {c: names.get(c, "") for c in sorted(desa_codes)},
        "kecamatan": {c: names.get(c, "") for c in sorted(kec_codes)},
        "unlocated": unlocated,
    }


@dataclass(frozen=True)
class Payload:
    body: bytes
    gzipped: bytes
    etag: str


def _pack(data: dict[str, Any]) -> Payload:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Payload(body, gzip.compress(body, compresslevel=6, mtime=0), '"' + hashlib.sha1(body).hexdigest() + '"')


def boundaries_payload(scope: Scope) -> Payload:
    # Outlines change only with a boundary import: cached by scope, the counts of regions and of outlines,
    # and the version (bumped by any Region saved one by one, or by forget_map_cache()).
    n = Region.objects.filter(level__in=(3, 4)).filter(scope.q("code")).aggregate(
        regions=Count("code"), outlines=Count("code", filter=Q(boundary__isnull=False))
    )
    key = f"praja:map:bnd:{_version()}:{scope_key(scope)}:{n['regions']}:{n['outlines']}"
    payload: Payload | None = cache.get(key)
    if payload is None:
        payload = _pack(boundaries(scope))
        cache.set(key, payload, OUTLINE_CACHE_SECONDS)
    return payload


def tps_payload(scope: Scope) -> Payload:
    # TPS are edited one by one: the key carries their count and newest change, so an edit shows at once.
    stamp = TPS.objects.filter(scope.q("code")).aggregate(n=Count("code"), last=Max("updated_at"))
    last = stamp["last"].isoformat() if stamp["last"] else "-"
    key = f"praja:map:tps:{_version()}:{scope_key(scope)}:{stamp['n']}:{last}"
    payload: Payload | None = cache.get(key)
    if payload is None:
        payload = _pack(tps_points(scope))
        cache.set(key, payload, CACHE_SECONDS)
    return payload


def warm_map_cache() -> int:
    """Build the outline payload of every scope people have (and of each regency with outlines, the map of a
    national user who picked it), so nobody pays the union of desa outlines on a first visit after a build or a
    boundary import (about 1-2 s for a regency on a busy machine). Returns how many scopes were warmed."""
    from praja.accounts.models import RoleAssignment

    scopes: set[Scope] = set()
    by_person: dict[int, set[str]] = {}
    national: set[int] = set()
    for person_id, region in RoleAssignment.objects.filter(active=True).values_list("person_id", "region_id"):
        if region is None:
            national.add(person_id)
        else:
            by_person.setdefault(person_id, set()).add(region)
    for person_id, codes in by_person.items():
        if person_id not in national:
            scopes.add(Scope.of(codes))
    regencies = Region.objects.filter(level=4, boundary__isnull=False).values_list("parent__parent_id", flat=True)
    scopes.update(Scope.of([code]) for code in set(regencies) if code)
    for scope in scopes:
        boundaries_payload(scope)
    return len(scopes)


def respond(request: HttpRequest, payload: Payload) -> HttpResponse:
    """The payload as JSON, gzipped when the browser takes it, 304 when it already has it."""
    if request.headers.get("If-None-Match") == payload.etag:
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(payload.gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(payload.body, content_type="application/json")
    response["ETag"] = payload.etag
    response["Vary"] = "Accept-Encoding, Cookie"
    response["Cache-Control"] = "private, no-cache"
    return response


def layers(request: HttpRequest, scope: Scope, at: Any) -> dict[str, Any]:
    """The situation layers of the map at `at` (see api.layers), each bounded by what the reader may see."""
    from django.urls import reverse
    from django.utils import timezone

    from praja.risk.models import TPSScore
    from praja.situation import posts as P
    from praja.situation import sources as S

    viewer = S.Viewer.of(request)
    risk = dict(TPSScore.objects.filter(scope.q("tps__code")).values_list("tps_id", "klass"))
    located = {c: (round(lat or 0.0, 5), round(lng or 0.0, 5)) for c, lat, lng in TPS.objects.filter(
        scope.q("code")).filter(lat__isnull=False, lng__isnull=False).values_list("code", "lat", "lng")}
    tps_risk = [[c, ll[0], ll[1], risk[c]] for c, ll in sorted(located.items()) if c in risk]
    posts: list[list[Any]] | None = None
    if viewer.sees_deployment:
        posts = []
        codes = sorted(scope.regions)
        regency = S.child_of(codes[0], 2) if codes and not scope.national else ""
        day = timezone.localtime(at).date()
        plan = S.current_plan(viewer, regency, at) if regency else None
        if plan is not None:
            rows = P.state_rows(S.visible_posts_of(viewer, scope, plan), day, at)
            lat_lng = dict(((p, (la, ln)) for p, la, ln in
                            S.visible_posts_of(viewer, scope, plan).values_list("pk", "lat", "lng")))
            for r in rows:
                la, ln = lat_lng.get(r["pk"], (None, None))
                if la is None or ln is None:
                    continue
                posts.append([r["code"], round(la, 5), round(ln, 5), r["state"],
                              reverse("deployment:post", args=[r["plan_id"], r["number"]])])
    reports: list[list[Any]] | None = None
    if viewer.sees_reports:
        reports = []
        desa_ll = {c: (round(la or 0.0, 5), round(ln or 0.0, 5)) for c, la, ln in Region.objects.filter(level=4).filter(
            scope.q("code")).filter(centroid_lat__isnull=False).values_list("code", "centroid_lat", "centroid_lng")}
        sev = S.severe_min()
        rows = (S.open_reports(viewer, scope, at).order_by().values("tps_id", "region_id")
                .annotate(n=Count("pk"), s=Count("pk", filter=Q(severity__gte=sev))))
        acc: dict[str, list[Any]] = {}
        for r in rows:
            code = r["tps_id"] or r["region_id"] or ""
            ll = located.get(code) or desa_ll.get(code)
            if ll is None:
                continue
            a = acc.setdefault(code, [code, ll[0], ll[1], 0, 0])
            a[3] += r["n"]
            a[4] += r["s"]
        reports = sorted(acc.values())
    return {"at": at.isoformat(), "tps_risk": tps_risk, "posts": posts, "reports": reports}
