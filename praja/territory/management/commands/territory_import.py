"""`territory_import tps FILE [--regency 35.07]` and `territory_import boundaries FILE.geojson`.

Each file loads whole or not at all. A rejected file prints one line per bad row and field on
stderr and the command exits non-zero; nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from praja.base import audit
from praja.base.regions import is_region_code, level_of
from praja.progress import PhaseBar
from praja.territory.boundary_import import import_boundaries
from praja.territory.import_report import Problem
from praja.territory.models import Region
from praja.territory.tps_import import import_tps


class Command(BaseCommand):
    help = "Import a TPS list (CSV/XLSX) or region boundaries (GeoJSON): validated, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        tps = sub.add_parser("tps", help="TPS list: kode_desa, nomor_tps, dpt, alamat, lat, lng")
        tps.add_argument("file", type=Path)
        tps.add_argument("--regency", default=None, help="every desa must lie in this regency, e.g. 35.07")
        boundaries = sub.add_parser("boundaries", help="GeoJSON FeatureCollection with property kode")
        boundaries.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
        data = path.read_bytes()
        bar = PhaseBar(sys.stderr)
        with audit.acting_as(audit.system_actor(f"territory_import {opts['what']}")):
            try:
                if opts["what"] == "tps":
                    regency = self._regency(opts.get("regency"))
                    tps_result = import_tps(path.name, data, regency=regency, progress=bar)
                    bar.close()
                    self._reject_if_bad(path.name, tps_result.problems)
                    self.stdout.write(
                        f"{tps_result.file}: {tps_result.rows} baris / rows; {tps_result.created} TPS baru / "
                        f"created, {tps_result.updated} diperbarui / updated "
                        f"(sha256 {tps_result.sha256[:12]})"
                    )
                else:
                    b_result = import_boundaries(path.name, data, progress=bar)
                    bar.close()
                    self._reject_if_bad(path.name, b_result.problems)
                    self.stdout.write(
                        f"{b_result.file}: {b_result.boundaries} batas wilayah / boundaries, "
                        f"{b_result.centroids} titik tengah baru / new centroids "
                        f"(sha256 {b_result.sha256[:12]})"
                    )
            finally:
                bar.close()

    def _regency(self, code: str | None) -> str | None:
        if not code:
            return None
        code = code.strip()
        if not is_region_code(code) or level_of(code) != 2 or not Region.objects.filter(code=code).exists():
            raise CommandError(
                f"--regency {code}: bukan kabupaten/kota yang dikenal / not a known regency (e.g. 35.07)"
            )
        return code

    def _reject_if_bad(self, name: str, problems: list[Problem]) -> None:
        if not problems:
            return
        for p in problems:
            self.stderr.write(str(p))
        rows = len({p.row for p in problems if p.row is not None})
        unit = problems[0].unit
        english = "features" if unit == "fitur" else "rows"
        raise CommandError(
            f"{name} ditolak: {len(problems)} kesalahan pada {rows} {unit}; tidak ada yang disimpan / "
            f"rejected: {len(problems)} problems in {rows} {english}; nothing was written",
            returncode=1,
        )
