"""The whole country through `praja deployment plan` (issue 18): national 3 km and 1.5 km, end to end.

    .venv/bin/python bench/deployment_national.py                 # both cases, 2 workers
    PRAJA_BENCH_CASES=national_1_5km PRAJA_BENCH_WORKERS=2 ...      # one case

Per case: the inputs are written as TPS.csv and POOLS.csv (bench/deployment_inputs.py: the real desa
centroids of ../shared/data/wilayah, TPS spread uniformly up to 3 km or 1.5 km from their desa, one
Polsek per kecamatan with a code column, a Polres reserve per regency), then the command runs in its own
process: `praja deployment plan --tps TPS.csv --pools POOLS.csv --out DIR --workers N` (every output a user gets:
PRAJA_BENCH_NO_PDF=1 adds `--no-pdf`). Measured: wall seconds of the command (reading, checking, planning,
writing every regency's XLSX, PDF annex and GeoJSON, the summary), the planning seconds inside it, the
peak memory of the command and its worker processes
together (sampled from /proc every 0.2 s: the sum of their resident sets), officers against the lower
bound, and the violations that the core's check() finds in the plan read back from plan.json (every
post re-checked on the coordinates as written, no tolerance on the walking distance). The same run is
then repeated for the planning alone under a second load to compare the posts byte for byte
(PRAJA_BENCH_REPEAT=1; PRAJA_BENCH_SECTION=national_cli_under_load keeps such a run apart from the quiet one).

Results go into bench/results/deployment.json under "national_cli" (the rest of that file is
bench/deployment.py's).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import deployment_inputs as inputs  # noqa: E402

from praja.deployment.solver import DEFAULT_PATTERN, TPS, Pool, Settings  # noqa: E402
from praja.deployment.solver_check import check  # noqa: E402
from praja.deployment.solver_geometry import haversine_km  # noqa: E402
from praja.deployment.tasks import plan_from_dict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRAJA = str(Path(sys.executable).parent / "praja")
PDF = os.environ.get("PRAJA_BENCH_NO_PDF", "") != "1"
CASES = [c for c in os.environ.get("PRAJA_BENCH_CASES", "national_3km,national_1_5km").split(",") if c]
WORKERS = int(os.environ.get("PRAJA_BENCH_WORKERS", "2"))
TARGET = {"national_3km": {"seconds": 120.0, "memory_mb": 4096.0, "ratio": 1.0001},
          "national_1_5km": {"seconds": 60.0}}


def make_case(name: str) -> inputs.Case:
    spread = 3.0 if name == "national_3km" else 1.5
    return inputs.spread("", inputs.NATIONAL_TPS, name, spread)


def kecamatan_names() -> dict[str, str]:
    """Kecamatan names of the centroid file: a Polsek is named after its kecamatan, so the country has the
    issue's clashes ("Polsek X" in two regencies), told apart by the code column."""
    import gzip

    with gzip.open(inputs.CENTROIDS, "rt", encoding="utf-8") as f:
        return {r["kode"]: r["nama"] for r in csv.DictReader(f) if r["level"] == "3"}


def write_inputs(case: inputs.Case, folder: Path) -> tuple[Path, Path]:
    tps_path, pools_path = folder / "TPS.csv", folder / "POOLS.csv"
    with tps_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "desa_code", "class", "voters", "lat", "lng"])
        for t in case.tps:
            w.writerow([t.code, t.desa_code, t.cls, t.voters, repr(t.lat), repr(t.lng)])
    names = kecamatan_names()
    with pools_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "unit", "kind", "lat", "lng", "available", "kecamatan_codes", "cost", "bko"])
        for p in case.pools:
            kind, _sep, where = p.unit.partition(":")
            name = (f"Polsek {names.get(where, where)}" if kind == "polsek" else f"Polres {where[:5]}"
                    if kind == "polres" else p.unit)
            w.writerow([p.unit, name, p.kind, repr(p.lat), repr(p.lng), p.available,
                        ";".join(sorted(p.kecamatan_codes)), p.cost_per_person, int(p.bko)])
    return tps_path, pools_path


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, MB (from /proc)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parent[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for child, par in parent.items():
            if par == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in tree) / 1e6


def run_command(tps: Path, pools: Path, out: Path, workers: int) -> tuple[float, float, str]:
    env = {**os.environ, "PRAJA_MAP_WORKERS": str(workers)}
    cmd = [PRAJA, "deployment", "plan", "--tps", str(tps), "--pools", str(pools), "--out", str(out),
           "--workers", str(workers)] + ([] if PDF else ["--no-pdf"])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr[-3000:]}")
    return wall, peak, stdout.strip().splitlines()[-1] if stdout.strip() else ""


def recheck(body: dict[str, Any], tps: list[TPS], pools: list[Pool]) -> tuple[list[str], int]:
    """check() on the plan as read back from plan.json; and the TPS beyond the walking distance with no
    tolerance at all."""
    plan = plan_from_dict(body)
    settings = Settings(**{k: v for k, v in body["settings"].items() if k in Settings.__dataclass_fields__})
    problems = check(plan, tps, DEFAULT_PATTERN, settings, pools)
    by_code = {t.code: t for t in tps}
    beyond = sum(1 for p in plan.posts for c in p.tps
                 if haversine_km(p.lat, p.lng, by_code[c].lat, by_code[c].lng) > settings.walking_km)
    return problems, beyond


def _posts_digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body["posts"], sort_keys=True).encode()).hexdigest()


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_case(name: str) -> dict[str, Any]:
    case = make_case(name)
    pools_by_unit = {p.unit: p for p in case.pools}
    with tempfile.TemporaryDirectory(prefix=f"praja-{name}-") as tmp:
        folder = Path(tmp)
        tps_path, pools_path = write_inputs(case, folder)
        load_before = _load()
        wall, peak, line = run_command(tps_path, pools_path, folder / "out", WORKERS)
        load_after = _load()
        body = json.loads((folder / "out" / "plan.json").read_text(encoding="utf-8"))
        problems, beyond = recheck(body, case.tps, list(pools_by_unit.values()))
        regency_dirs = sum(1 for p in (folder / "out").iterdir() if p.is_dir())
        result: dict[str, Any] = {
            "command": f"praja deployment plan --tps TPS.csv --pools POOLS.csv --out DIR --workers {WORKERS}"
                       + ("" if PDF else " --no-pdf"),
            "pdf_annexes": sum(1 for _ in (folder / "out").glob("*/plan.pdf")),
            "tps": body["tps"], "regencies": body["regencies"], "jobs": body["jobs"], "posts": len(body["posts"]),
            "officers": body["officers"], "lower_bound": body["officers_lower_bound"],
            "ratio": body["ratio"], "uncovered_tps": sum(body["uncovered_by_class"].values()),
            "components": body["stats"].get("components", 0),
            "components_proved_optimal": body["stats"].get("components proved optimal", 0),
            "posts_split": body["stats"].get("posts split (projection)", 0),
            "wall_seconds": round(wall, 2), "planning_seconds": body["planning_seconds"],
            "solver_cpu_seconds": body["solver_seconds"], "peak_memory_mb": round(peak, 1),
            "regency_folders": regency_dirs, "violations": len(problems), "tps_beyond_walking_distance": beyond,
            "first_violations": problems[:5], "load_average_before": load_before, "load_average_after": load_after,
            "workers": WORKERS, "summary_line": line, "posts_sha256": _posts_digest(body),
            "target": TARGET.get(name, {}),
        }
        if os.environ.get("PRAJA_BENCH_REPEAT"):
            wall2, _peak2, _line2 = run_command(tps_path, pools_path, folder / "again", 1)
            again = json.loads((folder / "again" / "plan.json").read_text(encoding="utf-8"))
            result["repeat_with_1_worker"] = {"wall_seconds": round(wall2, 2), "posts_sha256": _posts_digest(again),
                                              "same_posts": _posts_digest(again) == result["posts_sha256"],
                                              "load_average_after": _load()}
    return result


def run() -> dict[str, Any]:
    """For `praja bench deployment_national`: the cases, also kept in deployment.json."""
    return main()


def main() -> dict[str, Any]:
    out = ROOT / "bench" / "results" / "deployment.json"
    doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    # PRAJA_BENCH_SECTION keeps a second run (e.g. the repeat under load) beside the quiet one.
    section = doc.setdefault(os.environ.get("PRAJA_BENCH_SECTION", "national_cli"), {})
    for name in CASES:
        r = run_case(name)
        r["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        section[name] = r
        print(json.dumps({name: r}, indent=1), flush=True)
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return dict(section)


if __name__ == "__main__":
    main()
