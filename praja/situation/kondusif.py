"""The kondusif index of a kecamatan: how calm it is, 0 (not at all) to 100 (fully conducive).

Pure: no Django. The adapters (praja/situation/sources.py) count what the other apps hold and hand the
counts here; the weights and thresholds come from settings (``PRAJA_SITUATION``). See docs/kondusif-index.md.

Four parts, each a *pressure* between 0 (nothing to worry about) and 1 (as bad as the part can get):

- ``kerawanan``: share of the kecamatan's scored TPS that the risk module classes rawan or sangat rawan;
- ``laporan``: open reports, a severe one counting ``1 + severe_factor`` times, per TPS, saturating at
  ``reports_saturation_per_tps``;
- ``hoaks``: hoax narratives growing now that name the kecamatan, saturating at ``hoax_saturation``;
- ``pos``: share of the deployment plan's posts in the kecamatan that are not fully covered.

    index = 100 - sum(100 * w_i / W * pressure_i)   over the parts that have data (W: their weights' sum)

A part without data (no TPS scored yet, no plan) is left out and the others' weights are renormalised, so
a missing input neither calms nor alarms; the result says which parts were missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PARTS: tuple[str, ...] = ("kerawanan", "laporan", "hoaks", "pos")

KONDUSIF = "kondusif"
WASPADA = "waspada"
SIAGA = "siaga"
CLASSES: tuple[str, ...] = (KONDUSIF, WASPADA, SIAGA)

DEFAULT_WEIGHTS: dict[str, float] = {"kerawanan": 0.35, "laporan": 0.30, "hoaks": 0.15, "pos": 0.20}


@dataclass(frozen=True)
class Config:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reports_saturation_per_tps: float = 0.1  # weighted open reports per TPS at which the part is full
    severe_factor: float = 2.0  # a severe open report counts 1 + this
    hoax_saturation: float = 3.0  # growing narratives at which the part is full
    waspada_below: float = 70.0  # index below this: waspada
    siaga_below: float = 45.0  # index below this: siaga

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(PARTS)
        if unknown:
            raise ValueError(f"unknown kondusif parts: {sorted(unknown)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("kondusif weights must not be negative")
        if self.reports_saturation_per_tps <= 0 or self.hoax_saturation <= 0:
            raise ValueError("saturation points must be positive")
        if not 0 <= self.siaga_below <= self.waspada_below <= 100:
            raise ValueError("thresholds must satisfy 0 <= siaga <= waspada <= 100")


def config_from(values: Mapping[str, Any] | None) -> Config:
    """A Config from the PRAJA_SITUATION setting (missing keys keep their defaults)."""
    v = dict(values or {})
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({str(k): float(w) for k, w in dict(v.get("KONDUSIF_WEIGHTS") or {}).items()})
    thresholds = dict(v.get("KONDUSIF_THRESHOLDS") or {})
    base = Config()
    return Config(
        weights=weights,
        reports_saturation_per_tps=float(v.get("KONDUSIF_REPORTS_SATURATION_PER_TPS", base.reports_saturation_per_tps)),
        severe_factor=float(v.get("KONDUSIF_SEVERE_FACTOR", base.severe_factor)),
        hoax_saturation=float(v.get("KONDUSIF_HOAX_SATURATION", base.hoax_saturation)),
        waspada_below=float(thresholds.get("waspada", base.waspada_below)),
        siaga_below=float(thresholds.get("siaga", base.siaga_below)),
    )


@dataclass(frozen=True)
class Inputs:
    """What the adapters counted for one kecamatan."""

    code: str
    name: str = ""
    tps: int = 0
    scored_tps: int = 0
    rawan_tps: int = 0  # rawan + sangat rawan among the scored
    open_reports: int = 0  # including the severe ones
    severe_open_reports: int = 0
    growing_narratives: int = 0
    hoax_known: bool = True  # False when the hoax monitor is not available to this viewer
    posts: int = 0
    uncovered_posts: int = 0
    reports_known: bool = True  # False when the viewer may not see reports


@dataclass(frozen=True)
class Part:
    key: str
    pressure: float | None  # 0..1; None: no data, left out
    weight: float  # the configured weight
    deduction: float  # points taken off 100
    detail: Mapping[str, float]  # the raw numbers behind it

    @property
    def known(self) -> bool:
        return self.pressure is not None


@dataclass(frozen=True)
class Result:
    code: str
    name: str
    index: float | None  # None: no part had data
    klass: str  # "" when index is None
    parts: tuple[Part, ...]
    tps: int = 0

    def part(self, key: str) -> Part:
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(key)


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def pressures(inp: Inputs, cfg: Config) -> dict[str, tuple[float | None, dict[str, float]]]:
    """Each part's pressure (None without data) and the numbers it came from."""
    out: dict[str, tuple[float | None, dict[str, float]]] = {}
    out["kerawanan"] = (
        _clip(inp.rawan_tps / inp.scored_tps) if inp.scored_tps > 0 else None,
        {"rawan_tps": float(inp.rawan_tps), "scored_tps": float(inp.scored_tps)},
    )
    load = inp.open_reports + cfg.severe_factor * inp.severe_open_reports
    out["laporan"] = (
        _clip(load / (inp.tps * cfg.reports_saturation_per_tps)) if inp.reports_known and inp.tps > 0 else None,
        {"open": float(inp.open_reports), "severe": float(inp.severe_open_reports), "load": float(load),
         "tps": float(inp.tps)},
    )
    out["hoaks"] = (
        _clip(inp.growing_narratives / cfg.hoax_saturation) if inp.hoax_known else None,
        {"growing": float(inp.growing_narratives)},
    )
    out["pos"] = (
        _clip(inp.uncovered_posts / inp.posts) if inp.posts > 0 else None,
        {"uncovered": float(inp.uncovered_posts), "posts": float(inp.posts)},
    )
    return out


def classify(index: float, cfg: Config) -> str:
    if index < cfg.siaga_below:
        return SIAGA
    if index < cfg.waspada_below:
        return WASPADA
    return KONDUSIF


def score(inp: Inputs, cfg: Config | None = None) -> Result:
    cfg = cfg or Config()
    ps = pressures(inp, cfg)
    total = sum(cfg.weights.get(k, 0.0) for k in PARTS if ps[k][0] is not None)
    parts: list[Part] = []
    deducted = 0.0
    for key in PARTS:
        pressure, detail = ps[key]
        w = cfg.weights.get(key, 0.0)
        d = 100.0 * w / total * pressure if (pressure is not None and total > 0) else 0.0
        deducted += d
        parts.append(Part(key, None if pressure is None else round(pressure, 4), w, round(d, 2), detail))
    if total <= 0:
        return Result(inp.code, inp.name, None, "", tuple(parts), inp.tps)
    index = round(max(0.0, 100.0 - deducted), 1)
    return Result(inp.code, inp.name, index, classify(index, cfg), tuple(parts), inp.tps)


def score_all(inputs: Iterable[Inputs], cfg: Config | None = None) -> list[Result]:
    cfg = cfg or Config()
    return [score(i, cfg) for i in inputs]


def overall(results: Sequence[Result], cfg: Config | None = None) -> Result | None:
    """The region's index: the kecamatan indexes weighted by their TPS (each part likewise)."""
    cfg = cfg or Config()
    known = [r for r in results if r.index is not None]
    if not known:
        return None
    weights = [max(r.tps, 1) for r in known]
    total = float(sum(weights))
    index = round(sum(r.index * w for r, w in zip(known, weights, strict=True) if r.index is not None) / total, 1)
    parts = []
    for key in PARTS:
        ds = [r.part(key).deduction * w for r, w in zip(known, weights, strict=True)]
        pr = [(r.part(key).pressure, w) for r, w in zip(known, weights, strict=True)
              if r.part(key).pressure is not None]
        pw = sum(w for _, w in pr)
        pressure = round(sum((p or 0.0) * w for p, w in pr) / pw, 4) if pw else None
        parts.append(Part(key, pressure, cfg.weights.get(key, 0.0), round(sum(ds) / total, 2), {}))
    return Result("", "", index, classify(index, cfg), tuple(parts), sum(r.tps for r in known))
