"""The same input and settings give the same plan, byte for byte, whatever else the machine does (issue 18,
point 3): the solver's limits are counted in work (branch-and-bound nodes), never in seconds."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields

import pytest

from praja.deployment.solver import TPS, Pool, Settings, solve
from praja.deployment.solver_geometry import KM_PER_DEG


def _spread_desas(n_desa: int, per_desa: int, seed: int) -> list[TPS]:
    """Desa of 40 TPS spread up to 3.2 km, mixed classes: components that need the exact MILP."""
    rng = random.Random(seed)
    out: list[TPS] = []
    for d in range(n_desa):
        desa = f"35.21.08.{2010 + d:04d}"
        lat0, lng0 = -7.6 + 0.2 * d, 111.5
        for i in range(per_desa):
            r, th = 3.2 * rng.random() ** 0.5, rng.random() * 2 * math.pi
            cls = rng.choice(["aman"] * 6 + ["kurang_rawan"] * 2 + ["rawan", "sangat_rawan"])
            out.append(TPS(f"{desa}/{i + 1:03d}", desa, desa[:8], cls, 200, lat0 + r * math.sin(th) / KM_PER_DEG,
                           lng0 + r * math.cos(th) / KM_PER_DEG / math.cos(math.radians(lat0))))
    return out


def _plan_bytes(settings: Settings) -> bytes:
    tps = _spread_desas(3, 40, 1)
    pools = [Pool("polsek:35.21.08", "polri", -7.5, 111.5, 60, frozenset({"35.21.08"})),
             Pool("polres:35.21", "polri", -7.4, 111.6, 40)]
    d = solve(tps, settings=settings, pools=pools).to_dict()
    d.pop("seconds")  # the one field that is a measurement, not the plan
    return json.dumps(d, sort_keys=True).encode()


@pytest.fixture
def cpu_burners() -> Iterator[None]:
    """Two processes spinning on the CPU (this machine's core count) while the test plans."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def test_settings_carry_no_limit_in_seconds() -> None:
    assert not [f.name for f in fields(Settings) if f.name.endswith("_s") or "time" in f.name]


@pytest.mark.parametrize("node_limit", [Settings().milp_node_limit, 3])
def test_a_plan_is_byte_for_byte_the_same_on_a_quiet_and_on_a_busy_machine(node_limit: int,
                                                                            request: pytest.FixtureRequest) -> None:
    settings = Settings(milp_node_limit=node_limit)  # 3 nodes: the limit binds, and still decides the same
    quiet = _plan_bytes(settings)
    request.getfixturevalue("cpu_burners")
    busy = _plan_bytes(settings)
    assert busy == quiet
    assert b"milp" in quiet  # the exact MILP did run in these plans


def test_a_desa_gets_the_same_posts_planned_alone_or_with_a_whole_province() -> None:
    tps = _spread_desas(4, 40, 1)
    alone = [p for p in solve([t for t in tps if t.desa_code.endswith("2012")]).posts]
    together = [p for p in solve(tps).posts if p.area_code.endswith("2012")]
    assert [(p.id, p.tps, p.lat, p.lng, p.police) for p in alone] == [
        (p.id, p.tps, p.lat, p.lng, p.police) for p in together
    ]
