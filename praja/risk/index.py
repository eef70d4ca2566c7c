"""The TPS vulnerability index: pure core, no Django import.

The rule, in one paragraph
--------------------------
Every indicator value is normalised to x in 0..1 (boolean: 0 or 1; count: min(1, count / cap);
share: as given). A TPS scores

    score = 100 * sum_i(w_i * x_i) / sum_i(w_i)

over every indicator of the configuration (not only the assessed ones), rounded to 6 decimals and
kept within 0..100. An indicator with no value for a TPS counts as x = 0 and is listed in the
score's `missing` ("not assessed"), never silently: the explanation also gives the share of the
weight that was assessed. The class follows from the thresholds (aman < t1 <= kurang rawan < t2 <=
rawan < t3 <= sangat rawan); a TPS where an indicator marked `khusus` is present (default: the
special-location indicator: prison, hospital, ...) is class khusus whatever its score, and keeps its
score class in `score_klass`. Several values for one indicator at one TPS (two agencies, two dates)
are combined by `Config.combine`: "max" (default: the most severe counts, a risk reported by any
agency stands until that report is withdrawn) or "latest" (the newest observation, the most severe
among those of that day). Every value stays in the explanation as evidence.

Every weight, cap, threshold and the khusus rule are defaults (praja.risk.catalogue explains each)
that a district may change: `Config.default().with_overrides(...)`.

API
---
- `IndicatorValue`: one observed value with its source agency, date and evidence note.
- `Config`, `Thresholds`: the scoring settings; `Config.default()` is the catalogue's.
- `score_tps(values, config) -> TPSScore`: one TPS, explained (contributions sorted by points).
- `score_many({tps_code: values}, config) -> ScoreTable`: vectorised (numpy); `table.explain(code)`
  gives the same `TPSScore` as `score_tps` for any TPS of the table.
- `rollup(scores, group_of) -> {group: GroupRollup}`: per desa or kecamatan (`desa_of`, `kecamatan_of`).
- `history_values(incidents, tps_codes, as_of)`: Praja's incident reports as history indicators.
- `demo_values(tps_codes, seed)`: generated values that reproduce Kabupaten Malang's 2024 figures.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

from praja.risk import catalogue as cat
from praja.risk.catalogue import Indicator, Origin, ValueType

Combine = Literal["max", "latest"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int8]

GENERATED = "generated"
_ROUND = 6  # decimals of scores and points


class Klass(StrEnum):
    AMAN = "aman"
    KURANG_RAWAN = "kurang_rawan"
    RAWAN = "rawan"
    SANGAT_RAWAN = "sangat_rawan"
    KHUSUS = "khusus"


KLASSES: tuple[Klass, ...] = tuple(Klass)  # index i <-> int code i in ScoreTable arrays
KLASS_LABELS: dict[Klass, tuple[str, str]] = {
    Klass.AMAN: ("Aman", "Safe"),
    Klass.KURANG_RAWAN: ("Kurang rawan", "Low vulnerability"),
    Klass.RAWAN: ("Rawan", "Vulnerable"),
    Klass.SANGAT_RAWAN: ("Sangat rawan", "Highly vulnerable"),
    Klass.KHUSUS: ("Khusus", "Special TPS"),
}
_KHUSUS_CODE = KLASSES.index(Klass.KHUSUS)


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One value of one indicator at one TPS, with where it comes from."""

    indicator_key: str
    value: bool | int | float
    source_agency: str
    observed_on: date
    evidence: str = ""


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds (score points) of kurang rawan, rawan and sangat rawan; below the first: aman."""

    kurang_rawan: float = cat.DEFAULT_THRESHOLDS[0]
    rawan: float = cat.DEFAULT_THRESHOLDS[1]
    sangat_rawan: float = cat.DEFAULT_THRESHOLDS[2]

    def __post_init__(self) -> None:
        t = (self.kurang_rawan, self.rawan, self.sangat_rawan)
        if not all(math.isfinite(x) for x in t) or not 0 <= t[0] <= t[1] <= t[2] <= 100:
            raise ValueError(f"thresholds must satisfy 0 <= kurang_rawan <= rawan <= sangat_rawan <= 100: {t}")

    def classify(self, score: float) -> Klass:
        return KLASSES[(score >= self.kurang_rawan) + (score >= self.rawan) + (score >= self.sangat_rawan)]


@dataclass(frozen=True)
class Config:
    """Which indicators count, with what weight and cap, the thresholds and how values combine."""

    indicators: tuple[Indicator, ...] = cat.INDICATORS
    thresholds: Thresholds = field(default_factory=Thresholds)
    combine: Combine = "max"

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for i in self.indicators:
            if i.key in seen:
                raise ValueError(f"indicator {i.key!r} twice")
            seen.add(i.key)
            if not (math.isfinite(i.weight) and i.weight >= 0):
                raise ValueError(f"weight of {i.key!r} must be a finite number >= 0, not {i.weight}")
            if i.value_type is ValueType.COUNT and not (math.isfinite(i.cap) and i.cap > 0):
                raise ValueError(f"cap of {i.key!r} must be > 0, not {i.cap}")
        if self.combine not in ("max", "latest"):
            raise ValueError(f"combine must be 'max' or 'latest', not {self.combine!r}")

    @classmethod
    def default(cls) -> Config:
        return cls()

    def with_overrides(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        caps: Mapping[str, float] | None = None,
        khusus: Iterable[str] | None = None,
        thresholds: Thresholds | tuple[float, float, float] | None = None,
        extra: Sequence[Indicator] = (),
        combine: Combine | None = None,
    ) -> Config:
        """A copy with a district's settings. `khusus` replaces the set of khusus indicators;
        `extra` adds the district's own indicators (origin DISTRICT)."""
        known = {i.key for i in self.indicators} | {i.key for i in extra}
        khusus_set = None if khusus is None else set(khusus)
        for name, keys in (("weights", weights or {}), ("caps", caps or {}), ("khusus", khusus_set or set())):
            unknown = sorted(set(keys) - known)
            if unknown:
                raise ValueError(f"{name}: unknown indicators {', '.join(unknown)}")
        weights, caps = weights or {}, caps or {}
        out = tuple(
            replace(
                i,
                weight=float(weights.get(i.key, i.weight)),
                cap=float(caps.get(i.key, i.cap)),
                khusus=i.khusus if khusus_set is None else i.key in khusus_set,
            )
            for i in (*self.indicators, *extra)
        )
        th = thresholds if thresholds is None or isinstance(thresholds, Thresholds) else Thresholds(*thresholds)
        return Config(out, th or self.thresholds, combine or self.combine)

    # -- compiled form (computed once per Config) --
    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    @cached_property
    def column(self) -> dict[str, int]:
        return {k: j for j, k in enumerate(self.keys)}

    @cached_property
    def weights(self) -> FloatArray:
        return np.array([i.weight for i in self.indicators], dtype=np.float64)

    @cached_property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @cached_property
    def active(self) -> BoolArray:
        """Indicators that matter: weight > 0 or khusus. Only these are listed as missing."""
        return np.array([i.weight > 0 or i.khusus for i in self.indicators], dtype=np.bool_)

    @cached_property
    def khusus_columns(self) -> npt.NDArray[np.intp]:
        return np.array([j for j, i in enumerate(self.indicators) if i.khusus], dtype=np.intp)

    @cached_property
    def _types(self) -> tuple[npt.NDArray[np.int8], FloatArray]:
        code = {ValueType.BOOLEAN: 0, ValueType.COUNT: 1, ValueType.SHARE: 2}
        types = np.array([code[i.value_type] for i in self.indicators], dtype=np.int8)
        caps = np.array([i.cap if i.value_type is ValueType.COUNT else 1.0 for i in self.indicators])
        return types, caps.astype(np.float64)


def normalise(ind: Indicator, value: bool | int | float) -> float:
    """The indicator's value as x in 0..1; ValueError when the value does not fit its type."""
    v = float(value)
    _check(ind, v)
    if ind.value_type is ValueType.BOOLEAN:
        return 1.0 if v else 0.0
    if ind.value_type is ValueType.COUNT:
        return min(1.0, v / ind.cap)
    return v


def _check(ind: Indicator, v: float) -> None:
    t = ind.value_type
    ok = math.isfinite(v) and (
        (t is ValueType.BOOLEAN and v in (0.0, 1.0))
        or (t is ValueType.COUNT and v >= 0)
        or (t is ValueType.SHARE and 0 <= v <= 1)
    )
    if not ok:
        want = {ValueType.BOOLEAN: "true/false", ValueType.COUNT: "a count >= 0", ValueType.SHARE: "a share 0..1"}
        raise ValueError(f"{ind.key}: {v!r} is not {want[t]}")


@dataclass(frozen=True)
class Contribution:
    """What one assessed indicator adds to a TPS's score, with its evidence (newest first)."""

    indicator_key: str
    label_id: str
    label_en: str
    variable: str
    weight: float
    value: float  # the combined raw value (see Config.combine)
    normalised: float
    points: float  # 100 * weight * normalised / total weight; the points of a TPS sum to its score
    evidence: tuple[IndicatorValue, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(e.evidence for e in self.evidence if e.evidence)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source_agency for e in self.evidence))


@dataclass(frozen=True)
class TPSScore:
    tps_code: str
    score: float  # 0..100
    klass: Klass  # khusus when a khusus indicator is present, else score_klass
    score_klass: Klass  # the class from the score alone
    contributions: tuple[Contribution, ...]  # every assessed indicator, points descending
    missing: tuple[str, ...]  # active indicators with no value: counted as 0, "not assessed"
    khusus_by: tuple[str, ...]  # the khusus indicators present
    assessed_weight_share: float  # share of the total weight that was assessed, 0..1

    @property
    def drivers(self) -> tuple[Contribution, ...]:
        """The contributions that raised the score, largest first."""
        return tuple(c for c in self.contributions if c.points > 0)


def _rank_values(ind: Indicator, vals: Sequence[IndicatorValue], combine: Combine) -> IndicatorValue:
    """The value that counts among several for one indicator."""
    if combine == "max":
        return max(vals, key=lambda v: (normalise(ind, v.value), v.observed_on))
    return max(vals, key=lambda v: (v.observed_on, normalise(ind, v.value)))


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Scores of many TPS in arrays (row i is codes[i]); `explain(code)` gives one TPS's TPSScore."""

    codes: tuple[str, ...]
    scores: FloatArray
    klass_codes: IntArray  # index into KLASSES
    score_klass_codes: IntArray
    normalised: FloatArray  # (n, k), 0 where not assessed
    assessed: BoolArray  # (n, k)
    config: Config
    values: Mapping[str, Sequence[IndicatorValue]]

    def __len__(self) -> int:
        return len(self.codes)

    @cached_property
    def row(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    def score(self, code: str) -> float:
        return float(self.scores[self.row[code]])

    def klass(self, code: str) -> Klass:
        return KLASSES[int(self.klass_codes[self.row[code]])]

    def counts(self) -> dict[Klass, int]:
        n = np.bincount(self.klass_codes.astype(np.intp), minlength=len(KLASSES))
        return {k: int(n[i]) for i, k in enumerate(KLASSES)}

    def explain(self, code: str) -> TPSScore:
        r = self.row[code]
        cfg = self.config
        total = cfg.total_weight
        by_key: dict[str, list[IndicatorValue]] = {}
        for v in self.values.get(code, ()):
            by_key.setdefault(v.indicator_key, []).append(v)
        contribs = []
        for j, ind in enumerate(cfg.indicators):
            vals = by_key.get(ind.key)
            if not vals:
                continue
            chosen = _rank_values(ind, vals, cfg.combine)
            x = float(self.normalised[r, j])
            points = round(100.0 * ind.weight * x / total, _ROUND) if total > 0 else 0.0
            evidence = tuple(sorted(vals, key=lambda v: v.observed_on, reverse=True))
            contribs.append((j, Contribution(ind.key, ind.label_id, ind.label_en, ind.variable, ind.weight,
                                             float(chosen.value), x, points, evidence)))
        contribs.sort(key=lambda jc: (-jc[1].points, -jc[1].weight, jc[0]))
        missing = tuple(cfg.keys[j] for j in np.flatnonzero(cfg.active & ~self.assessed[r]))
        khusus_by = tuple(cfg.keys[j] for j in cfg.khusus_columns if self.normalised[r, j] > 0)
        assessed_w = float(cfg.weights[self.assessed[r]].sum())
        return TPSScore(
            tps_code=code,
            score=float(self.scores[r]),
            klass=KLASSES[int(self.klass_codes[r])],
            score_klass=KLASSES[int(self.score_klass_codes[r])],
            contributions=tuple(c for _, c in contribs),
            missing=missing,
            khusus_by=khusus_by,
            assessed_weight_share=assessed_w / total if total > 0 else 0.0,
        )


def score_many(
    values: Mapping[str, Sequence[IndicatorValue]],
    config: Config | None = None,
    codes: Sequence[str] | None = None,
) -> ScoreTable:
    """Score every TPS of `values` (or of `codes`: a TPS there without values scores 0, all missing;
    values of TPS not in `codes` are then left out).

    Raises ValueError naming the TPS and indicator of every unknown indicator key or bad value.
    """
    cfg = config or Config.default()
    code_list = tuple(codes) if codes is not None else tuple(values)
    n, k = len(code_list), len(cfg.keys)
    col = cfg.column
    cells: list[int] = []
    raws: list[bool | int | float] = []
    days: list[int] = []
    unknown: list[str] = []
    latest = cfg.combine == "latest"
    for i, code in enumerate(code_list):
        base = i * k
        for v in values.get(code, ()):
            j = col.get(v.indicator_key)
            if j is None:
                unknown.append(f"{code}: unknown indicator {v.indicator_key!r}")
                continue
            cells.append(base + j)
            raws.append(v.value)
            if latest:
                days.append(v.observed_on.toordinal())
    if unknown:
        raise ValueError(_many(unknown))
    cell = np.asarray(cells, dtype=np.int64)
    raw = np.asarray(raws, dtype=np.float64)
    j_of = cell % k if k else cell
    types, caps = cfg._types
    t = types[j_of]
    bad = ~np.isfinite(raw) | ((t == 0) & (raw != 0) & (raw != 1)) | ((t == 1) & (raw < 0)) | (
        (t == 2) & ((raw < 0) | (raw > 1)))
    if bad.any():
        msgs = []
        for c in np.flatnonzero(bad)[:50]:
            ind = cfg.indicators[int(j_of[c])]
            try:
                _check(ind, float(raw[c]))
            except ValueError as e:
                msgs.append(f"{code_list[int(cell[c]) // k]}: {e}")
        raise ValueError(_many(msgs, int(bad.sum())))
    x = np.where(t == 0, (raw != 0).astype(np.float64), np.where(t == 1, np.minimum(1.0, raw / caps[j_of]), raw))

    flat = np.zeros(n * k, dtype=np.float64)
    seen = np.zeros(n * k, dtype=np.bool_)
    if latest:
        order = np.lexsort((x, np.asarray(days, dtype=np.int64), cell))
        cs = cell[order]
        last = np.ones(len(cs), dtype=np.bool_)
        last[:-1] = cs[1:] != cs[:-1]
        flat[cs[last]] = x[order][last]
    else:
        np.maximum.at(flat, cell, x)
    seen[cell] = True
    X = flat.reshape(n, k)
    assessed = seen.reshape(n, k)

    scores = np.zeros(n, dtype=np.float64)
    total = cfg.total_weight
    if total > 0:
        w = cfg.weights
        step = 65536  # row chunks keep the temporary small; each row's sum is independent of the chunk
        for a in range(0, n, step):
            sums = (X[a:a + step] * w).sum(axis=1)
            scores[a:a + step] = np.clip(np.round(100.0 * sums / total, _ROUND), 0.0, 100.0)
    th = cfg.thresholds
    score_klass = ((scores >= th.kurang_rawan).astype(np.int8) + (scores >= th.rawan).astype(np.int8)
                   + (scores >= th.sangat_rawan).astype(np.int8))
    klass = score_klass.copy()
    if len(cfg.khusus_columns):
        klass[(X[:, cfg.khusus_columns] > 0).any(axis=1)] = _KHUSUS_CODE
    return ScoreTable(code_list, scores, klass, score_klass, X, assessed, cfg, values)


def _many(msgs: list[str], total: int | None = None) -> str:
    total = len(msgs) if total is None else total
    head = "\n".join(msgs[:50])
    return f"{total} bad indicator value(s):\n{head}" + (f"\n... and {total - 50} more" if total > 50 else "")


def score_tps(values: Sequence[IndicatorValue], config: Config | None = None, tps_code: str = "") -> TPSScore:
    """Score and explain one TPS (the same arithmetic as score_many)."""
    return score_many({tps_code: values}, config).explain(tps_code)


# -- roll-ups ---------------------------------------------------------------------------------------


def desa_of(tps_code: str) -> str:
    """'35.07.01.2001/003' -> '35.07.01.2001' (Kemendagri codes, praja.base.regions)."""
    return tps_code.split("/", 1)[0]


def kecamatan_of(tps_code: str) -> str:
    """'35.07.01.2001/003' -> '35.07.01'."""
    return desa_of(tps_code).rsplit(".", 1)[0]


@dataclass(frozen=True)
class GroupRollup:
    group: str
    tps: int
    counts: dict[Klass, int]  # every class, zeros included
    rawan_share: float  # (rawan + sangat rawan) / tps, by final class: what the map shades
    mean_score: float
    max_score: float
    max_tps: str  # the TPS with the highest score (first in code order on ties)


def rollup(
    scores: ScoreTable | Mapping[str, TPSScore],
    group_of: Callable[[str], str] | Mapping[str, str] = kecamatan_of,
) -> dict[str, GroupRollup]:
    """Counts per class, share of rawan + sangat rawan, mean and max score per group, by group code."""
    g_of: Callable[[str], str] = group_of.__getitem__ if isinstance(group_of, Mapping) else group_of
    if isinstance(scores, ScoreTable):
        codes, s, kc = scores.codes, scores.scores, scores.klass_codes.astype(np.intp)
    else:
        codes = tuple(scores)
        s = np.array([scores[c].score for c in codes], dtype=np.float64)
        kc = np.array([KLASSES.index(scores[c].klass) for c in codes], dtype=np.intp)
    if not codes:
        return {}
    groups, gi = np.unique(np.array([g_of(c) for c in codes]), return_inverse=True)
    ng, nk = len(groups), len(KLASSES)
    counts = np.bincount(gi * nk + kc, minlength=ng * nk).reshape(ng, nk)
    size = counts.sum(axis=1)
    sums = np.bincount(gi, weights=s, minlength=ng)
    # max per group and its first TPS: sort by (group, -score, row)
    order = np.lexsort((np.arange(len(codes)), -s, gi))
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = gi[order][1:] != gi[order][:-1]
    top = order[first]
    r, sr = KLASSES.index(Klass.RAWAN), KLASSES.index(Klass.SANGAT_RAWAN)
    out: dict[str, GroupRollup] = {}
    for g in range(ng):
        out[str(groups[g])] = GroupRollup(
            group=str(groups[g]),
            tps=int(size[g]),
            counts={k: int(counts[g, i]) for i, k in enumerate(KLASSES)},
            rawan_share=float((counts[g, r] + counts[g, sr]) / size[g]),
            mean_score=round(float(sums[g] / size[g]), _ROUND),
            max_score=float(s[top[g]]),
            max_tps=codes[int(top[g])],
        )
    return out


# -- history indicators from incident reports ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident report: where (a TPS code, or a desa code when no TPS is known), when, how bad."""

    place: str
    on: date
    severity: float = 1.0  # >= 0; the incident module's scale (e.g. 1 minor, 2 serious, 3 violent)
    ref: str = ""  # the report's reference, quoted in the evidence


@dataclass(frozen=True)
class HistoryRule:
    """How incidents become the history indicators (defaults: praja.risk.catalogue, our judgement)."""

    window_days: int = cat.DEFAULT_HISTORY_WINDOW_DAYS
    half_life_days: float | None = cat.DEFAULT_HISTORY_HALF_LIFE_DAYS  # None: no decay
    tps_key: str = "insiden_tps"
    desa_key: str = "insiden_desa"
    source_agency: str = "Praja"

    def __post_init__(self) -> None:
        if self.window_days < 0 or (self.half_life_days is not None and not self.half_life_days > 0):
            raise ValueError("window_days must be >= 0 and half_life_days > 0 (or None)")

    def weight(self, age_days: int, severity: float) -> float:
        if age_days < 0 or age_days > self.window_days:
            return 0.0
        if self.half_life_days is None:
            return severity
        return severity * math.pow(0.5, age_days / self.half_life_days)


def history_values(
    incidents: Iterable[Incident],
    tps_codes: Iterable[str],
    as_of: date,
    rule: HistoryRule | None = None,
) -> dict[str, list[IndicatorValue]]:
    """The two history indicators for every TPS, as of a date.

    - `insiden_tps`: incidents at this TPS;
    - `insiden_desa`: incidents elsewhere in its desa (reports at the desa and at its other TPS).
    Each counts sum(severity * 0.5 ** (age / half_life)) over the incidents of the last `window_days`
    up to `as_of` (later ones are ignored, so an earlier date can be replayed). A TPS with no reports
    gets 0: Praja's log covers every TPS, so no report is an assessment, not a gap. Incidents placed
    elsewhere (a kecamatan, another district) are ignored here.
    """
    r = rule or HistoryRule()
    codes = list(dict.fromkeys(tps_codes))
    at_tps: dict[str, list[tuple[float, Incident]]] = {}
    in_desa: dict[str, list[tuple[str | None, float, Incident]]] = {}
    for inc in incidents:
        if not (math.isfinite(inc.severity) and inc.severity >= 0):
            raise ValueError(f"incident {inc.ref or inc.place}: severity must be >= 0, not {inc.severity}")
        w = r.weight((as_of - inc.on).days, inc.severity)
        if w <= 0:
            continue
        if "/" in inc.place:
            at_tps.setdefault(inc.place, []).append((w, inc))
            in_desa.setdefault(desa_of(inc.place), []).append((inc.place, w, inc))
        else:
            in_desa.setdefault(inc.place, []).append((None, w, inc))
    span = f"{r.window_days} hari s.d. {as_of.isoformat()} / {r.window_days} days to {as_of.isoformat()}"
    zero_tps = IndicatorValue(r.tps_key, 0, r.source_agency, as_of, f"tidak ada laporan, {span}: none")
    zero_desa = IndicatorValue(r.desa_key, 0, r.source_agency, as_of, f"tidak ada laporan, {span}: none")

    def value(key: str, items: list[tuple[float, Incident]]) -> IndicatorValue:
        total = round(sum(w for w, _ in items), _ROUND)
        refs = ", ".join(i.ref or f"{i.place} {i.on.isoformat()}" for _, i in sorted(items, key=lambda t: t[1].on))
        return IndicatorValue(key, total, r.source_agency, as_of, f"{len(items)} laporan, {span}: {refs}")

    out: dict[str, list[IndicatorValue]] = {}
    for code in codes:
        own = at_tps.get(code)
        near = [(w, i) for place, w, i in in_desa.get(desa_of(code), ()) if place != code]
        out[code] = [value(r.tps_key, own) if own else zero_tps, value(r.desa_key, near) if near else zero_desa]
    return out


def merge_values(*mappings: Mapping[str, Sequence[IndicatorValue]]) -> dict[str, list[IndicatorValue]]:
    """Join several {tps_code: values} (e.g. the mapping import and the history indicators)."""
    out: dict[str, list[IndicatorValue]] = {}
    for m in mappings:
        for code, vals in m.items():
            out.setdefault(code, []).extend(vals)
    return out


def support_balance(share_a: float, share_b: float) -> float:
    """The police's support-balance indicator from the two leading pairs' support: 1 - |a - b| / (a + b).

    1 = an even split (the hardest-fought TPS), 0 = one-sided or no data. Shares or counts both work.
    """
    if share_a < 0 or share_b < 0:
        raise ValueError("support must be >= 0")
    s = share_a + share_b
    return 0.0 if s == 0 else 1.0 - abs(share_a - share_b) / s


# -- generated values for the demo and the benchmarks --------------------------------------------


def _rng(seed: int, *parts: str) -> random.Random:
    h = hashlib.sha256("|".join([str(seed), *parts]).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def _target(figure: int, n: int) -> int:
    """Malang's figure for Malang's TPS count; scaled by TPS count (half up) for any other set."""
    if n == cat.MALANG_TPS:
        return figure
    return min(n, int(figure * n / cat.MALANG_TPS + 0.5))


_CLUSTERED = ("kendala_internet", "kendala_listrik", "wilayah_konflik")  # whole desa share the condition


def demo_values(
    tps_codes: Iterable[str],
    seed: int = 2024,
    *,
    observed_on: date = date(2024, 11, 15),
    negatives: bool = True,
    police_named: bool = True,
) -> dict[str, list[IndicatorValue]]:
    """Generated indicator values: over 4,042 TPS (Kabupaten Malang), exactly MALANG_FIGURES TPS have
    each indicator (any other number of TPS: the figures scaled). Deterministic for a seed and a set of
    codes. Every value has source "generated".

    - internet, power and conflict area fall on whole desa (in a random order of desa): geography;
    - the 2 TPS with a history of violence are among the conflict-area TPS;
    - counts: disabled voters 1-12, DPTb 1-30, KPPS outside their domicile 1-3;
    - `negatives`: the mapping covered every TPS, so the other TPS get an explicit 0 for these 8
      indicators (one shared object per indicator); the other indicators were not published and
      stay "not assessed";
    - `police_named`: the 7 TPS Polres Malang named (geographic or weather risks, 5 kecamatan) get
      hard-to-reach and disaster-area, where the codes include those kecamatan.
    """
    codes = sorted(set(tps_codes))
    n = len(codes)
    note = f"dibangkitkan dari angka Bawaslu Kab. Malang 2024 (seed {seed}) / generated from Bawaslu figures"
    out: dict[str, list[IndicatorValue]] = {c: [] for c in codes}
    by_desa: dict[str, list[str]] = {}
    for c in codes:
        by_desa.setdefault(desa_of(c), []).append(c)
    chosen: dict[str, list[str]] = {}
    for key, figure in cat.MALANG_FIGURES.items():
        rng = _rng(seed, "demo", key)
        k = _target(figure, n)
        if key in _CLUSTERED:
            desa = sorted(by_desa)
            rng.shuffle(desa)
            picked: list[str] = []
            for d in desa:
                if len(picked) >= k:
                    break
                members = list(by_desa[d])
                rng.shuffle(members)
                picked.extend(members[: k - len(picked)])
        elif key == "riwayat_kekerasan" and len(chosen.get("wilayah_konflik", ())) >= k:
            picked = rng.sample(sorted(chosen["wilayah_konflik"]), k)
        else:
            picked = rng.sample(codes, k)
        chosen[key] = picked
        ind = cat.BY_KEY[key]
        for c in picked:
            value: bool | int
            if ind.value_type is ValueType.BOOLEAN:
                value = True
            elif key == "pemilih_disabilitas":
                value = min(12, 1 + int(rng.expovariate(1 / 2.0)))
            elif key == "dptb":
                value = rng.randint(1, 30)
            else:
                value = rng.choice((1, 1, 1, 2, 2, 3))
            out[c].append(IndicatorValue(key, value, GENERATED, observed_on, note))
        if negatives:
            zero = IndicatorValue(key, False if ind.value_type is ValueType.BOOLEAN else 0, GENERATED,
                                  observed_on, "dibangkitkan: tidak ada / generated: none")
            hit = set(picked)
            for c in codes:
                if c not in hit:
                    out[c].append(zero)
    if police_named:
        named = "Polres Malang 2024: TPS rawan geografis/cuaca (dibangkitkan) / named at geographic or weather risk"
        for kec, count in cat.MALANG_POLICE_NAMED.items():
            pool = [c for d in sorted(by_desa) if d.rsplit(".", 1)[0] == kec for c in by_desa[d]]
            for c in _rng(seed, "named", kec).sample(pool, min(count, len(pool))):
                out[c].append(IndicatorValue("sulit_dijangkau", True, GENERATED, observed_on, named))
                out[c].append(IndicatorValue("rawan_bencana", True, GENERATED, observed_on, named))
    return out


def district_indicator(
    key: str,
    label_id: str,
    label_en: str,
    value_type: ValueType,
    weight: float,
    *,
    agency: str,
    cap: float = 1.0,
    khusus: bool = False,
    variable: str = "tambahan",
    basis: str = "set by the district",
) -> Indicator:
    """A district's own indicator (added without a code change; the Django layer builds these)."""
    return Indicator(key, variable, label_id, label_en, value_type, agency, weight, basis, cap, khusus,
                     Origin.DISTRICT)
