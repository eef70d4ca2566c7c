"""`praja deployment plan`: a deployment plan from files, or from the database.

    praja deployment plan --tps TPS.csv --pools POOLS.csv [--pattern PATTERN.toml] --out DIR [--workers N]
                          [--no-pdf] [--max-km-from-desa KM] [--allow-unpooled]
    praja deployment plan --region 35.07 [--pattern polres_malang_2024] [--out DIR]
    praja deployment presets            the named patterns of DOMAIN.md as rows (idempotent)

From files (the whole country in one run: TPS.csv is read one row at a time, no row cap below
PRAJA["DEPLOYMENT_MAX_ROWS"], 2,000,000): every file is checked first; a bad row anywhere prints one line
per bad row and field (as the imports do), nothing is written and the command exits with status 1.
Refused as well: a TPS farther than --max-km-from-desa (PRAJA["DEPLOYMENT_MAX_KM_FROM_DESA"], 15 km) from
its desa's centroid, a line too long (by its row number), a kecamatan that no polri pool serves (named;
--allow-unpooled plans it anyway). POOLS.csv may name units by a code column as well as by name, so two
regencies can each have a "Polsek X". Regencies are planned as jobs (praja/jobs.py `map`: Celery workers
when PRAJA_CELERY_BROKER_URL is set, else --workers N local processes, else this process). A good run
writes DIR/plan.json (the totals, the lower bound and its name, a line per regency, every post),
DIR/summary.xlsx (a row per regency) and a folder per regency DIR/<code>/ with plan.xlsx (a sheet per
Polsek), plan.pdf (unless --no-pdf) and posts.geojson; with one regency plan.xlsx and posts.geojson are
at the top as well. TPS without coordinates are placed at their desa's centroid and counted in plan.json
(`tps_at_centroid`).

From the database (--region): the region's TPS with their vulnerability class, its settings, pattern
and pools; the plan is stored as a new version (audited) and, with --out, exported too. A province
(--region 35) or the country (--region ID) is planned one job per regency (Celery workers when
PRAJA_CELERY_BROKER_URL is set). Both show a progress bar.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praja import jobs
from praja.base import audit
from praja.deployment import exports, importers, outputs, tasks
from praja.deployment.solver import PRESETS, Pattern, Plan, Pool, Settings, preset
from praja.progress import PhaseBar
from praja.territory.import_report import Problem


@dataclass
class FileInputs:
    tps: importers.TpsFile
    pools: list[Pool]
    pattern: Pattern
    settings: Settings
    sources: dict[str, Any]
    unpooled: dict[str, int]


class Command(BaseCommand):
    help = "Deployment plans (plotting pengamanan TPS): plan from files or from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("plan", help="plan from TPS.csv + POOLS.csv (+ PATTERN.toml), or a region of the database")
        p.add_argument("--tps", type=Path, help="TPS list: code, desa_code, class, voters, lat, lng")
        p.add_argument("--pools", type=Path, help="pools: unit, kind, lat, lng, available, kecamatan_codes")
        p.add_argument("--pattern", help="PATTERN.toml, or a preset name: " + ", ".join(sorted(PRESETS)))
        p.add_argument("--out", type=Path, help="directory for plan.json, plan.xlsx, posts.geojson")
        p.add_argument("--region", help="plan this region of the database instead (35.07, 35 or ID)")
        p.add_argument("--name", default="", help="scenario name of the stored plan (--region)")
        p.add_argument("--walking-km", type=float, dest="walking_km")
        p.add_argument("--area", choices=["desa", "kecamatan"])
        p.add_argument("--reserve-share", type=float, dest="reserve_share")
        p.add_argument("--workers", type=int, help="worker processes for planning and writing, without a broker "
                       "(default: PRAJA_MAP_WORKERS, else 1); with a broker the Celery workers plan")
        p.add_argument("--no-pdf", action="store_true", dest="no_pdf",
                       help="no PDF annex per regency (the slowest file)")
        p.add_argument("--max-km-from-desa", type=float, dest="max_km_from_desa",
                       help="refuse a TPS farther than this from its desa's centroid (default 15; 0: no check)")
        p.add_argument("--allow-unpooled", action="store_true", dest="allow_unpooled",
                       help="plan even when a kecamatan has no polri pool (its TPS stay uncovered; named)")
        sub.add_parser("presets", help="store the named patterns (DOMAIN.md section 1) as rows")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "presets":
            from praja.deployment.pattern_settings import ensure_presets

            n = ensure_presets()
            self.stdout.write(f"{len(PRESETS)} pola / patterns ({n} ditulis / written)")
            return
        if opts.get("region"):
            if opts.get("tps") or opts.get("pools"):
                raise CommandError(
                    "--region tidak bisa digabung dengan --tps/--pools / --region excludes --tps/--pools"
                )
            self._from_database(opts)
            return
        if not (opts.get("tps") and opts.get("pools") and opts.get("out")):
            raise CommandError("perlu --tps, --pools dan --out (atau --region) / needs --tps, --pools and --out "
                               "(or --region)")
        self._from_files(opts)

    # --- from files -----------------------------------------------------------------------------------------

    def _read(self, path: Path) -> bytes:
        if not path.is_file():
            raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
        return path.read_bytes()

    def _from_files(self, opts: dict[str, Any]) -> None:
        t0 = time.perf_counter()
        inputs = self._read_inputs(opts)
        bar = PhaseBar(desc="merencanakan / planning")
        parts = tasks.split_by_regency(inputs.tps.tps, inputs.pools)
        try:
            payloads = [tasks.make_payload(key, tps, pools, inputs.pattern, inputs.settings)
                        for key, tps, pools in parts]
            results, totals = tasks.plan_many(payloads, on_progress=bar.counting, workers=opts.get("workers"))
        finally:
            bar.close()
        plan = tasks.plan_from_dict(tasks.merge(results, totals))
        planned = time.perf_counter()
        out: Path = opts["out"]
        out.mkdir(parents=True, exist_ok=True)
        bounds = {str(r["key"]): int(r["officers_lower_bound"]) for r in results}
        docs = outputs.documents(plan, inputs.tps, inputs.pools, inputs.pattern, inputs.settings, True, bounds)
        bar = PhaseBar(desc="menulis / writing")
        try:
            written = outputs.write_all(out, docs, not opts.get("no_pdf"), translation.get_language() or "",
                                        lambda items: self._write_regencies(items, opts.get("workers"), bar))
        finally:
            bar.close()
        region_names = outputs.names({k[:5] for k in docs})
        rows = outputs.regency_rows(plan, region_names)
        body = self._plan_body(plan, inputs, totals, len(payloads), rows, written)
        workers = jobs.local_workers(opts.get("workers"))
        if not jobs.uses_celery() and workers > 1:
            body["backend"] = f"local processes ({workers})"
        body["wall_seconds"] = round(time.perf_counter() - t0, 4)
        body["planning_seconds"] = round(planned - t0, 4)
        (out / "summary.xlsx").write_bytes(outputs.summary_xlsx(rows, totals))
        (out / "plan.json").write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self._summary(plan, len(inputs.tps.at_centroid), out)

    def _read_inputs(self, opts: dict[str, Any]) -> FileInputs:
        """Read and check every input file; refuse (nothing planned or written) on any problem."""
        from django.conf import settings as dj

        conf = getattr(dj, "PRAJA", {})
        tps_path: Path = opts["tps"]
        pools_path: Path = opts["pools"]
        data_tps, data_pools = self._read(tps_path), self._read(pools_path)
        max_km = opts.get("max_km_from_desa")
        if max_km is None:
            max_km = float(conf.get("DEPLOYMENT_MAX_KM_FROM_DESA", importers.DEFAULT_MAX_KM_FROM_DESA))
        tps_file = importers.read_tps(
            tps_path.name, data_tps, importers.centroids,
            int(conf.get("TPS_MAX_VOTERS", importers.DEFAULT_MAX_VOTERS)),
            int(conf.get("DEPLOYMENT_MAX_ROWS", importers.DEFAULT_MAX_ROWS)), max_km,
        )
        tps_sha = hashlib.sha256(data_tps).hexdigest()
        del data_tps
        pools_file = importers.read_pools(pools_path.name, data_pools)
        problems: list[Problem] = tps_file.problems + pools_file.problems
        unpooled: dict[str, int] = {}
        if not problems:
            unpooled = importers.kecamatan_without_pool(tps_file.tps, pools_file.pools)
            if unpooled and not opts.get("allow_unpooled"):
                problems += importers.unpooled_problems(pools_path.name, unpooled, outputs.names(set(unpooled)))
        pattern, overrides, pattern_src = self._pattern(opts.get("pattern"), problems)
        self._reject_if_bad(problems)
        assert pattern is not None
        for k, n in unpooled.items():
            self.stderr.write(f"{pools_path.name}: kecamatan {k} ({n} TPS) tanpa satuan polri, TPS-nya belum "
                              f"terpenuhi / has no polri pool, its TPS stay uncovered")
        sources = {
            "tps": {"file": tps_path.name, "sha256": tps_sha},
            "pools": {"file": pools_path.name, "sha256": hashlib.sha256(data_pools).hexdigest()},
            "pattern": pattern_src,
        }
        return FileInputs(tps_file, pools_file.pools, pattern, self._settings(opts, overrides), sources, unpooled)

    def _write_regencies(self, items: Sequence[Any], workers: int | None, bar: PhaseBar) -> list[dict[str, Any]]:
        """Each regency's files by the job `deployment.write_regency`: in worker processes with --workers,
        in this process otherwise (and with a broker: a remote worker cannot write into --out)."""
        if jobs.uses_celery():
            out = []
            for i, item in enumerate(items, start=1):
                out.append(tasks.write_regency(item))
                bar.counting(i, len(items), "kabupaten/kota")
            return out
        done: list[dict[str, Any]] = [{} for _ in items]
        for i, r in jobs.map("deployment.write_regency", items, on_progress=bar.counting, unit="kabupaten/kota",
                             workers=workers):
            done[i] = r
        return done

    def _plan_body(self, plan: Plan, inputs: FileInputs, totals: dict[str, Any], n_jobs: int,
                   rows: list[dict[str, Any]], written: list[dict[str, Any]]) -> dict[str, Any]:
        body = plan.to_dict()
        body.update({
            "tps_at_centroid": len(inputs.tps.at_centroid),
            "tps_at_centroid_codes": inputs.tps.at_centroid,
            "kecamatan_without_pool": inputs.unpooled,
            "pattern": inputs.pattern.as_dict(),
            "settings": asdict(inputs.settings),
            "jobs": n_jobs,
            "regencies": len({t.kecamatan_code[:5] for t in inputs.tps.tps}),
            "regency_summary": rows,
            "files": {w["code"]: w["files"] for w in written if w},
            "solver_seconds": totals["solver_seconds"],
            "backend": "celery" if jobs.uses_celery() else "in-process",
            "inputs": inputs.sources,
        })
        return body

    def _pattern(self, spec: str | None, problems: list[Problem]) -> tuple[Pattern | None, dict[str, Any], str]:
        if not spec:
            return preset("polres_malang_2024"), {}, "preset polres_malang_2024"
        if spec in PRESETS:
            return preset(spec), {}, f"preset {spec}"
        path = Path(spec)
        if not path.is_file():
            raise CommandError(f"--pattern {spec}: bukan berkas atau preset ({', '.join(sorted(PRESETS))}) / "
                               "neither a file nor a preset")
        data = path.read_bytes()
        pf = importers.read_pattern(path.name, data)
        problems.extend(pf.problems)
        return pf.pattern, pf.settings, f"{path.name} sha256 {hashlib.sha256(data).hexdigest()}"

    def _settings(self, opts: dict[str, Any], base: dict[str, Any]) -> Settings:
        values = dict(base)
        for k in ("walking_km", "area", "reserve_share"):
            if opts.get(k) is not None:
                values[k] = opts[k]
        try:
            return Settings(**values)
        except ValueError as exc:
            raise CommandError(f"pengaturan tidak sah / invalid settings: {exc}") from exc

    def _reject_if_bad(self, problems: list[Problem]) -> None:
        if not problems:
            return
        for p in problems:
            self.stderr.write(str(p))
        files = sorted({p.file for p in problems})
        rows = len({(p.file, p.row) for p in problems if p.row is not None})
        raise CommandError(
            f"{', '.join(files)} ditolak: {len(problems)} kesalahan pada {rows} baris; tidak ada yang "
            f"direncanakan atau ditulis / rejected: {len(problems)} problems in {rows} rows; nothing was "
            "planned or written",
            returncode=1,
        )

    def _summary(self, plan: Plan, at_centroid: int, out: Path | None) -> None:
        uncovered = sum(plan.uncovered_by_class.values())
        ratio = plan.officers / plan.officers_lower_bound if plan.officers_lower_bound else 1.0
        self.stdout.write(
            f"{plan.tps} TPS, {len(plan.posts)} pos, {plan.officers} Polri (batas bawah / lower bound "
            f"{plan.officers_lower_bound}, rasio {ratio:.4f}), {plan.soldiers} TNI, {plan.linmas} Linmas, "
            f"{plan.km_total:.1f} km; {uncovered} TPS belum terpenuhi / uncovered; BKO {plan.bko_needed}; "
            f"{at_centroid} TPS di titik tengah desa / at desa centroid; {plan.seconds:.2f} s"
            + (f" -> {out}" if out else "")
        )

    # --- from the database --------------------------------------------------------------------------------------

    def _from_database(self, opts: dict[str, Any]) -> None:
        from praja.base.scope import Scope
        from praja.deployment import pattern_settings, plan_edits, plan_exports, plan_jobs, regency_pools
        from praja.deployment.models import Pattern as PatternRow
        from praja.territory.models import Region

        code = opts["region"].strip()
        region_code = "" if code.upper() in ("ID", "ALL") else code
        if region_code and not Region.objects.filter(code=region_code, level__lte=2).exists():
            raise CommandError(f"--region {code}: bukan provinsi/kabupaten yang dikenal / not a known province or "
                               "regency (e.g. 35.07, 35 or ID)")
        with audit.acting_as(audit.system_actor("deployment plan")):
            stored = pattern_settings.settings_for(region_code)
            spec = opts.get("pattern")
            problems: list[Problem] = []
            if not spec:
                row = pattern_settings.default_pattern(region_code)
            elif spec in PRESETS:
                pattern_settings.ensure_presets()
                row = PatternRow.objects.get(region__isnull=True, preset_key=spec)
            else:
                pattern, _o, _src = self._pattern(spec, problems)
                self._reject_if_bad(problems)
                assert pattern is not None
                row = PatternRow.objects.create(
                    name=pattern.name, region_id=region_code or None, source=pattern.source,
                    classes=pattern_settings.classes_of(pattern),
                )
            base = {"walking_km": stored.walking_km, "area": stored.area, "reserve_share": stored.reserve_share}
            settings = self._settings(opts, base)
            pools = regency_pools.snapshot_pools(region_code)
            plan = plan_jobs.create_plan(region_code, row, settings, pools, name=opts.get("name", ""))
            bar = PhaseBar(desc="merencanakan / planning")
            try:
                plan_jobs.run_plan(plan.pk, on_progress=bar.counting)
            except Exception as exc:
                raise CommandError(f"rencana gagal / plan failed: {exc}") from exc
            finally:
                bar.close()
            plan.refresh_from_db()
        core = plan_edits.core_plan(plan)
        out: Path | None = opts.get("out")
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            doc = plan_exports.document(plan, Scope.everything())
            body = {**_plan_json(plan), "posts": [_post_json(p) for p in core.posts]}
            (out / "plan.json").write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            (out / "plan.xlsx").write_bytes(exports.to_xlsx(doc))
            (out / "posts.geojson").write_text(json.dumps(exports.to_geojson(doc), ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        self.stdout.write(
            f"rencana / plan {plan.pk} ({plan}): {plan.tps_count} TPS, {plan.posts_count} pos, {plan.officers} Polri "
            f"(batas bawah / lower bound {plan.officers_lower_bound}), {plan.soldiers} TNI, {plan.linmas} Linmas, "
            f"{plan.km_total:.1f} km; {plan.uncovered} TPS belum terpenuhi / uncovered; {plan.tps_at_centroid} TPS "
            f"di titik tengah desa / at desa centroid; {plan.seconds:.2f} s" + (f" -> {out}" if out else "")
        )


PLAN_FIELDS = ("tps_count", "posts_count", "officers", "officers_lower_bound", "bound_name", "bounds", "soldiers",
               "linmas", "km_total", "km_max", "uncovered_by_class", "shortfall", "bko_needed", "bko_used",
               "bko_cost", "reserve", "reserve_required", "seconds", "solver_seconds", "regencies", "tps_at_centroid",
               "stats")


def _plan_json(plan: Any) -> dict[str, Any]:
    d = {k: getattr(plan, k) for k in PLAN_FIELDS}
    d["tps"] = d.pop("tps_count")
    d["id"], d["region"], d["version"] = plan.pk, plan.region_code, plan.number
    d["pattern"], d["settings"] = plan.pattern_snapshot, plan.settings_snapshot
    d["ratio"] = round(plan.ratio, 6) if plan.ratio else 1.0
    return d


def _post_json(p: Any) -> dict[str, Any]:
    d = asdict(p)
    d["tps"] = list(p.tps)
    return d
