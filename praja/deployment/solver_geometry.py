"""Plane geometry for the deployment solver: distances, local projection, smallest enclosing circles,
2d-separation components and the maximal groups of TPS that one post can reach (no Django).

Distances that the plan reports and that `check()` tests are great-circle (haversine) kilometres.
Inside one area the solver works in a local equirectangular projection in km; its error over a
kecamatan is below 1e-3 relative (`Projection.margin` bounds it for the latitudes of one area, about
1e-4 for a desa), so the solver plans against a walking radius shrunk by that margin (every post it
writes is within the real radius by haversine, and is checked) and computes its lower bounds against
a radius grown by the same margin (so they hold for the real one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

EARTH_KM = 6371.0088
KM_PER_DEG = EARTH_KM * math.pi / 180.0
RADIUS_MARGIN = 1e-3  # the largest margin: plans use walking_km * (1 - margin), bounds walking_km * (1 + margin)
_EPS = 1e-9
_DENSE_MAX = 128  # components(): up to this many points a dense matrix, beyond it a KD-tree

FloatArray = npt.NDArray[np.float64]


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many(lat: float, lng: float, lats: FloatArray, lngs: FloatArray) -> FloatArray:
    """Great-circle km from one point to many."""
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lngs - lng)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return out


class Projection:
    """Local equirectangular projection around a reference latitude, in km."""

    def __init__(self, lat0: float, lng0: float) -> None:
        self.lat0 = lat0
        self.lng0 = lng0
        self.kx = KM_PER_DEG * math.cos(math.radians(lat0))
        self.ky = KM_PER_DEG

    @classmethod
    def around(cls, lats: Sequence[float], lngs: Sequence[float]) -> Projection:
        return cls((min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2)

    def xy(self, lats: Sequence[float], lngs: Sequence[float]) -> FloatArray:
        la = np.asarray(lats, dtype=np.float64)
        ln = np.asarray(lngs, dtype=np.float64)
        out: FloatArray = np.column_stack(((ln - self.lng0) * self.kx, (la - self.lat0) * self.ky))
        return out

    def latlng(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / self.ky, self.lng0 + x / self.kx

    def margin(self, lats: Sequence[float]) -> float:
        """Relative error bound of projected distances between points at these latitudes.

        East-west lengths are scaled by cos(lat0) instead of cos(lat), off by at most
        |cos(lat0)/cos(lat) - 1| over the latitudes spanned; the rest (a chord on the sphere against a
        great circle, over tens of km) stays below 1e-6. Doubled, and never below 1e-5.
        """
        c0 = math.cos(math.radians(self.lat0))
        worst = max(abs(c0 / math.cos(math.radians(la)) - 1) for la in (min(lats), max(lats)))
        return min(RADIUS_MARGIN, max(1e-5, 2 * worst + 2e-6))


class Stereographic:
    """Stereographic projection of the sphere (radius EARTH_KM) around a point, in km.

    Conformal, and it maps every circle on the sphere to a circle in the plane. Its scale grows from 1
    at the centre to 1 / cos^2(c / 2) at angular distance c, so a planar distance D between two
    projected points and their great-circle distance d satisfy d <= D <= d * scale_max. Hence:
    - TPS inside a planar disk of radius r are within r of the disk's centre on the sphere: posts
      planned in the plane with the walking distance itself are valid (no shrinking margin at all);
    - TPS within r of a point on the sphere lie inside a planar disk of radius r * scale_max: bounds
      computed with that radius hold for the sphere (`margin` is scale_max - 1, a few 1e-7 for a desa).
    """

    def __init__(self, lat0: float, lng0: float) -> None:
        self.lat0 = lat0
        self.lng0 = lng0
        self.p0 = math.radians(lat0)
        self.l0 = math.radians(lng0)

    @classmethod
    def around(cls, lats: Sequence[float], lngs: Sequence[float]) -> Stereographic:
        return cls((min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2)

    def xy(self, lats: Sequence[float], lngs: Sequence[float]) -> FloatArray:
        p = np.radians(np.asarray(lats, dtype=np.float64))
        dl = np.radians(np.asarray(lngs, dtype=np.float64)) - self.l0
        k = 2 * EARTH_KM / (1 + math.sin(self.p0) * np.sin(p) + math.cos(self.p0) * np.cos(p) * np.cos(dl))
        north = math.cos(self.p0) * np.sin(p) - math.sin(self.p0) * np.cos(p) * np.cos(dl)
        out: FloatArray = np.column_stack((k * np.cos(p) * np.sin(dl), k * north))
        return out

    def latlng(self, x: float, y: float) -> tuple[float, float]:
        rho = math.hypot(x, y)
        if rho == 0:
            return self.lat0, self.lng0
        c = 2 * math.atan(rho / (2 * EARTH_KM))
        lat = math.asin(math.cos(c) * math.sin(self.p0) + y * math.sin(c) * math.cos(self.p0) / rho)
        east = rho * math.cos(self.p0) * math.cos(c) - y * math.sin(self.p0) * math.sin(c)
        return math.degrees(lat), math.degrees(self.l0 + math.atan2(x * math.sin(c), east))

    def margin(self, lats: Sequence[float], lngs: Sequence[float], reach_km: float) -> float:
        """scale_max - 1 over the points and `reach_km` around them (where a post of theirs can stand),
        plus a hair for floating point."""
        far = float(haversine_many(self.lat0, self.lng0, np.asarray(lats, dtype=np.float64),
                                   np.asarray(lngs, dtype=np.float64)).max()) if len(lats) else 0.0
        c = (far + reach_km) / EARTH_KM
        return 1 / math.cos(c / 2) ** 2 - 1 + 1e-9


# ---------------------------------------------------------------- smallest enclosing circle


def _circle2(ax: float, ay: float, bx: float, by: float) -> tuple[float, float, float]:
    cx, cy = (ax + bx) / 2, (ay + by) / 2
    return cx, cy, math.hypot(ax - cx, ay - cy)


def _circle3(
    ax: float, ay: float, bx: float, by: float, qx: float, qy: float
) -> tuple[float, float, float] | None:
    d = 2 * (ax * (by - qy) + bx * (qy - ay) + qx * (ay - by))
    if abs(d) < 1e-15:
        return None
    a2, b2, q2 = ax * ax + ay * ay, bx * bx + by * by, qx * qx + qy * qy
    ux = (a2 * (by - qy) + b2 * (qy - ay) + q2 * (ay - by)) / d
    uy = (a2 * (qx - bx) + b2 * (ax - qx) + q2 * (bx - ax)) / d
    return ux, uy, math.hypot(ax - ux, ay - uy)


def _inside(c: tuple[float, float, float], x: float, y: float) -> bool:
    return math.hypot(x - c[0], y - c[1]) <= c[2] * (1 + 1e-12) + 1e-12


def enclosing_circle(pts: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Smallest circle (cx, cy, r) containing every point (Welzl, iterative, deterministic order)."""
    if not pts:
        return 0.0, 0.0, 0.0
    c = (pts[0][0], pts[0][1], 0.0)
    for i in range(1, len(pts)):
        px, py = pts[i]
        if _inside(c, px, py):
            continue
        c = (px, py, 0.0)
        for j in range(i):
            qx, qy = pts[j]
            if _inside(c, qx, qy):
                continue
            c = _circle2(px, py, qx, qy)
            for k in range(j):
                sx, sy = pts[k]
                if _inside(c, sx, sy):
                    continue
                t = _circle3(px, py, qx, qy, sx, sy)
                if t is None:  # collinear: the two farthest points span it
                    cands = [_circle2(px, py, qx, qy), _circle2(px, py, sx, sy), _circle2(qx, qy, sx, sy)]
                    t = max(cands, key=lambda cc: cc[2])
                c = t
    return c


# ---------------------------------------------------------------- the smallest cap on the sphere


def _gnomonic(lat0: float, lng0: float, lats: FloatArray, lngs: FloatArray) -> FloatArray:
    """Gnomonic projection around (lat0, lng0), in km: great circles are straight lines and the
    distance from the centre is EARTH_KM * atan(rho / EARTH_KM), growing with rho."""
    p0, l0 = math.radians(lat0), math.radians(lng0)
    p, dl = np.radians(lats), np.radians(lngs) - l0
    cos_c = math.sin(p0) * np.sin(p) + math.cos(p0) * np.cos(p) * np.cos(dl)
    x = EARTH_KM * np.cos(p) * np.sin(dl) / cos_c
    y = EARTH_KM * (math.cos(p0) * np.sin(p) - math.sin(p0) * np.cos(p) * np.cos(dl)) / cos_c
    out: FloatArray = np.column_stack((x, y))
    return out


def _gnomonic_inverse(lat0: float, lng0: float, x: float, y: float) -> tuple[float, float]:
    rho = math.hypot(x, y)
    if rho == 0:
        return lat0, lng0
    p0 = math.radians(lat0)
    c = math.atan(rho / EARTH_KM)
    lat = math.asin(math.cos(c) * math.sin(p0) + y * math.sin(c) * math.cos(p0) / rho)
    east = rho * math.cos(p0) * math.cos(c) - y * math.sin(p0) * math.sin(c)
    lng = math.radians(lng0) + math.atan2(x * math.sin(c), east)
    return math.degrees(lat), math.degrees(lng)


def sphere_centre(
    lats: Sequence[float], lngs: Sequence[float], start: tuple[float, float] | None = None, rounds: int = 4
) -> tuple[float, float, float]:
    """(lat, lng, km): the centre of the smallest spherical cap holding the points, and the largest
    great-circle distance from it to one of them (haversine, so what check() will measure).

    Each round projects the points gnomonically around the current centre and moves the centre to
    their smallest enclosing circle's; at a fixed point the farthest points surround the centre, which
    makes it optimal on the sphere (the gnomonic projection keeps geodesics straight and distances from
    its centre monotone). A fixed number of rounds, so the result does not depend on time or machine.
    """
    la = np.asarray(lats, dtype=np.float64)
    ln = np.asarray(lngs, dtype=np.float64)
    lat0, lng0 = start if start is not None else (float(la.mean()), float(ln.mean()))
    for _ in range(rounds):
        g = _gnomonic(lat0, lng0, la, ln)
        cx, cy, _r = enclosing_circle([(float(a), float(b)) for a, b in g.tolist()])
        lat0, lng0 = _gnomonic_inverse(lat0, lng0, cx, cy)
        if math.hypot(cx, cy) < 1e-10:
            break
    return lat0, lng0, float(haversine_many(lat0, lng0, la, ln).max())


# ---------------------------------------------------------------- components and reachable groups


def components(xy: FloatArray, radius: float) -> list[list[int]]:
    """Groups of points linked by chains of pairs at most 2*radius apart (no post spans two groups).

    Beyond a desa-sized handful (_DENSE_MAX points) the close pairs come from a KD-tree (O(n log n)
    plus the pairs), not a dense n x n matrix, so a kecamatan-wide area of thousands of TPS costs what
    its neighbours cost. Groups are listed by their smallest index, members ascending.
    """
    n = len(xy)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    if n <= _DENSE_MAX:  # a desa of a few dozen TPS: the small matrix is cheaper than building a tree
        diff = xy[:, None, :] - xy[None, :, :]
        close = np.hypot(diff[..., 0], diff[..., 1]) <= 2 * radius * (1 + _EPS)
        ii, jj = np.nonzero(np.triu(close, 1))
        return _groups(n, ii.tolist(), jj.tolist())
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(2 * radius * (1 + _EPS), output_type="ndarray")
    return _groups(n, pairs[:, 0].tolist(), pairs[:, 1].tolist())


def _groups(n: int, ii: list[int], jj: list[int]) -> list[list[int]]:
    """Connected groups of the pairs (union-find), listed by smallest member, members ascending."""
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(ii, jj, strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(find(i), []).append(i)
    return [out[k] for k in sorted(out)]


def maximal_groups(xy: FloatArray, radius: float) -> list[int]:
    """Every inclusion-maximal set of points (bitmasks) that a disk of `radius` can hold.

    Any set of points inside some disk of that radius is inside a disk of that radius with two of
    the set's points on its boundary (or is a single point), so the disks through each pair of
    points at most 2*radius apart, plus one disk per point, produce every maximal set.
    """
    n = len(xy)
    if n == 0:
        return []
    centres = [xy]
    if n > 1:
        ii, jj = np.triu_indices(n, 1)
        a, b = xy[ii], xy[jj]
        d = np.hypot(*(b - a).T)
        ok = (d <= 2 * radius) & (d > 0)
        if ok.any():
            a, b, d = a[ok], b[ok], d[ok]
            mid = (a + b) / 2
            h = np.sqrt(np.maximum(radius * radius - (d / 2) ** 2, 0.0))
            perp = np.column_stack((-(b - a)[:, 1], (b - a)[:, 0])) / d[:, None]
            centres += [mid + perp * h[:, None], mid - perp * h[:, None]]
    c = np.vstack(centres)
    masks: set[int] = set()
    limit = radius * (1 + 1e-9) + 1e-12
    step = max(1, 4_000_000 // n)
    w64 = (np.uint64(1) << np.arange(min(n, 64), dtype=np.uint64)).astype(np.uint64)
    for s in range(0, len(c), step):
        cc = c[s : s + step]
        inside = np.hypot(cc[:, None, 0] - xy[None, :, 0], cc[:, None, 1] - xy[None, :, 1]) <= limit
        if n <= 64:
            masks.update((inside.astype(np.uint64) * w64).sum(axis=1, dtype=np.uint64).tolist())
        else:
            packed = np.packbits(inside, axis=1, bitorder="little")
            masks.update(int.from_bytes(row.tobytes(), "little") for row in packed)
    # keep the inclusion-maximal ones, largest first, in a deterministic order
    ordered = sorted((int(m) for m in masks), key=lambda m: (-m.bit_count(), m))
    kept: list[int] = []
    for m in ordered:
        if not any(m & k == m for k in kept):
            kept.append(m)
    return kept
