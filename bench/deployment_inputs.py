"""Deterministic inputs for bench/deployment.py: TPS with classes and pools, from Kabupaten Malang to the
whole country (no Django).

- Kabupaten Malang: the 4,042 TPS of the demo district, from praja.territory.demo_generator with the
  facts in praja/territory/data (inside the desa polygons of ../shared/data/wilayah when present).
- East Java (province 35) and the nation: TPS spread over the real desa centroids of
  ../shared/data/wilayah/centroids_kec_desa_id.csv.gz (read in place, never copied), uniformly within
  1.5 km of their desa centroid; 60,751 and 435,296 TPS apportioned over the desa by a seeded weight,
  at least one per desa. Regency 92.03 has kecamatan but no desa in that file: its TPS sit around its
  kecamatan centroids, so that all 514 regencies are planned.
- Classes in the East Java 2024 shares (733 rawan and 87 sangat rawan per 60,751 TPS), the rest aman and
  kurang rawan (1 in 4 kurang rawan: no public share, and the default pattern treats them alike),
  chosen by a seeded hash of the TPS code, exact counts per case.
- jatim_wide (beyond the issue): the East Java TPS up to 3 km from their desa centroid, where walking
  distance binds, to measure the geometric path at scale; its Polsek get 0.8 people per TPS, since
  spread-out TPS need more posts.
- Pools: one Polsek per kecamatan at the kecamatan centroid with 10 + 0.3 people per TPS of its
  kecamatan (a Polsek has a few dozen people), and one Polres reserve per regency at the centroid of
  its kecamatan, 50 + 0.1 per TPS, serving every kecamatan of the regency; Malang also gets a BKO pool
  (Brimob Polda Jatim, 200 people, cost 1 per person) that a covered plan should not need.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from praja.deployment.solver import TPS, Pool
from praja.deployment.solver_geometry import KM_PER_DEG
from praja.territory import demo_generator as gen

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "praja" / "territory" / "data"
SHARED = ROOT.parent / "shared" / "data" / "wilayah"
CENTROIDS = SHARED / "centroids_kec_desa_id.csv.gz"
SEED = 2024
RAWAN_SHARE = 733 / 60_751
SANGAT_RAWAN_SHARE = 87 / 60_751
KURANG_RAWAN_SHARE = 0.25
JATIM_TPS = 60_751
NATIONAL_TPS = 435_296
SPREAD_KM = 1.5


@dataclass(frozen=True)
class Case:
    name: str
    tps: list[TPS]
    pools: list[Pool]
    regency_of_kecamatan: dict[str, str]

    def regencies(self) -> dict[str, tuple[list[TPS], list[Pool]]]:
        """Split into independent regency problems (a pool serves kecamatan of one regency only)."""
        out: dict[str, tuple[list[TPS], list[Pool]]] = {}
        for t in self.tps:
            out.setdefault(t.kecamatan_code[:5], ([], []))[0].append(t)
        for p in self.pools:
            reg = p.unit.split(":")[1][:5]
            out.setdefault(reg, ([], []))[1].append(p)
        return {k: v for k, v in sorted(out.items()) if v[0]}


def _rank(code: str, salt: str) -> bytes:
    return hashlib.sha256(f"{SEED}|{salt}|{code}".encode()).digest()


def assign_classes(codes: list[str]) -> dict[str, str]:
    """Exact East Java shares per case, chosen by a seeded hash of the TPS code."""
    n = len(codes)
    order = sorted(codes, key=lambda c: _rank(c, "class"))
    n_sr = round(n * SANGAT_RAWAN_SHARE)
    n_r = round(n * RAWAN_SHARE)
    n_kr = round((n - n_sr - n_r) * KURANG_RAWAN_SHARE)
    out: dict[str, str] = {}
    for i, c in enumerate(order):
        if i < n_sr:
            out[c] = "sangat_rawan"
        elif i < n_sr + n_r:
            out[c] = "rawan"
        elif i < n_sr + n_r + n_kr:
            out[c] = "kurang_rawan"
        else:
            out[c] = "aman"
    return out


def _pools(
    tps: Iterable[TPS], kec_centre: dict[str, tuple[float, float]], bko: bool = False, per_tps: float = 0.3
) -> list[Pool]:
    per_kec: dict[str, int] = {}
    for t in tps:
        per_kec[t.kecamatan_code] = per_kec.get(t.kecamatan_code, 0) + 1
    pools: list[Pool] = []
    by_reg: dict[str, list[str]] = {}
    for k in sorted(per_kec):
        by_reg.setdefault(k[:5], []).append(k)
        lat, lng = kec_centre[k]
        pools.append(Pool(f"polsek:{k}", "polri", lat, lng, 10 + round(per_tps * per_kec[k]), frozenset({k})))
    for reg, kecs in sorted(by_reg.items()):
        lat = sum(kec_centre[k][0] for k in kecs) / len(kecs)
        lng = sum(kec_centre[k][1] for k in kecs) / len(kecs)
        n = sum(per_kec[k] for k in kecs)
        centre = (round(lat, 6), round(lng, 6))
        pools.append(Pool(f"polres:{reg}", "polri", *centre, 50 + round(0.1 * n), frozenset(kecs)))
        if bko:
            pools.append(Pool(f"bko:{reg}:brimob", "polri", *centre, 200, frozenset(kecs), 1.0, True))
    return pools


# ---------------------------------------------------------------- Kabupaten Malang (demo district)


def malang() -> Case:
    facts = json.loads((DATA / "kab_malang_2024.json").read_text("utf-8"))
    with (DATA / "kab_malang_35.07.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    geo: dict[str, dict[str, object]] = {}
    desa_geojson = SHARED / "kab_malang_35.07_desa.geojson"
    if desa_geojson.exists():
        for feat in json.loads(desa_geojson.read_text("utf-8"))["features"]:
            geo[feat["properties"]["kode"]] = feat["geometry"]
    desa_by_kec: dict[str, list[gen.Desa]] = {}
    kec_centre: dict[str, tuple[float, float]] = {}
    for r in rows:
        if r["tingkat"] == "4":
            desa_by_kec.setdefault(r["kode"].rsplit(".", 1)[0], []).append(
                gen.Desa(r["kode"], r["nama"], float(r["lat"]), float(r["lng"]), geo.get(r["kode"]))
            )
        elif r["tingkat"] == "3":
            kec_centre[r["kode"]] = (float(r["lat"]), float(r["lng"]))
    kecs = [gen.Kecamatan(k, k, tuple(desa_by_kec.get(k, []))) for k in sorted(kec_centre)]
    groups = tuple(
        gen.Group(frozenset(p["kecamatan"]), int(p["tps"])) for p in facts["police"] if p["kecamatan"] != "rest"
    )
    generated = gen.generate(
        kecs,
        gen.Facts(
            total_tps=int(facts["total_tps"]),
            total_voters=int(facts["total_voters"]),
            max_voters=int(facts["max_voters_per_tps"]),
            anchor_voters={k: int(v) for k, v in facts["anchor_voters"].items()},
            groups=groups,
        ),
        seed=int(facts["seed"]),
    )
    codes = [f"{g.desa_code}/{g.number:03d}" for g in generated]
    classes = assign_classes(codes)
    tps = [
        TPS(c, g.desa_code, g.desa_code.rsplit(".", 1)[0], classes[c], g.voters, g.lat, g.lng)
        for c, g in zip(codes, generated, strict=True)
    ]
    return Case("malang", tps, _pools(tps, kec_centre, bko=True), {k: k[:5] for k in kec_centre})


# ---------------------------------------------------------------- East Java and the nation


def _read_centroids(prefix: str = "") -> tuple[list[tuple[str, float, float]], dict[str, tuple[float, float]]]:
    desa: list[tuple[str, float, float]] = []
    kec: dict[str, tuple[float, float]] = {}
    with gzip.open(CENTROIDS, "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["kode"]
            if not code.startswith(prefix):
                continue
            if r["level"] == "4":
                desa.append((code, float(r["lat"]), float(r["lng"])))
            elif r["level"] == "3":
                kec[code] = (float(r["lat"]), float(r["lng"]))
    with_desa = {d[0].rsplit(".", 1)[0][:5] for d in desa}
    for k, (lat, lng) in sorted(kec.items()):
        if k[:5] not in with_desa:  # a regency without desa in the file: its kecamatan stand in
            desa.append((k + ".0000", lat, lng))
    desa.sort()
    return desa, kec


def _apportion(total: int, n: int, codes: list[str]) -> list[int]:
    weights = [math.exp(0.5 * _normal(c)) for c in codes]
    return gen.apportion(total, weights, [1] * n)


def _normal(code: str) -> float:
    h = int.from_bytes(_rank(code, "tps")[:8], "big") / 2**64
    u = min(max(h, 1e-12), 1 - 1e-12)
    # inverse of the logistic, close enough to a normal for a spread of weights
    return math.log(u / (1 - u)) / 1.7


def spread(prefix: str, total: int, name: str, spread_km: float = SPREAD_KM, per_tps: float = 0.3) -> Case:
    desa, kec = _read_centroids(prefix)
    counts = _apportion(total, len(desa), [d[0] for d in desa])
    rng = np.random.Generator(np.random.PCG64(SEED))
    n = sum(counts)
    r = spread_km * np.sqrt(rng.random(n))
    th = 2 * np.pi * rng.random(n)
    codes: list[str] = []
    desa_of: list[tuple[str, float, float]] = []
    for d, c in zip(desa, counts, strict=True):
        for j in range(c):
            codes.append(f"{d[0]}/{j + 1:03d}")
            desa_of.append(d)
    lat0 = np.array([d[1] for d in desa_of])
    lng0 = np.array([d[2] for d in desa_of])
    lat = lat0 + r * np.sin(th) / KM_PER_DEG
    lng = lng0 + r * np.cos(th) / (KM_PER_DEG * np.cos(np.radians(lat0)))
    classes = assign_classes(codes)
    voters = 200 + (np.abs(rng.normal(0, 1, n)) * 150).astype(int) % 400
    tps = [
        TPS(c, d[0], d[0].rsplit(".", 1)[0], classes[c], int(v), round(float(la), 6), round(float(ln), 6))
        for c, d, v, la, ln in zip(codes, desa_of, voters.tolist(), lat.tolist(), lng.tolist(), strict=True)
    ]
    kec_centre = dict(kec)
    for t in tps:  # a kecamatan without its own centroid row: its first desa
        kec_centre.setdefault(t.kecamatan_code, (t.lat, t.lng))
    return Case(name, tps, _pools(tps, kec_centre, per_tps=per_tps), {k: k[:5] for k in kec_centre})


def jatim() -> Case:
    return spread("35.", JATIM_TPS, "jatim")


def jatim_wide() -> Case:
    """Beyond the issue: East Java with TPS up to 3 km from their desa centroid, so that walking distance
    binds in most desa (with 1.5 km every desa fits one walking disk and the problem is pure packing)."""
    return spread("35.", JATIM_TPS, "jatim_wide", 3.0, per_tps=0.8)


def national() -> Case:
    return spread("", NATIONAL_TPS, "national")
