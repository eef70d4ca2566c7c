"""A regency's pools: first drawn from its Polsek, Koramil, Polres and Kodim (numbers suggested and marked
as examples until the district sets them), and the snapshot of them a plan keeps.

- `ensure_pools(regency)`, `load_demo_pools(regency)`: a district's pools.
- `regencies_of(region)`, `snapshot_pools(region, overrides)`: the pools a plan of a region plans with.

Writes by a person are audited by the model signals; the demo's pools add one `audit.record` summary.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from praja.base import audit
from praja.deployment import tasks
from praja.deployment.models import Pool
from praja.deployment.pattern_settings import ensure_presets
from praja.deployment.solver import Pool as CorePool
from praja.territory.models import TPS as TPSRow
from praja.territory.models import Jurisdiction, Region

# Suggested strength of a unit when a district has not entered its own yet (marked "angka contoh"):
# a Polsek a few dozen people; the Polres reserve; a Koramil a dozen soldiers (DOMAIN.md section 5:
# 447 TNI in Kabupaten Malang); a Brimob BKO company.
SUGGESTED = {
    "polsek": (10, 0.3),
    "koramil": (5, 0.1),
    "polres": (50, 0.1),
    "kodim": (20, 0.02),
}
SUGGESTED_BKO = 200


def _suggest(role: str, tps: int) -> int:
    base, per = SUGGESTED[role]
    return base + round(per * tps)


def _kecamatan_of(regency_code: str) -> dict[str, Region]:
    return {
        r.code: r
        for r in Region.objects.filter(level=Region.Level.KECAMATAN, code__startswith=regency_code + ".")
    }


def _tps_per_kecamatan(regency_code: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for code in TPSRow.objects.filter(code__startswith=regency_code + ".").values_list("code", flat=True):
        out[code[:8]] = out.get(code[:8], 0) + 1
    return out


def ensure_pools(regency_code: str) -> list[Pool]:
    """The regency's pools; when it has none yet, one per Polsek and Koramil covering its kecamatan, a
    reserve per Polres and Kodim, and a BKO pool, with suggested numbers marked as examples."""
    existing = list(Pool.objects.filter(region_id=regency_code).prefetch_related("kecamatan"))
    if existing:
        return existing
    regency = Region.objects.filter(code=regency_code, level=Region.Level.KABUPATEN).first()
    if regency is None:
        return []
    kecs = _kecamatan_of(regency_code)
    per_kec = _tps_per_kecamatan(regency_code)
    made: list[Pool] = []
    jurisdictions = (
        Jurisdiction.objects.filter(kecamatan__code__in=list(kecs)).distinct().prefetch_related("kecamatan")
        .order_by("kind", "name")
    )
    for j in jurisdictions:
        served = sorted(k.code for k in j.kecamatan.all() if k.code in kecs)
        if not served:
            continue
        lat, lng = j.hq_lat, j.hq_lng
        if lat is None or lng is None:
            pts = [(kecs[k].centroid_lat, kecs[k].centroid_lng) for k in served
                   if kecs[k].centroid_lat is not None and kecs[k].centroid_lng is not None]
            if not pts:
                pts = [(regency.centroid_lat, regency.centroid_lng)] if regency.centroid_lat is not None else []
            if not pts:
                continue
            lat = round(sum(p[0] for p in pts if p[0] is not None) / len(pts), 6)
            lng = round(sum(p[1] for p in pts if p[1] is not None) / len(pts), 6)
        kind = "tni" if j.kind in ("kodim", "koramil") else "polri"
        tps = sum(per_kec.get(k, 0) for k in served)
        pool = Pool.objects.create(
            region=regency, unit=j.name if j.kind in ("polsek", "koramil") else f"{_('Cadangan')} {j.name}",
            kind=kind, role=j.kind, jurisdiction=j, lat=lat, lng=lng, available=_suggest(j.kind, tps),
            generated=True,
        )
        pool.kecamatan.set([kecs[k] for k in served])
        made.append(pool)
    if made and regency.centroid_lat is not None and regency.centroid_lng is not None:
        bko = Pool.objects.create(
            region=regency, unit="BKO Brimob Polda", kind="polri", role=Pool.Role.BKO,
            lat=regency.centroid_lat, lng=regency.centroid_lng, available=SUGGESTED_BKO, cost_per_person=1.0,
            generated=True,
        )
        made.append(bko)
    return made


def load_demo_pools(regency_code: str = "35.07") -> int:
    """The demo district's pools (suggested numbers, marked as examples) and the preset patterns."""
    with audit.acting_as(audit.current_actor() or audit.system_actor("deployment demo")):
        ensure_presets()
        before = Pool.objects.filter(region_id=regency_code).count()
        pools = ensure_pools(regency_code)
        if len(pools) > before:
            audit.record("demo_pools", "deployment.pool", regency_code, regency_code,
                         {"pools": len(pools) - before, "people": sum(p.available for p in pools)})
    return len(pools)


def pool_to_core(p: Pool, available: int | None = None) -> CorePool:
    return CorePool(
        unit=p.unit, kind=p.kind, lat=p.lat, lng=p.lng,
        available=p.available if available is None else available,
        kecamatan_codes=frozenset(k.code for k in p.kecamatan.all()),
        cost_per_person=p.cost_per_person, bko=p.bko,
    )


def pool_snapshot(p: Pool, available: int | None = None) -> dict[str, Any]:
    d = tasks.pool_to_dict(pool_to_core(p, available))
    d.update({"id": p.pk, "role": p.role, "regency": p.region_id, "generated": p.generated})
    return d


def regencies_of(region_code: str) -> list[str]:
    """The regencies a plan of this region covers that hold TPS ('' = the whole country)."""
    if region_code and len(region_code.split(".")) >= 2:
        return [region_code[:5]]
    qs = TPSRow.objects.all() if not region_code else TPSRow.objects.filter(code__startswith=region_code + ".")
    return sorted({c[:5] for c in qs.order_by().values_list("desa__parent__parent_id", flat=True).distinct() if c})


def snapshot_pools(region_code: str, overrides: dict[int, tuple[int, bool]] | None = None) -> list[dict[str, Any]]:
    """The active pools of the regencies a plan covers; `overrides` {pool id: (available, active)}."""
    overrides = overrides or {}
    out: list[dict[str, Any]] = []
    for reg in regencies_of(region_code):
        for p in ensure_pools(reg):
            available, active = overrides.get(p.pk, (p.available, p.active))
            if active:
                out.append(pool_snapshot(p, available))
    return out
