"""Deployment solver benchmark: Kabupaten Malang, East Java scale and the whole country.

    praja bench deployment                  # writes bench/results/deployment.json
    .venv/bin/python bench/deployment.py    # the same, without Django
    PRAJA_BENCH_CASES=malang,jatim PRAJA_BENCH_WORKERS=2 ...

Per case: TPS, officers, the lower bound and its name, their ratio, seconds, the greedy baseline
(officers, km, what it leaves uncovered) and the ratios greedy / solver, peak memory, and the
violations `check()` finds in every plan (must be 0). Inputs: bench/deployment_inputs.py.

Each case runs in its own forked process, so its peak memory is its own. A multi-regency case is
planned one regency at a time by WORKERS forked worker processes pulling regencies from a queue (the
inputs are inherited through fork, the plans come back pickled); `seconds` is the wall time of that
fan-out, without generating the inputs. Peak memory: maxrss of the case process (inputs, plans)
plus WORKERS x the largest worker's maxrss, an upper bound since forked pages are shared.
Targets (issue 3): Malang <= 2 s, East Java <= 30 s, national <= 120 s with 2 workers and <= 4 GB;
officers <= 1.02 x lower bound; fewer officers and less travel than the greedy planner.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import deployment_inputs as inputs  # noqa: E402

from praja.deployment.solver import DEFAULT_PATTERN, TPS, Plan, Pool, Settings, check, greedy, solve  # noqa: E402

CASES = [
    c.strip() for c in os.environ.get("PRAJA_BENCH_CASES", "malang,jatim,jatim_wide,national").split(",") if c.strip()
]
WORKERS = int(os.environ.get("PRAJA_BENCH_WORKERS", "2"))
SETTINGS = Settings()
TARGET_S = {"malang": 2.0, "jatim": 30.0, "jatim_wide": 30.0, "national": 120.0}  # jatim_wide: our own
TARGET_RATIO = 1.02
TARGET_MEMORY_MB = 4096.0

_REGS: dict[str, tuple[list[TPS], list[Pool]]] = {}


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # KiB on Linux


# ---------------------------------------------------------------- fan-out over regencies


def _worker(tasks: Any, results: Any) -> None:
    while True:
        item = tasks.get()
        if item is None:
            return
        phase, code, plan = item
        tps, pools = _REGS[code]
        if phase == "solve":
            results.put((code, solve(tps, DEFAULT_PATTERN, SETTINGS, pools)))
        else:
            problems = check(plan, tps, DEFAULT_PATTERN, SETTINGS, pools)
            g = greedy(tps, DEFAULT_PATTERN, SETTINGS, pools)
            g_problems = check(g, tps, DEFAULT_PATTERN, SETTINGS, pools)
            g.posts = []  # the totals are enough
            results.put((code, (problems, g, g_problems)))


def _fan_out(phase: str, items: list[tuple[str, Plan | None]]) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    tasks = ctx.Queue()
    results = ctx.Queue()
    for code, plan in items:
        tasks.put((phase, code, plan))
    for _ in range(WORKERS):
        tasks.put(None)
    procs = [ctx.Process(target=_worker, args=(tasks, results)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    out = dict(results.get() for _ in items)
    for p in procs:
        p.join()
    return out


def _run_case(name: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    case = getattr(inputs, name)()
    generate_s = time.perf_counter() - t0
    regs = case.regencies()
    _REGS.clear()
    _REGS.update(regs)
    by_size = sorted(regs, key=lambda c: (-len(regs[c][0]), c))
    t1 = time.perf_counter()
    if len(regs) == 1 or WORKERS <= 1:
        plans = {c: solve(regs[c][0], DEFAULT_PATTERN, SETTINGS, regs[c][1]) for c in by_size}
        workers_used = 1
    else:
        plans = _fan_out("solve", [(c, None) for c in by_size])
        workers_used = WORKERS
    wall = time.perf_counter() - t1
    checked = _fan_out("check", [(c, plans[c]) for c in by_size]) if workers_used > 1 else {
        c: _check_greedy(c, plans[c]) for c in by_size
    }
    deterministic = None
    if name == "malang":
        again = solve(case.tps, DEFAULT_PATTERN, SETTINGS, case.pools)
        deterministic = again.posts == plans[by_size[0]].posts
    ps = list(plans.values())
    gs = [checked[c][1] for c in by_size]
    officers = sum(p.officers for p in ps)
    lower = sum(p.officers_lower_bound for p in ps)
    km = sum(p.km_total for p in ps)
    g_officers = sum(g.officers for g in gs)
    g_km = sum(g.km_total for g in gs)
    stats: dict[str, int] = {}
    for p in ps:
        for k, v in p.stats.items():
            stats[k] = stats.get(k, 0) + v
    self_mb = _maxrss_mb(resource.RUSAGE_SELF)
    child_mb = _maxrss_mb(resource.RUSAGE_CHILDREN)
    memory_mb = self_mb + (workers_used * child_mb if workers_used > 1 else 0.0)
    ratio = officers / lower if lower else 1.0
    out = {
        "case": name,
        "tps": sum(p.tps for p in ps),
        "regencies": len(regs),
        "workers": workers_used,
        "posts": sum(len(p.posts) for p in ps),
        "officers": officers,
        "officers_lower_bound": lower,
        "bound_name": ps[0].bound_name,
        "capacity_bound": sum(p.bounds["capacity"] for p in ps),
        "ratio": round(ratio, 4),
        "seconds": round(wall, 2),
        "solve_cpu_s": round(sum(p.seconds for p in ps), 2),
        "generate_s": round(generate_s, 2),
        "uncovered_tps": sum(sum(p.uncovered_by_class.values()) for p in ps),
        "km_total": round(km, 1),
        "km_max": round(max(p.km_max for p in ps), 2),
        "bko_needed": sum(p.bko_needed for p in ps),
        "short_kecamatan": sum(len(p.shortfall) for p in ps),
        "short_regencies": sorted(c for c in by_size if plans[c].shortfall),
        "reserve": sum(p.reserve for p in ps),
        "bko_used": sum(p.bko_used for p in ps),
        "greedy_officers": g_officers,
        "greedy_km": round(g_km, 1),
        "greedy_uncovered_tps": sum(sum(g.uncovered_by_class.values()) for g in gs),
        "greedy_over_solver_officers": round(g_officers / officers, 3) if officers else None,
        "greedy_over_solver_km": round(g_km / km, 3) if km else None,
        "violations": sum(len(checked[c][0]) for c in by_size),
        "greedy_violations": sum(len(checked[c][2]) for c in by_size),
        "components": stats.get("components", 0),
        "components_proved_optimal": stats.get("components proved optimal", 0),
        "methods": {k[len("method: "):]: v for k, v in sorted(stats.items()) if k.startswith("method: ")},
        "peak_memory_mb": round(memory_mb, 1),
        "memory_detail": {"case_process_mb": round(self_mb, 1), "largest_worker_mb": round(child_mb, 1)},
        "deterministic": deterministic,
    }
    target = TARGET_S.get(name)
    out["meets"] = {
        "seconds": target is not None and wall <= target,
        "ratio": ratio <= TARGET_RATIO,
        "greedy_more_officers": g_officers > officers,
        "greedy_more_km": g_km > km,
        "memory": memory_mb <= TARGET_MEMORY_MB,
        "covered": out["uncovered_tps"] == 0,  # a target for Malang, whose pools suffice
        "valid": out["violations"] == 0,
    }
    return out


def _check_greedy(code: str, plan: Plan) -> tuple[list[str], Plan, list[str]]:
    tps, pools = _REGS[code]
    g = greedy(tps, DEFAULT_PATTERN, SETTINGS, pools)
    return check(plan, tps, DEFAULT_PATTERN, SETTINGS, pools), g, check(g, tps, DEFAULT_PATTERN, SETTINGS, pools)


def _case_process(name: str, q: Any) -> None:
    try:
        q.put(_run_case(name))
    except BaseException as e:  # report, do not hang the parent
        q.put({"case": name, "error": repr(e)})
        raise


def run() -> dict[str, Any]:
    ctx = mp.get_context("fork")
    cases = []
    for name in CASES:
        if name not in TARGET_S:
            raise SystemExit(f"unknown case {name!r}; cases: {', '.join(TARGET_S)}")
        q = ctx.Queue()
        p = ctx.Process(target=_case_process, args=(name, q))
        p.start()
        result = q.get()
        p.join()
        cases.append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
    return {
        "benchmark": "deployment",
        "what": "praja.deployment.solver.solve per regency vs the greedy baseline; default pattern "
        + DEFAULT_PATTERN.name,
        "settings": {"walking_km": SETTINGS.walking_km, "area": SETTINGS.area, "reserve_share": SETTINGS.reserve_share},
        "targets": {"seconds": TARGET_S, "ratio": TARGET_RATIO, "memory_mb": TARGET_MEMORY_MB},
        "cases": cases,
        "machine": _machine(),
    }


if __name__ == "__main__":
    result = run()
    out = Path(__file__).resolve().parent / "results" / "deployment.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
