"""Covering the TPS of one area (a desa, or a kecamatan) with the fewest officers (no Django).

An area splits into components: TPS farther than twice the walking distance apart can never share a
post, so chains of closer pairs are independent problems. For each component:

1. When one walking disk holds every TPS, distance does not matter: an exact dynamic programme over
   the number of TPS of each kind of pattern finds the cheapest posts (and is its own lower bound).
2. Otherwise a post is any set of at most `cap` TPS inside some walking disk, and every such set lies
   inside one of the component's *maximal groups* (solver_geometry.maximal_groups). Two greedy
   orders (most TPS per officer first; hardest-to-reach TPS first), each followed by a local search
   that empties posts into others, give the posts; they are proved optimal when a lower bound meets them:
   - capacity: police of a post >= sum over its TPS of police/cap of their class, so the component
     needs at least the sum over its TPS (the issue's bound, valid with mixed classes);
   - distance dual: a weight per TPS = police / min(cap, TPS that share its best group) is a
     feasible dual of the covering LP, so their sum is a bound (it sees TPS that stand alone);
   - LP: the LP relaxation of covering the component with every feasible post, solved exactly in its
     dual form (one constraint per maximal group and post type: the top-`cap` weights <= police).
   Rounded up to the granularity of police per post (all of them are even in most patterns).
3. Where a gap is left and the component is small, a compact MILP (TPS -> group and post type) is
   solved by HiGHS with a limit on branch-and-bound nodes (work, not seconds: the same component gives
   the same posts on any machine and under any load, whatever else is planned in the same call); its
   optimum, or its dual bound, closes the gap.

Posts are planned a hair inside the walking distance and bounds computed a hair outside it (the
projection's error margin, see solver_geometry), so neither a post nor a bound can be wrong by it.
A set of TPS in that hair's band is not lost: when the caller gives `verify` (the exact test on the
sphere), a group of the outer radius that passes it is planned with too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from praja.deployment.solver_geometry import FloatArray, components, enclosing_circle, maximal_groups
from praja.deployment.solver_patterns import PostType, all_types, combine

DP_STATE_LIMIT = 200_000
LP_SIZE_LIMIT = 300_000


@dataclass(frozen=True, slots=True)
class ComponentResult:
    posts: list[tuple[list[int], PostType]]  # member indices (into the area's points) and post type
    police_lb: int
    capacity_lb: int
    method: str  # how the posts were found
    exact: bool  # the posts meet the bound


def _round_up(x: float, g: int) -> int:
    """Smallest multiple of g at or above x (police totals are sums of per-post numbers, all multiples of g)."""
    return g * math.ceil(x / g - 1e-7)


def _normalise(posts: list[list[int]], kind_of: Sequence[PostType]) -> list[tuple[list[int], PostType]]:
    out = [(sorted(p), combine([kind_of[i] for i in p])) for p in posts if p]
    out.sort(key=lambda pt: pt[0][0])
    return out


def _cost(posts: list[tuple[list[int], PostType]]) -> int:
    return sum(t.key for _, t in posts)


def _police(posts: list[tuple[list[int], PostType]]) -> int:
    return sum(t.police for _, t in posts)


# ---------------------------------------------------------------- one walking disk: exact DP


def _dp(counts: tuple[int, ...], kinds: list[PostType]) -> list[tuple[int, ...]] | None:
    """Cheapest posts (as count vectors per kind) for `counts` TPS of each kind, distance aside.

    `kinds` is ordered strictest first. Exchange argument: some optimal plan has the post holding a
    TPS of the first kind left either full or holding every remaining TPS of the kinds it mixes, so
    only those posts are tried. Returns None when the state space is too large.
    """
    size = 1
    for c in counts:
        size *= c + 1
    if size > DP_STATE_LIMIT:
        return None
    m = len(kinds)
    memo: dict[tuple[int, ...], tuple[int, tuple[int, ...] | None]] = {}
    types: dict[int, PostType] = {}
    for s in range(1, 1 << m):
        types[s] = combine([kinds[i] for i in range(m) if s >> i & 1])

    def solve(state: tuple[int, ...]) -> int:
        if state in memo:
            return memo[state][0]
        nz = [i for i in range(m) if state[i]]
        if not nz:
            memo[state] = (0, None)
            return 0
        if len(nz) == 1:
            i = nz[0]
            k = kinds[i]
            cost = -(-state[i] // k.cap) * k.key
            first = tuple(min(state[i], k.cap) if j == i else 0 for j in range(m))
            memo[state] = (cost, first)
            return cost
        f = nz[0]
        rest = nz[1:]
        best = 1 << 400
        best_move: tuple[int, ...] | None = None
        for sub in range(1 << len(rest)):
            members = [f] + [rest[j] for j in range(len(rest)) if sub >> j & 1]
            t = types[sum(1 << i for i in members)]
            avail = sum(state[i] for i in members)
            take = min(t.cap, avail)
            if take < len(members):
                continue
            for vec in _compositions(take, [state[i] for i in members]):
                move = [0] * m
                for i, v in zip(members, vec, strict=True):
                    move[i] = v
                nxt = tuple(state[i] - move[i] for i in range(m))
                c = t.key + solve(nxt)
                if c < best:
                    best = c
                    best_move = tuple(move)
        memo[state] = (best, best_move)
        return best

    solve(counts)
    out: list[tuple[int, ...]] = []
    state = counts
    while any(state):
        solve(state)
        move = memo[state][1]
        assert move is not None
        out.append(move)
        state = tuple(a - b for a, b in zip(state, move, strict=True))
    return out


def _compositions(total: int, limits: list[int]) -> list[list[int]]:
    """Vectors v with 1 <= v[i] <= limits[i] and sum(v) == total."""
    if len(limits) == 1:
        return [[total]] if 1 <= total <= limits[0] else []
    out: list[list[int]] = []
    rest_max = sum(limits[1:])
    rest_min = len(limits) - 1
    for v in range(max(1, total - rest_max), min(limits[0], total - rest_min) + 1):
        for tail in _compositions(total - v, limits[1:]):
            out.append([v, *tail])
    return out


def _single_disk(
    idx: list[int], xy: FloatArray, kind_of: Sequence[PostType]
) -> list[tuple[list[int], PostType]] | None:
    kinds = sorted({kind_of[i] for i in idx}, key=lambda k: (k.cap, -k.police, -k.tni, -k.linmas))
    pos = {k: j for j, k in enumerate(kinds)}
    # TPS of a kind in a sweep order, so that each post gets neighbours (any split is feasible here)
    by_kind: list[list[int]] = [[] for _ in kinds]
    for i in sorted(idx, key=lambda i: (round(float(xy[i, 0]), 4), round(float(xy[i, 1]), 4), i)):
        by_kind[pos[kind_of[i]]].append(i)
    moves = _dp(tuple(len(b) for b in by_kind), kinds)
    if moves is None:
        return None
    posts: list[list[int]] = []
    cursor = [0] * len(kinds)
    for mv in moves:
        p: list[int] = []
        for j, c in enumerate(mv):
            p += by_kind[j][cursor[j] : cursor[j] + c]
            cursor[j] += c
        posts.append(p)
    return _normalise(posts, kind_of)


# ---------------------------------------------------------------- several disks: greedy, bounds, MILP


@dataclass
class _Geo:
    n: int
    masks: list[int]  # maximal groups, local bitmasks
    types: list[PostType]
    admit: list[int]  # per type, local bitmask of TPS it admits
    kind_of: list[PostType]  # local
    member: np.ndarray[Any, np.dtype[np.bool_]]  # masks x n
    admits: np.ndarray[Any, np.dtype[np.bool_]]  # types x n


def _geo(cxy: FloatArray, kinds_local: list[PostType], masks: list[int]) -> _Geo:
    n = len(cxy)
    present = sorted(set(kinds_local))
    types = all_types(present)
    admit = [sum(1 << i for i in range(n) if t.admits(kinds_local[i])) for t in types]
    member = np.array([[m >> i & 1 for i in range(n)] for m in masks], dtype=bool)
    admits = np.array([[a >> i & 1 for i in range(n)] for a in admit], dtype=bool)
    return _Geo(n, masks, types, admit, kinds_local, member, admits)


def _bits(m: int) -> list[int]:
    out = []
    while m:
        low = m & -m
        out.append(low.bit_length() - 1)
        m ^= low
    return out


def _greedy(g: _Geo, hardest_first: bool) -> list[list[int]]:
    """Open posts one by one until every TPS has one.

    hardest_first=False: the post holding the most TPS per officer anywhere;
    hardest_first=True: the best post for the TPS that the fewest groups reach.
    Either way a post that could take more than its cap takes the hardest-to-place TPS.
    """
    deg = g.member.sum(axis=0).tolist()
    strict = [(-k.cap, k.police, k.tni, k.linmas) for k in g.kind_of]
    left = (1 << g.n) - 1
    posts: list[list[int]] = []
    while left:
        if hardest_first:
            anchor = min(_bits(left), key=lambda i: (deg[i], strict[i], i))
            masks = [(gi, m) for gi, m in enumerate(g.masks) if m >> anchor & 1]
        else:
            anchor = -1
            masks = list(enumerate(g.masks))
        best: tuple[float, float, int, int] | None = None
        choice: list[int] = []
        for gi, m in masks:
            avail = m & left
            if not avail:
                continue
            for ti, t in enumerate(g.types):
                cand = avail & g.admit[ti]
                if anchor >= 0 and not cand >> anchor & 1:
                    continue
                cnt = cand.bit_count()
                if not cnt:
                    continue
                take = min(cnt, t.cap)
                pts = _bits(cand)
                if cnt > take:
                    pts.sort(key=lambda i: (i != anchor, strict[i], deg[i], i))
                    pts = pts[:take]
                need = combine([g.kind_of[i] for i in pts])
                score = (take / need.weight, sum(1.0 / deg[i] for i in pts), -gi, -ti)
                if best is None or score > best:
                    best = score
                    choice = pts
        posts.append(choice)
        for i in choice:
            left &= ~(1 << i)
    return posts


def _fits(bits: int, masks: list[int]) -> bool:
    return any(bits & m == bits for m in masks)


def _improve(g: _Geo, posts: list[list[int]]) -> list[list[int]]:
    """Empty the smallest posts by moving each of their TPS into another post that still fits one
    walking disk and its cap, without raising that post's cost; repeat while a post disappears."""
    sets = [sum(1 << i for i in p) for p in posts]
    changed = True
    while changed and len(sets) > 1:
        changed = False
        for victim in sorted(range(len(sets)), key=lambda k: (sets[k].bit_count(), k)):
            trial = list(sets)
            trial[victim] = 0
            ok = True
            for i in _bits(sets[victim]):
                placed = False
                for k in sorted(range(len(trial)), key=lambda k: (-trial[k].bit_count(), k)):
                    if k == victim or not trial[k]:
                        continue
                    new = trial[k] | (1 << i)
                    old_t = combine([g.kind_of[j] for j in _bits(trial[k])])
                    new_t = old_t.join(g.kind_of[i])
                    if new.bit_count() <= new_t.cap and new_t.key <= old_t.key and _fits(new, g.masks):
                        trial[k] = new
                        placed = True
                        break
                if not placed:
                    ok = False
                    break
            if ok:
                sets = [m for m in trial if m]
                changed = True
                break
    return [_bits(m) for m in sets]


def _heuristic(g: _Geo) -> list[list[int]]:
    best: list[list[int]] | None = None
    best_cost = 0
    for hardest in (False, True):
        posts = _improve(g, _greedy(g, hardest))
        cost = sum(combine([g.kind_of[i] for i in p]).key for p in posts)
        if best is None or cost < best_cost:
            best, best_cost = posts, cost
    assert best is not None
    return best


def _dual_bound(g: _Geo) -> float:
    """A feasible dual of the covering LP: w_i = min over (group, type) holding i of police / min(cap, count)."""
    best = np.full(g.n, np.inf)
    for ti, t in enumerate(g.types):
        mem = g.member & g.admits[ti][None, :]
        cnt = mem.sum(axis=1)
        ok = cnt > 0
        if not ok.any():
            continue
        val = t.police / np.minimum(cnt[ok], t.cap)
        w = np.where(mem[ok], val[:, None], np.inf).min(axis=0)
        best = np.minimum(best, w)
    return float(best.sum())


def _pairs(g: _Geo) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(group, type) pairs with at least one TPS, and their memberships (pair index, TPS)."""
    pairs: list[tuple[int, int]] = []
    e_pair: list[int] = []
    e_tps: list[int] = []
    for ti in range(len(g.types)):
        mem = g.member & g.admits[ti][None, :]
        for gi in range(len(g.masks)):
            row = np.flatnonzero(mem[gi])
            if len(row):
                c = len(pairs)
                pairs.append((gi, ti))
                e_pair += [c] * len(row)
                e_tps += row.tolist()
    return pairs, e_pair, e_tps


def _lp_bound(g: _Geo) -> float | None:
    """The LP relaxation of covering with every feasible post, in dual form:
    max sum w  s.t. for each (group G, type t): the top cap_t weights of G's TPS admitted by t <= police_t,
    written as cap_t * lam + sum mu <= police_t and w_i <= lam + mu_i."""
    pairs, e_pair, e_tps = _pairs(g)
    n, c, e = g.n, len(pairs), len(e_pair)
    if c + e > LP_SIZE_LIMIT:
        return None
    ep = np.asarray(e_pair)
    et = np.asarray(e_tps)
    erange = np.arange(e)
    caps = np.array([g.types[t].cap for _, t in pairs], dtype=float)
    pol = np.array([g.types[t].police for _, t in pairs], dtype=float)
    rows = np.concatenate([np.arange(c), ep, c + erange, c + erange, c + erange])
    cols = np.concatenate([n + np.arange(c), n + c + erange, et, n + ep, n + c + erange])
    vals = np.concatenate([caps, np.ones(e), np.ones(e), -np.ones(e), -np.ones(e)])
    a = coo_matrix((vals, (rows, cols)), shape=(c + e, n + c + e)).tocsr()
    b = np.concatenate([pol, np.zeros(e)])
    obj = np.zeros(n + c + e)
    obj[:n] = -1.0
    res = linprog(obj, A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    if res.status != 0:
        return None
    return float(-res.fun)


def _milp(g: _Geo, node_limit: int, unit: int) -> tuple[list[list[int]] | None, float]:
    """Compact exact model: x[pair, tps] assigns a TPS to a (group, type), y[pair] counts its posts.
    The objective is police / `unit` (their gcd): integral, so HiGHS rounds its own dual bound up and
    stops as soon as the incumbent meets it. (TNI and Linmas do not break ties here.)
    Returns (posts or None, dual bound on police)."""
    pairs, e_pair, e_tps = _pairs(g)
    n, c, e = g.n, len(pairs), len(e_pair)
    ep = np.asarray(e_pair)
    et = np.asarray(e_tps)
    caps = np.array([g.types[t].cap for _, t in pairs], dtype=float)
    counts = np.bincount(ep, minlength=c)
    rows = np.concatenate([et, n + ep, n + np.arange(c)])
    cols = np.concatenate([np.arange(e), np.arange(e), e + np.arange(c)])
    vals = np.concatenate([np.ones(e), np.ones(e), -caps])
    a = coo_matrix((vals, (rows, cols)), shape=(n + c, e + c)).tocsr()
    lo = np.concatenate([np.ones(n), np.full(c, -np.inf)])
    hi = np.concatenate([np.ones(n), np.zeros(c)])
    obj = np.concatenate([np.zeros(e), [g.types[t].police // unit for _, t in pairs]])
    ub = np.concatenate([np.ones(e), np.ceil(counts / caps)])
    res = milp(
        obj,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.ones(e + c),
        bounds=Bounds(np.zeros(e + c), ub),
        options={"node_limit": node_limit, "presolve": True},
    )
    dual = float(getattr(res, "mip_dual_bound", 0.0) or 0.0) * unit
    if res.x is None:
        return None, dual
    x = np.round(res.x).astype(int)
    posts: list[list[int]] = []
    for p in range(c):
        y = int(x[e + p])
        if not y:
            continue
        members = sorted(et[(ep == p) & (x[:e] == 1)].tolist())
        cap = g.types[pairs[p][1]].cap
        for s in range(0, len(members), cap):
            posts.append(members[s : s + cap])
    if res.status == 0:
        dual = max(dual, float(res.fun) * unit)
    return posts, dual


def _geometric(
    idx: list[int],
    cxy: FloatArray,
    kind_of: Sequence[PostType],
    masks: list[int],
    bound_masks: list[int],
    bound_floor: int,
    g_police: int,
    capacity_lb: int,
    exact_max_tps: int,
    node_limit: int,
) -> ComponentResult:
    """Posts from the groups of the planning radius (`masks`); bounds from the groups of the bound
    radius (`bound_masks`, usually the same sets), so that they hold for the real walking distance."""
    local_kinds = [kind_of[i] for i in idx]
    g = _geo(cxy, local_kinds, masks)
    same = sorted(masks) == sorted(bound_masks)
    gb = g if same else _geo(cxy, local_kinds, bound_masks)

    def to_area(posts: list[list[int]]) -> list[tuple[list[int], PostType]]:
        return _normalise([[idx[i] for i in p] for p in posts], kind_of)

    best = to_area(_heuristic(g))
    ub = _police(best)
    lb = max(capacity_lb, bound_floor, _round_up(_dual_bound(gb), g_police))
    if ub <= lb:
        return ComponentResult(best, lb, capacity_lb, "greedy", True)
    lp = _lp_bound(gb)
    if lp is not None:
        lb = max(lb, _round_up(lp, g_police))
        if ub <= lb:
            return ComponentResult(best, lb, capacity_lb, "greedy+lp", True)
    if g.n > exact_max_tps or node_limit <= 0:
        return ComponentResult(best, lb, capacity_lb, "greedy (gap)", False)
    posts, dual = _milp(g, node_limit, g_police)
    if posts is not None:
        cand = to_area(posts)
        if _cost(cand) < _cost(best):
            best = cand
    if same:  # the MILP's dual bound is about the planning radius: a bound only when both agree
        lb = max(lb, _round_up(dual, g_police))
    ub = _police(best)
    return ComponentResult(best, min(lb, ub), capacity_lb, "milp", ub <= lb)


def _maximal(masks: list[int]) -> list[int]:
    ordered = sorted(set(masks), key=lambda m: (-m.bit_count(), m))
    kept: list[int] = []
    for m in ordered:
        if not any(m & k == m for k in kept):
            kept.append(m)
    return kept


Verify = Callable[[list[int]], bool]


def cover_area(
    xy: FloatArray,
    kind_of: Sequence[PostType],
    radius: float,
    exact_max_tps: int = 60,
    node_limit: int = 5_000,
    bound_radius: float | None = None,
    verify: Verify | None = None,
) -> list[ComponentResult]:
    """Posts for every TPS of one area; `xy` in km, `kind_of` the pattern of each TPS's class.

    Posts keep within `radius`; the lower bounds are computed for `bound_radius` (>= radius, default
    equal): the solver plans a hair inside the walking distance and bounds a hair outside it, so that
    projection error can make neither a post invalid nor a bound too high. `verify(indices)`, when
    given, says whether those TPS really fit one post (the exact test): a set between the two radii
    that passes it is planned with, so the hair costs no officer.
    """
    r_lo = radius
    r_hi = max(radius, bound_radius or radius)
    out: list[ComponentResult] = []
    for idx in components(xy, r_hi):
        cxy = xy[idx]
        kinds = {kind_of[i] for i in idx}
        g_police = math.gcd(*(t.police for t in all_types(sorted(kinds))))
        capacity_lb = _round_up(sum(kind_of[i].police / kind_of[i].cap for i in idx), g_police)
        if len(idx) == 1:
            t = kind_of[idx[0]]
            out.append(ComponentResult([([idx[0]], t)], t.police, capacity_lb, "single", True))
            continue
        _, _, r = enclosing_circle([(float(a), float(b)) for a, b in cxy.tolist()])
        one_disk = r <= r_lo or (r <= r_hi and verify is not None and verify(list(idx)))
        if one_disk:
            posts = _single_disk(idx, xy, kind_of)
            if posts is not None:
                out.append(ComponentResult(posts, _police(posts), capacity_lb, "one-disk dp", True))
                continue
        floor = 0
        if r <= r_hi:  # one disk at the bound radius: the DP optimum there is a bound
            relaxed = _single_disk(idx, xy, kind_of)
            floor = _police(relaxed) if relaxed is not None else 0
        full = (1 << len(idx)) - 1
        bound_masks = [full] if r <= r_hi else maximal_groups(cxy, r_hi)
        masks = [full] if one_disk else maximal_groups(cxy, r_lo)
        if verify is not None and sorted(masks) != sorted(bound_masks):
            known = set(masks)
            extra = [m for m in bound_masks if m not in known and verify([idx[i] for i in _bits(m)])]
            if extra:
                masks = _maximal(masks + extra)
        out.append(
            _geometric(
                idx, cxy, kind_of, masks, bound_masks, floor, g_police, capacity_lb, exact_max_tps, node_limit,
            )
        )
    return out
