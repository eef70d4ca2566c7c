"""Importing region boundaries from GeoJSON into the database, whole or not at all (`import_boundaries`).

The features are read and checked by `praja.territory.boundary_features`; a clean file sets each
region's boundary (and a missing centroid) in one transaction with one audit summary entry, then
announces `regions_changed`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from os import PathLike

from praja.territory.boundary_features import feature_code, read_feature_collection, validate_boundary_features
from praja.territory.import_db import chunks, common_region
from praja.territory.import_report import Problem, Progress
from praja.territory.table_files import read_source


@dataclass
class BoundaryImportResult:
    file: str
    sha256: str
    features: int = 0
    boundaries: int = 0
    centroids: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def updated(self) -> int:
        """Regions whose boundary was set."""
        return self.boundaries


def import_boundaries(
    file: str | PathLike[str], data: bytes | None = None, *, progress: Progress | None = None
) -> BoundaryImportResult:
    """Set Region.boundary (and a missing centroid) from a GeoJSON FeatureCollection, whole or not at all.

    `file` names the file in messages; without `data` it is read from that path.
    """
    from django.db import transaction

    from praja.base import audit
    from praja.territory.models import Region

    file_name, data = read_source(file, data)
    result = BoundaryImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    features, problems = read_feature_collection(file_name, data)
    result.features = len(features)
    if problems:
        result.problems = problems
        return result
    codes = {c for f in features if (c := feature_code(f))}
    known: set[str] = set()
    for batch in chunks(codes):
        known.update(Region.objects.filter(code__in=batch).values_list("code", flat=True))
    checked = validate_boundary_features(file_name, features, known, progress=progress)
    if checked.problems:
        result.problems = checked.problems
        return result
    if audit.current_actor() is None:
        raise RuntimeError("import_boundaries needs an audit actor: wrap it in acting_as(...)")
    by_code = {r.code: r for r in checked.records}
    with transaction.atomic():
        regions: list[Region] = []
        for batch in chunks(by_code):
            regions.extend(
                Region.objects.select_for_update()
                .filter(code__in=batch)
                .only("code", "centroid_lat", "centroid_lng")
            )
        centroids = 0
        for region in regions:
            rec = by_code[region.code]
            region.boundary = rec.geometry
            if rec.centroid is not None and (region.centroid_lat is None or region.centroid_lng is None):
                region.centroid_lat, region.centroid_lng = rec.centroid
                centroids += 1
        Region.objects.bulk_update(regions, ["boundary", "centroid_lat", "centroid_lng"], batch_size=50)
        if progress is not None:
            progress("simpan", len(regions), len(regions))
        audit.record(
            "import",
            "territory.region",
            target_id=file_name[:64],
            region_code=common_region(by_code),
            changes={
                "file": file_name,
                "sha256": result.sha256,
                "features": len(features),
                "boundaries": len(regions),
                "centroids": centroids,
            },
        )
    result.boundaries, result.centroids = len(regions), centroids
    from praja.territory.signals import regions_changed

    transaction.on_commit(lambda: regions_changed.send(sender=Region, codes=sorted(by_code)))
    return result
