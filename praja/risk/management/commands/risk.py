"""`praja risk ...`: the TPS vulnerability mapping from the command line.

    praja risk import FILE [--sumber Bawaslu] [--tanggal 2024-11-15] [--regency 35.07]
    praja risk recompute CODE [--as-of 2024-11-27]
    praja risk incident PLACE DATE [--severity 1] [--ref R-1]
    praja risk demo [--regency 35.07] [--seed 2024]
    praja risk indicators [--regency 35.07]

An import loads whole or not at all: a rejected file prints one line per bad row and field on stderr
and the command exits non-zero; nothing is written.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from praja.base import audit
from praja.progress import PhaseBar
from praja.risk import services
from praja.risk.importers import import_mapping
from praja.territory.models import Region


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise CommandError(f"{text}: bukan tanggal YYYY-MM-DD / not a date YYYY-MM-DD") from e


class Command(BaseCommand):
    help = "TPS vulnerability: import a mapping, recompute scores, record an incident, demo values."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a TPS mapping (CSV/XLSX): kode_tps + indicator columns")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--sumber", default="Bawaslu", help="source agency where the file has no sumber column"
        )
        imp.add_argument(
            "--tanggal", default=None, help="observation date where the file has no tanggal column"
        )
        imp.add_argument("--regency", default=None, help="every TPS must lie in this regency, e.g. 35.07")
        rec = sub.add_parser("recompute", help="recompute the scores of a region (35.07, 35.07.01, ...)")
        rec.add_argument("code")
        rec.add_argument(
            "--as-of", default=None, help="date the incident history is taken at (default today)"
        )
        inc = sub.add_parser("incident", help="record an incident at a TPS or desa and recompute its desa")
        inc.add_argument("place")
        inc.add_argument("on")
        inc.add_argument("--severity", type=float, default=1.0)
        inc.add_argument("--ref", default="")
        demo = sub.add_parser(
            "demo", help="generated values (Bawaslu's Malang 2024 figures) for a regency's TPS"
        )
        demo.add_argument("--regency", default="35.07")
        demo.add_argument("--seed", type=int, default=2024)
        ind = sub.add_parser("indicators", help="list the indicators (the column names of an import file)")
        ind.add_argument("--regency", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        with audit.acting_as(audit.system_actor(f"risk {action}")):
            getattr(self, "_" + action)(opts)

    def _import(self, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
        regency = opts.get("regency")
        if regency and not Region.objects.filter(code=regency, level=Region.Level.KABUPATEN).exists():
            raise CommandError(
                f"--regency {regency}: bukan kabupaten/kota yang dikenal / not a known regency"
            )
        bar = PhaseBar(sys.stderr)
        try:
            result = import_mapping(
                path.name,
                path.read_bytes(),
                regency=regency,
                source_agency=opts["sumber"],
                observed_on=_date(opts["tanggal"]) if opts.get("tanggal") else None,
                progress=bar,
            )
        finally:
            bar.close()
        if result.problems:
            for p in result.problems:
                self.stderr.write(str(p))
            raise CommandError(
                f"{result.file} ditolak: {len(result.problems)} kesalahan pada {result.bad_rows} baris; "
                f"tidak ada yang disimpan / rejected: {len(result.problems)} problems in "
                f"{result.bad_rows} rows; nothing was written",
                returncode=1,
            )
        counts = result.scores.counts if result.scores else {}
        self.stdout.write(
            f"{result.file}: {result.rows} baris / rows, {result.tps} TPS, {result.values} nilai / values "
            f"({result.replaced} diganti / replaced); {self._counts(counts)} (sha256 {result.sha256[:12]})"
        )

    def _recompute(self, opts: dict[str, Any]) -> None:
        code = opts["code"].strip()
        if code not in ("ID", "") and not Region.objects.filter(code=code).exists():
            raise CommandError(f"{code}: wilayah tidak dikenal / unknown region")
        bar = PhaseBar(sys.stderr)
        try:
            result = services.recompute(
                code,
                as_of=_date(opts["as_of"]) if opts.get("as_of") else None,
                reason="command line",
                progress=bar,
            )
        finally:
            bar.close()
        self.stdout.write(
            f"{result.region}: {result.tps} TPS, {len(result.changed)} berganti kelas / changed "
            f"class; {self._counts(result.counts)} ({result.seconds:.1f} s)"
        )

    def _incident(self, opts: dict[str, Any]) -> None:
        try:
            signal = services.record_incident(opts["place"], _date(opts["on"]), opts["severity"], opts["ref"])
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"insiden / incident {signal.pk} {signal.place_code} {signal.on} ({signal.severity}) dicatat; "
            "skor desa dihitung ulang / desa recomputed"
        )

    def _demo(self, opts: dict[str, Any]) -> None:
        result = services.load_demo_values(opts["regency"], opts["seed"])
        self.stdout.write(
            f"{opts['regency']}: {result.values} nilai bangkitan / generated values; "
            f"{self._counts(result.scores.counts)}"
        )

    def _indicators(self, opts: dict[str, Any]) -> None:
        for ind in services.indicators_for(opts.get("regency") or ""):
            self.stdout.write(
                f"{ind.key:<28} {ind.value_type:<8} w={ind.default_weight:<5g} {ind.source_agency:<8} "
                f"{ind.region_id or 'nasional':<9} {ind.label_id}"
            )

    @staticmethod
    def _counts(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in counts.items())
