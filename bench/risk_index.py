"""How fast the TPS vulnerability index scores a district and the whole country (praja.risk.index).

Cases:
- Kabupaten Malang: its 4,042 TPS (the codes `praja demo` builds, from the committed region list and
  praja.territory.demo_generator), indicator values from `demo_values` (the Bawaslu 2024 figures);
- national: 435,296 TPS spread evenly over the real desa of ../shared/data/wilayah (synthetic desa
  codes when that file is absent), values from `demo_values` (the Malang figures scaled).
Each reports seconds and TPS/s for scoring, the roll-ups per desa and kecamatan, explaining one TPS,
and re-scoring after 100 new incident reports (history indicators), plus the class counts.
Run: `praja bench risk_index` (writes bench/results/risk_index.json). The median of REPEATS runs.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from praja.base.regions import tps_code
from praja.risk import index as ix
from praja.territory import demo_generator as gen

REPEATS = int(os.environ.get("PRAJA_BENCH_REPEATS", "3"))
NATIONAL_TPS = 435_296
SHARED = Path(os.environ.get("PRAJA_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
CENTROIDS = SHARED / "wilayah" / "centroids_kec_desa_id.csv.gz"
AS_OF = date(2024, 11, 20)


def malang_codes() -> list[str]:
    data = resources.files("praja.territory").joinpath("data")
    facts: dict[str, Any] = json.loads(data.joinpath("kab_malang_2024.json").read_text("utf-8"))
    rows = list(csv.DictReader(data.joinpath("kab_malang_35.07.csv").read_text("utf-8").splitlines()))
    desa: dict[str, list[gen.Desa]] = {}
    for r in rows:
        if r["tingkat"] == "4":
            desa.setdefault(r["kode"].rsplit(".", 1)[0], []).append(
                gen.Desa(r["kode"], r["nama"], float(r["lat"]), float(r["lng"])))
    kecs = [gen.Kecamatan(r["kode"], r["nama"], tuple(desa.get(r["kode"], ()))) for r in rows if r["tingkat"] == "3"]
    groups = tuple(gen.Group(frozenset(p["kecamatan"]), int(p["tps"])) for p in facts["police"]
                   if p["kecamatan"] != "rest")
    tps = gen.generate(kecs, gen.Facts(int(facts["total_tps"]), int(facts["total_voters"]),
                                       int(facts["max_voters_per_tps"]),
                                       {k: int(v) for k, v in facts["anchor_voters"].items()}, groups),
                       seed=int(facts["seed"]))
    return [tps_code(t.desa_code, t.number) for t in tps]


def national_codes() -> tuple[list[str], str]:
    if CENTROIDS.exists():
        with gzip.open(CENTROIDS, "rt", encoding="utf-8") as f:
            desa = sorted(r["kode"] for r in csv.DictReader(f) if r["level"] == "4")
        source = f"{len(desa):,} real desa of {CENTROIDS.name}"
    else:
        desa = [f"{p:02d}.{r:02d}.{k:02d}.{2000 + d:04d}" for p in range(11, 20) for r in range(1, 31)
                for k in range(1, 21) for d in range(1, 16)]
        source = f"{len(desa):,} synthetic desa codes ({CENTROIDS.name} absent)"
    base, extra = divmod(NATIONAL_TPS, len(desa))
    codes = [tps_code(d, n) for i, d in enumerate(desa) for n in range(1, base + (1 if i < extra else 0) + 1)]
    return codes, source


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _case(name: str, codes: list[str], source: str) -> dict[str, Any]:
    gen_s, values = _timed(lambda: ix.demo_values(codes, seed=2024))
    n_values = sum(len(v) for v in values.values())
    score_s, table = _timed(lambda: ix.score_many(values))
    kec_s, kec = _timed(lambda: ix.rollup(table, ix.kecamatan_of))
    desa_s, desa = _timed(lambda: ix.rollup(table, ix.desa_of))
    top = max(range(len(table)), key=lambda i: float(table.scores[i]))
    explain_s, explained = _timed(lambda: table.explain(table.codes[top]))

    rng = random.Random(7)
    incidents = [ix.Incident(rng.choice(codes), AS_OF - timedelta(days=rng.randint(0, 40)), rng.choice((1, 2, 3)),
                             f"R-{i}") for i in range(100)]

    def rescore() -> ix.ScoreTable:
        return ix.score_many(ix.merge_values(values, ix.history_values(incidents, codes, AS_OF)))

    rescore_s, after = _timed(rescore)
    n = len(codes)
    return {
        "case": name,
        "tps": n,
        "codes_from": source,
        "indicator_values": n_values,
        "generate_values_s": round(gen_s, 3),
        "score_s": round(score_s, 3),
        "score_tps_per_s": round(n / score_s),
        "rollup_kecamatan_s": round(kec_s, 3),
        "kecamatan": len(kec),
        "rollup_desa_s": round(desa_s, 3),
        "desa": len(desa),
        "explain_one_s": round(explain_s, 5),
        "history_100_reports_rescore_s": round(rescore_s, 3),
        "classes": {k.value: v for k, v in table.counts().items()},
        "classes_after_reports": {k.value: v for k, v in after.counts().items()},
        "highest": {"tps": explained.tps_code, "score": explained.score, "class": explained.klass.value,
                    "drivers": [c.indicator_key for c in explained.drivers]},
    }


def run() -> dict[str, Any]:
    national, source = national_codes()
    return {
        "benchmark": "risk_index",
        "what": "praja.risk.index: score, roll up and explain TPS vulnerability (demo_values inputs)",
        "repeats": REPEATS,
        "cases": [_case("Kabupaten Malang", malang_codes(), "praja demo (committed regions + demo_generator)"),
                  _case("national", national, source)],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
