"""Importing a TPS list (CSV, XLSX) into the database, whole or not at all (`import_tps`).

The file is read (`praja.territory.tps_table`), every row is checked (`praja.territory.tps_rows`) against
the desa codes and regency areas in the database, and when any row is bad the whole file is rejected
with a report naming every bad row and field; nothing is written. A clean file is written in one
transaction (upsert by TPS code) with one audit summary entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from praja.territory.cells import normalise_desa_code
from praja.territory.geo import Area, area_from_geojson, area_from_points, polygon_problem
from praja.territory.import_db import chunks, common_region, update_rows
from praja.territory.import_report import Problem, Progress
from praja.territory.table_files import read_source
from praja.territory.tps_rows import TpsRecord, validate_tps_rows
from praja.territory.tps_table import read_table

if TYPE_CHECKING:
    from datetime import datetime

    from praja.base.scope import Scope
    from praja.territory.models import TPS


@dataclass
class TpsImportResult:
    file: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def known_desa_codes(codes: Iterable[str]) -> set[str]:
    """Which of `codes` are desa/kelurahan (level 4) regions in the database."""
    from praja.territory.models import Region

    known: set[str] = set()
    for batch in chunks(set(codes)):
        known.update(
            Region.objects.filter(level=Region.Level.DESA, code__in=batch).values_list("code", flat=True)
        )
    return known


def regency_areas(regencies: Iterable[str]) -> dict[str, Area]:
    """For each regency: its boundary polygon when loaded, else the box of its desa centroids."""
    from praja.territory.models import Region

    areas: dict[str, Area] = {}
    for code in sorted(set(regencies)):
        boundary = Region.objects.filter(code=code).values_list("boundary", flat=True).first()
        if boundary and polygon_problem(boundary) is None:
            areas[code] = area_from_geojson(code, boundary)
            continue
        points = Region.objects.filter(
            level=Region.Level.DESA,
            code__startswith=code + ".",
            centroid_lat__isnull=False,
            centroid_lng__isnull=False,
        ).values_list("centroid_lat", "centroid_lng")
        area = area_from_points(
            code, ((lat, lng) for lat, lng in points if lat is not None and lng is not None)
        )
        if area is not None:
            areas[code] = area
    return areas


def import_tps(
    file: str | PathLike[str],
    data: bytes | None = None,
    *,
    regency: str | None = None,
    scope: Scope | None = None,
    progress: Progress | None = None,
) -> TpsImportResult:
    """Check a TPS list and, when every row is clean, upsert it whole with one audit entry.

    `file` names the file in messages; without `data` it is read from that path. Needs an audit
    actor (the web middleware or `acting_as(system_actor(...))`).
    """
    from django.conf import settings
    from django.db import IntegrityError

    file_name, data = read_source(file, data)
    result = TpsImportResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    table = read_table(file_name, data)
    result.rows = len(table.rows)
    if table.problems:
        result.problems = table.problems
        return result
    codes = {c for r in table.rows if (c := normalise_desa_code(r.values.get("kode_desa")))}
    known = known_desa_codes(codes)
    limits: dict[str, Any] = settings.PRAJA
    areas = regency_areas({regency} if regency else {c[:5] for c in known})
    checked = validate_tps_rows(
        table,
        known,
        areas,
        regency=regency,
        scope=scope,
        min_voters=limits["TPS_MIN_VOTERS"],
        max_voters=limits["TPS_MAX_VOTERS"],
        progress=progress,
    )
    if checked.problems:
        result.problems = checked.problems
        return result
    try:
        result.created, result.updated = _load_tps(checked.records, result, regency, progress)
    except IntegrityError:
        # Someone else wrote the same TPS between the check and the write: nothing was kept.
        result.problems = [
            Problem(
                file_name,
                None,
                "",
                "",
                "data TPS berubah selama impor; tidak ada yang disimpan, coba lagi / "
                "TPS data changed during the import; nothing was written, try again",
            )
        ]
    return result


def _load_tps(
    records: list[TpsRecord], result: TpsImportResult, regency: str | None, progress: Progress | None
) -> tuple[int, int]:
    from django.db import transaction
    from django.utils import timezone

    from praja.base import audit
    from praja.territory.models import TPS

    if audit.current_actor() is None:
        raise RuntimeError("import_tps needs an audit actor: wrap it in acting_as(...)")
    now = timezone.now()
    source = f"impor {result.file}"[:200]
    total = len(records)
    with transaction.atomic():
        existing: dict[str, TPS] = {}
        for batch in chunks({r.desa for r in records}):
            existing.update({t.code: t for t in TPS.objects.select_for_update().filter(desa_id__in=batch)})
        to_create, to_update = _new_and_changed_tps(records, existing, source, now)
        TPS.objects.bulk_create(to_create, batch_size=500)
        if progress is not None:
            progress("simpan", len(to_create), total)
        update_rows(
            to_update,
            [
                "voters",
                "voters_generated",
                "address",
                "lat",
                "lng",
                "location_generated",
                "source",
                "updated_at",
            ],
        )
        if progress is not None:
            progress("simpan", total, total)
        audit.record(
            "import",
            "territory.tps",
            target_id=result.file[:64],
            region_code=regency or common_region(r.desa for r in records),
            changes={
                "file": result.file,
                "sha256": result.sha256,
                "rows": total,
                "created": len(to_create),
                "updated": len(to_update),
            },
        )
    return len(to_create), len(to_update)


def _new_and_changed_tps(
    records: list[TpsRecord], existing: dict[str, TPS], source: str, now: datetime
) -> tuple[list[TPS], list[TPS]]:
    """(TPS to create, known TPS with the file's values set): a blank address or blank coordinates keep
    what is known."""
    from praja.territory.models import TPS

    to_create: list[TPS] = []
    to_update: list[TPS] = []
    for rec in records:
        tps = existing.get(rec.code)
        if tps is None:
            to_create.append(
                TPS(
                    code=rec.code,
                    desa_id=rec.desa,
                    number=rec.number,
                    voters=rec.voters,
                    address=rec.address,
                    lat=rec.lat,
                    lng=rec.lng,
                    voters_generated=False,
                    location_generated=False,
                    source=source,
                )
            )
            continue
        tps.voters = rec.voters
        tps.voters_generated = False
        if rec.address:  # an empty cell keeps the address already known
            tps.address = rec.address
        if rec.lat is not None and rec.lng is not None:
            # Empty coordinates keep the known location and its "generated" mark as they are.
            tps.lat, tps.lng, tps.location_generated = rec.lat, rec.lng, False
        tps.source = source
        tps.updated_at = now
        to_update.append(tps)
    return to_create, to_update
