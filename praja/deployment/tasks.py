"""The deployment plan as plain data, and the jobs that plan it (no Django import at module level).

A regency's problem travels as a JSON-able payload (`make_payload`), so a Celery worker on another
machine can solve it without a database; the result comes back as `Plan.to_dict()` and is turned back
into the core's Plan with `plan_from_dict`. `aggregate` adds the regencies of a province or the
country together.

Jobs (see praja/jobs.py):
- ``deployment.solve_regency(payload) -> dict``: pure, runs in-process or on a Celery worker;
- ``deployment.run_plan(plan_id)``: local (needs the database); builds the payloads of a stored
  Plan, fans them out, stores the posts;
- ``deployment.export(plan_id, fmt, kecamatan, user_id)``: local; the XLSX or PDF annex as a file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from praja import jobs
from praja.deployment.solver import (
    CLASSES,
    TPS,
    Pattern,
    Plan,
    Pool,
    Post,
    Settings,
    Shortfall,
    solve,
)

# --- payloads -----------------------------------------------------------------------------------------------


def tps_rows(tps: Iterable[TPS]) -> list[list[Any]]:
    return [[t.code, t.desa_code, t.kecamatan_code, t.cls, t.voters, t.lat, t.lng] for t in tps]


def tps_from_rows(rows: Iterable[Sequence[Any]]) -> list[TPS]:
    return [TPS(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), float(r[5]), float(r[6])) for r in rows]


def pool_to_dict(p: Pool) -> dict[str, Any]:
    return {
        "unit": p.unit,
        "kind": p.kind,
        "lat": p.lat,
        "lng": p.lng,
        "available": p.available,
        "kecamatan_codes": sorted(p.kecamatan_codes),
        "cost_per_person": p.cost_per_person,
        "bko": p.bko,
        "name": p.name,
    }


def pool_from_dict(d: Mapping[str, Any]) -> Pool:
    return Pool(
        unit=str(d["unit"]),
        kind=str(d["kind"]),
        lat=float(d["lat"]),
        lng=float(d["lng"]),
        available=int(d["available"]),
        kecamatan_codes=frozenset(str(k) for k in d.get("kecamatan_codes") or ()),
        cost_per_person=float(d.get("cost_per_person") or 0.0),
        bko=bool(d.get("bko", False)),
        name=str(d.get("name") or ""),
    )


def settings_to_dict(s: Settings) -> dict[str, Any]:
    return asdict(s)


def settings_from_dict(d: Mapping[str, Any]) -> Settings:
    names = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in d.items() if k in names})


def make_payload(key: str, tps: Sequence[TPS], pools: Sequence[Pool], pattern: Pattern, settings: Settings) -> dict[
    str, Any
]:
    return {
        "key": key,
        "tps": tps_rows(tps),
        "pools": [pool_to_dict(p) for p in pools],
        "pattern": pattern.as_dict(),
        "settings": settings_to_dict(settings),
    }


def plan_from_dict(d: Mapping[str, Any]) -> Plan:
    """The core's Plan back from `Plan.to_dict()` (after a trip through JSON)."""
    post_names = {f.name for f in fields(Post)}
    posts = [
        Post(**{**{k: v for k, v in p.items() if k in post_names}, "tps": tuple(p["tps"])}) for p in d["posts"]
    ]
    shortfall = {k: Shortfall(**v) for k, v in (d.get("shortfall") or {}).items()}
    plan_names = {f.name for f in fields(Plan)} - {"posts", "shortfall"}
    return Plan(posts=posts, shortfall=shortfall, **{k: v for k, v in d.items() if k in plan_names})


# --- solving ------------------------------------------------------------------------------------------------

KecProgress = Callable[[int, int, str], None]


def solve_payload(payload: Mapping[str, Any], progress: KecProgress | None = None) -> Plan:
    """Solve one payload; `progress(done, total, "kecamatan")` after each kecamatan is planned."""
    tps = tps_from_rows(payload["tps"])
    pools = [pool_from_dict(p) for p in payload["pools"]]
    pattern = Pattern.from_dict(payload["pattern"])
    settings = settings_from_dict(payload["settings"])
    kecs = sorted({t.kecamatan_code for t in tps})
    last_area_of_kec: dict[str, str] = {}
    for t in sorted(tps, key=lambda t: t.code):
        area = t.desa_code if settings.area == "desa" else t.kecamatan_code
        last_area_of_kec[t.kecamatan_code] = max(area, last_area_of_kec.get(t.kecamatan_code, ""))
    finishing = {area: kec for kec, area in last_area_of_kec.items()}
    done_kec = 0

    def on_area(area: str, _done: int, _total: int) -> None:
        nonlocal done_kec
        if area in finishing and progress is not None:
            done_kec += 1
            progress(done_kec, len(kecs), "kecamatan")

    if progress is not None:
        progress(0, len(kecs), "kecamatan")
    return solve(tps, pattern, settings, pools, progress=on_area)


@jobs.task("deployment.solve_regency")
def solve_regency(payload: dict[str, Any], progress: KecProgress | None = None) -> dict[str, Any]:
    """Pure job: one regency's payload in, its plan as a dict out (plus `key` and `kecamatan`)."""
    plan = solve_payload(payload, progress)
    out = plan.to_dict()
    out["key"] = payload.get("key", "")
    out["kecamatan"] = len({row[2] for row in payload["tps"]})
    return out


@jobs.task("deployment.write_regency")
def write_regency(job: Any) -> dict[str, Any]:
    """Pure job (local processes only: it writes files here): one regency's XLSX, GeoJSON and PDF."""
    from praja.deployment import outputs

    return outputs.write_regency(job)


def _plan_lost(args: list[Any], requeued: bool) -> None:
    from praja.deployment import plan_jobs

    plan_jobs.plan_lost(int(args[0]), requeued)


# A re-run replaces what an earlier run stored, so a plan whose worker died is run once more on its own.
@jobs.task("deployment.run_plan", local=True, attempts=2, on_lost=_plan_lost)
def run_plan(plan_id: int) -> dict[str, Any]:
    """Local job: plan a stored Plan (one pure task per regency) and store its posts."""
    from praja.deployment import plan_jobs

    return plan_jobs.run_plan(plan_id)


@jobs.task("deployment.export", local=True, attempts=2)
def export(plan_id: int, fmt: str, kecamatan: str | None, user_id: int | None) -> dict[str, Any]:
    """Local job: a plan's XLSX or PDF annex as the person who asked for it sees the plan; kept as the
    job's file (praja/jobs.py `save_file`)."""
    from praja.deployment import plan_exports

    return plan_exports.export_file(plan_id, fmt, kecamatan, user_id)


# --- several regencies --------------------------------------------------------------------------------------

SUMMED = ("tps", "officers", "officers_lower_bound", "soldiers", "linmas", "bko_needed", "bko_used", "reserve",
          "reserve_required")


def aggregate(results: Sequence[Mapping[str, Any]], seconds: float | None = None) -> dict[str, Any]:
    """The totals of several regency plans: sums (km_max the largest), shortfall merged per kecamatan,
    `seconds` the wall time of the whole fan-out when given (else the sum of the regencies' times)."""
    out: dict[str, Any] = {k: sum(int(r[k]) for r in results) for k in SUMMED}
    out["posts"] = sum(len(r["posts"]) for r in results)
    out["km_total"] = round(sum(float(r["km_total"]) for r in results), 3)
    out["km_max"] = max((float(r["km_max"]) for r in results), default=0.0)
    out["bko_cost"] = round(sum(float(r["bko_cost"]) for r in results), 2)
    out["uncovered_by_class"] = {c: sum(int(r["uncovered_by_class"].get(c, 0)) for r in results) for c in CLASSES}
    out["shortfall"] = {k: v for r in results for k, v in (r.get("shortfall") or {}).items()}
    bounds: dict[str, int] = {}
    for r in results:
        for k, v in (r.get("bounds") or {}).items():
            bounds[k] = bounds.get(k, 0) + int(v)
    out["bounds"] = bounds
    names = sorted({str(r.get("bound_name", "")) for r in results})
    out["bound_name"] = names[0] if len(names) == 1 else " + ".join(names)
    out["solver_seconds"] = round(sum(float(r["seconds"]) for r in results), 4)
    out["seconds"] = round(seconds, 4) if seconds is not None else out["solver_seconds"]
    out["regencies"] = len(results)
    out["ratio"] = round(out["officers"] / out["officers_lower_bound"], 6) if out["officers_lower_bound"] else 1.0
    return out


def split_by_regency(tps: Sequence[TPS], pools: Sequence[Pool]) -> list[tuple[str, list[TPS], list[Pool]]]:
    """Independent regency problems when every pool serves kecamatan of one regency only (then a post
    can only take people of its own regency, and planning each regency alone gives the same plan); one
    problem ("all") otherwise (a pool serving every kecamatan, or kecamatan of two regencies)."""
    regency_of_pool = [{k[:5] for k in p.kecamatan_codes} for p in pools]
    by_regency: dict[str, list[TPS]] = {}
    for t in tps:
        by_regency.setdefault(t.kecamatan_code[:5], []).append(t)
    if len(by_regency) < 2 or any(len(r) != 1 for r in regency_of_pool):
        return [("all", list(tps), list(pools))]
    return [(reg, members, [p for p, r in zip(pools, regency_of_pool, strict=True) if reg in r])
            for reg, members in sorted(by_regency.items())]


def merge(results: Sequence[Mapping[str, Any]], total: Mapping[str, Any]) -> dict[str, Any]:
    """One plan dict (as Plan.to_dict()) from several regencies' results and their aggregate."""
    stats: dict[str, int] = {}
    for r in results:
        for k, v in (r.get("stats") or {}).items():
            stats[k] = stats.get(k, 0) + int(v)
    return {**total, "posts": [p for r in results for p in r["posts"]], "stats": dict(sorted(stats.items())),
            "pattern": results[0].get("pattern", "") if results else ""}


def plan_many(payloads: Sequence[Mapping[str, Any]], on_progress: jobs.OnProgress | None = None,
              timeout: float | None = None, workers: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Solve several regency payloads through jobs.map (`workers` local processes without a broker);
    (results in payload order, aggregate). The largest regencies are sent first, so that the last
    one to finish is a small one; the results do not depend on the order."""
    t0 = time.perf_counter()
    order = sorted(range(len(payloads)), key=lambda i: (-len(payloads[i]["tps"]), i))
    results: list[dict[str, Any] | None] = [None] * len(payloads)
    for j, r in jobs.map("deployment.solve_regency", [payloads[i] for i in order], on_progress=on_progress,
                         unit="kabupaten/kota", timeout=timeout, workers=workers):
        i = order[j]
        results[i] = r
    done = [r for r in results if r is not None]
    return done, aggregate(done, time.perf_counter() - t0)
