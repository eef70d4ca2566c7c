"""Assigning posts to pools (Polsek, Koramil, Polres reserve, BKO) for one kind of people (no Django).

Each post takes all its police (or all its soldiers) from one pool that serves its kecamatan; a pool
gives at most what it can deploy (available minus its reserve share). The goal, in order:

1. cover the most TPS of the first tier (sangat rawan and khusus), then of rawan, then the rest;
2. take the fewest people from BKO reinforcements, then the cheapest;
3. the least travel: sum over posts of the great-circle km from pool to post.

When every post can take its nearest own pool without emptying any pool, that is optimal and no
solver runs. Otherwise it is a small transportation problem with unsplittable demands, solved as a
MILP by HiGHS in lexicographic phases (each phase fixes the value of the one before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix

from praja.deployment.solver_geometry import FloatArray, haversine_many
from praja.deployment.solver_model import Pool, Settings

MAX_POOLS_PER_POST = 16


@dataclass(frozen=True, slots=True)
class Need:
    lat: float
    lng: float
    kecamatan_code: str
    demand: int  # people of this kind the post needs
    tier: int  # 0 first
    tps: int  # TPS it covers


@dataclass(frozen=True, slots=True)
class Assigned:
    pool: list[int | None]  # per need: index into the pools given, or None
    km: list[float]
    solver: str  # "nearest" or "milp" or "priority-greedy"


def _pairs(needs: Sequence[Need], pools: Sequence[Pool]) -> tuple[list[int], list[int], list[float]]:
    """Eligible (need, pool) pairs with their km; at most MAX_POOLS_PER_POST own pools per need."""
    if not needs or not pools:
        return [], [], []
    lat = np.array([n.lat for n in needs])
    lng = np.array([n.lng for n in needs])
    dist: FloatArray = np.vstack([haversine_many(p.lat, p.lng, lat, lng) for p in pools]).T  # needs x pools
    ok = np.array([[p.serves(n.kecamatan_code) for p in pools] for n in needs], dtype=bool)
    bko = np.array([p.bko for p in pools], dtype=bool)
    jj: list[int] = []
    pp: list[int] = []
    kk: list[float] = []
    for j in range(len(needs)):
        for group in (~bko, bko):
            cand = np.flatnonzero(ok[j] & group)
            if len(cand) > MAX_POOLS_PER_POST:
                cand = cand[np.lexsort((cand, dist[j, cand]))][:MAX_POOLS_PER_POST]
            for p in sorted(cand.tolist()):
                jj.append(j)
                pp.append(p)
                kk.append(float(dist[j, p]))
    return jj, pp, kk


def assign(needs: Sequence[Need], pools: Sequence[Pool], settings: Settings) -> Assigned:
    """Pools for needs of one kind of people (the caller filters pools by kind)."""
    n = len(needs)
    out_pool: list[int | None] = [None] * n
    out_km = [0.0] * n
    idx = [j for j in range(n) if needs[j].demand > 0]
    if not idx or not pools:
        return Assigned(out_pool, out_km, "none")
    sub = [needs[j] for j in idx]
    cap = [settings.deployable(p) for p in pools]
    jj, pp, kk = _pairs(sub, pools)

    # 1. nearest own pool for everyone, if no pool runs out
    nearest: dict[int, tuple[float, int]] = {}
    for j, p, k in zip(jj, pp, kk, strict=True):
        if pools[p].bko:
            continue
        if j not in nearest or (k, p) < nearest[j]:
            nearest[j] = (k, p)
    load = [0] * len(pools)
    for j, (_, p) in nearest.items():
        load[p] += sub[j].demand
    if len(nearest) == len(sub) and all(load[p] <= cap[p] for p in range(len(pools))):
        for j, (k, p) in nearest.items():
            out_pool[idx[j]] = p
            out_km[idx[j]] = k
        return Assigned(out_pool, out_km, "nearest")

    chosen = _milp(sub, pools, cap, jj, pp, kk, settings.milp_node_limit)
    solver = "milp"
    if chosen is None:
        chosen = _priority_greedy(sub, cap, jj, pp, kk)
        solver = "priority-greedy"
    for j, e in enumerate(chosen):
        if e is not None:
            out_pool[idx[j]] = pp[e]
            out_km[idx[j]] = kk[e]
    return Assigned(out_pool, out_km, solver)


def _priority_greedy(
    needs: Sequence[Need], cap: list[int], jj: list[int], pp: list[int], kk: list[float]
) -> list[int | None]:
    """Fallback: by tier, then by TPS covered, each need takes its nearest pool with room (own before BKO)."""
    by_need: dict[int, list[int]] = {}
    for e, j in enumerate(jj):
        by_need.setdefault(j, []).append(e)
    left = list(cap)
    chosen: list[int | None] = [None] * len(needs)
    for j in sorted(range(len(needs)), key=lambda j: (needs[j].tier, -needs[j].tps, j)):
        for e in sorted(by_need.get(j, []), key=lambda e: (kk[e], pp[e])):
            if left[pp[e]] >= needs[j].demand:
                left[pp[e]] -= needs[j].demand
                chosen[j] = e
                break
    return chosen


def _milp(
    needs: Sequence[Need],
    pools: Sequence[Pool],
    cap: list[int],
    jj: list[int],
    pp: list[int],
    kk: list[float],
    node_limit: int,
) -> list[int | None] | None:
    """The lexicographic phases: coverage, then BKO people and cost, then km (each fixing the one before)."""
    if len(jj) == 0:
        return [None] * len(needs)
    dem = np.array([needs[j].demand for j in jj], dtype=float)
    model = _build_model(len(needs), len(pools), cap, jj, pp, dem, node_limit)
    x = _maximise_coverage(model, needs, jj)
    if x is None:
        return None
    x = _limit_bko(model, pools, pp, dem, x)
    if x is None:
        return None
    x2 = model.solve(np.asarray(kk))
    if x2 is not None:
        x = x2
    return _read_solution(x, jj, len(needs))


@dataclass
class _Model:
    """One binary variable per eligible (need, pool) pair: each need at most one pool (at least one once
    full coverage is proved possible), each pool at most its capacity; `extra_*` the rows by which each
    phase keeps the value the one before reached."""

    a: csr_matrix
    lo: np.ndarray
    hi: np.ndarray
    node_limit: int
    extra_rows: list[np.ndarray] = field(default_factory=list)
    extra_lo: list[float] = field(default_factory=list)
    extra_hi: list[float] = field(default_factory=list)

    def keep(self, row: np.ndarray, lo: float, hi: float) -> None:
        self.extra_rows.append(row)
        self.extra_lo.append(lo)
        self.extra_hi.append(hi)

    def solve(self, obj: np.ndarray) -> np.ndarray | None:
        """The rounded 0/1 solution minimising `obj` under the constraints so far; None when HiGHS has none."""
        e = self.a.shape[1]
        if self.extra_rows:
            amat = np.vstack(self.extra_rows)
            full = LinearConstraint(
                _stack(self.a, amat),
                np.concatenate([self.lo, self.extra_lo]),
                np.concatenate([self.hi, self.extra_hi]),
            )
        else:
            full = LinearConstraint(self.a, self.lo, self.hi)
        res = milp(
            obj,
            constraints=full,
            integrality=np.ones(e),
            bounds=Bounds(np.zeros(e), np.ones(e)),
            options={"node_limit": self.node_limit, "mip_rel_gap": 1e-9},
        )
        if res.x is None:
            return None
        out: np.ndarray = np.round(res.x)
        return out


def _build_model(
    n: int, m: int, cap: list[int], jj: list[int], pp: list[int], dem: np.ndarray, node_limit: int
) -> _Model:
    """Rows 0..n-1: the pairs of each need (at most 1); rows n..n+m-1: the demand each pool gives (at most its cap)."""
    e = len(jj)
    ej = np.asarray(jj)
    epool = np.asarray(pp)
    rows = np.concatenate([ej, n + epool])
    cols = np.concatenate([np.arange(e), np.arange(e)])
    vals = np.concatenate([np.ones(e), dem])
    a: csr_matrix = coo_matrix((vals, (rows, cols)), shape=(n + m, e)).tocsr()
    lo = np.concatenate([np.zeros(n), np.zeros(m)])
    hi = np.concatenate([np.ones(n), np.asarray(cap, dtype=float)])
    return _Model(a, lo, hi, node_limit)


def _maximise_coverage(model: _Model, needs: Sequence[Need], jj: list[int]) -> np.ndarray | None:
    """Cover all TPS if possible (then every need must take a pool), else the most, tier by tier."""
    n = len(needs)
    tps = np.array([needs[j].tps for j in jj], dtype=float)
    tier = np.array([needs[j].tier for j in jj])
    x = model.solve(-tps)
    if x is None:
        return None
    total = float(tps @ x)
    if total >= sum(nd.tps for nd in needs) - 0.5:
        model.lo[:n] = 1.0
    else:
        for t in sorted(set(tier.tolist())):
            w = np.where(tier == t, tps, 0.0)
            x = model.solve(-w)
            if x is None:
                return None
            model.keep(w, float(w @ x) - 0.5, np.inf)
    return x


def _limit_bko(model: _Model, pools: Sequence[Pool], pp: list[int], dem: np.ndarray,
               x: np.ndarray) -> np.ndarray | None:
    """The fewest BKO people, then the cheapest BKO; `x` unchanged when no pair uses a BKO pool."""
    bko = np.array([pools[p].bko for p in pp], dtype=bool)
    if not bko.any():
        return x
    people = np.where(bko, dem, 0.0)
    x2 = model.solve(people)
    if x2 is None:
        return None
    x = x2
    model.keep(people, -np.inf, float(people @ x) + 0.5)
    cost = np.where(bko, dem * np.array([pools[p].cost_per_person for p in pp]), 0.0)
    if cost.any():
        x2 = model.solve(cost)
        if x2 is None:
            return None
        x = x2
        model.keep(cost, -np.inf, float(cost @ x) * (1 + 1e-9) + 1e-6)
    return x


def _read_solution(x: np.ndarray, jj: list[int], n: int) -> list[int | None]:
    """Per need: the index of the pair it takes, or None."""
    chosen: list[int | None] = [None] * n
    for k in np.flatnonzero(x > 0.5).tolist():
        chosen[jj[k]] = k
    return chosen


def _stack(a: csr_matrix, extra: np.ndarray) -> csr_matrix:
    from scipy.sparse import vstack

    out: csr_matrix = vstack([a, csr_matrix(extra)]).tocsr()
    return out
