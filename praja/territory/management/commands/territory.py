"""`praja territory load CODE`: bring regions from the Kemendagri registry into the database.

Also `praja territory import-tps FILE` and `praja territory boundaries FILE`, which hand over to the
validated importers (`territory_import`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from praja.base import audit
from praja.territory.loader import load_regions, read_centroid_file, registry_regions
from praja.territory.signals import boundaries_imported


class Command(BaseCommand):
    help = "Regions, TPS lists and boundaries of the territory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a regency (35.07), a province (35) or the country (ID)")
        load.add_argument("code")
        load.add_argument("--centroids", type=Path, help="CSV (optionally .gz) with kode, lat, lng")
        imp = sub.add_parser("import-tps", help="import a TPS list (CSV or XLSX), validated, all or nothing")
        imp.add_argument("file", type=Path)
        imp.add_argument("--regency", default=None)
        b = sub.add_parser("boundaries", help="import region boundaries from GeoJSON")
        b.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "import-tps":
            extra = ["--regency", opts["regency"]] if opts["regency"] else []
            call_command("territory_import", "tps", str(opts["file"]), *extra, stdout=self.stdout, stderr=self.stderr)
            return
        if action == "boundaries":
            call_command("territory_import", "boundaries", str(opts["file"]), stdout=self.stdout, stderr=self.stderr)
            # The map's outlines, drawn once now, not on a first visit (situation listens).
            boundaries_imported.send(sender=self.__class__)
            return
        code = opts["code"]
        try:
            total = len(registry_regions(code))
        except ValueError as e:
            raise CommandError(str(e)) from e
        centroids = read_centroid_file(opts["centroids"]) if opts.get("centroids") else None
        bar = tqdm(total=total, unit="wilayah", desc=f"memuat / loading {code}", disable=None)
        with transaction.atomic(), audit.acting_as(audit.system_actor("territory load")):
            result = load_regions(code, centroids=centroids, progress=bar.update)
            audit.record(
                "import", "territory.region", code, "" if code in ("ID", "all") else code,
                {"created": result.created, "updated": result.updated, "with_centroid": result.with_centroid},
            )
        bar.close()
        self.stdout.write(
            f"{code}: {result.created} wilayah baru / new, {result.updated} diperbarui / updated, "
            f"{result.with_centroid} dengan titik tengah / with centroid"
        )
