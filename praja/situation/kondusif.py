"""The kondusif index of a kecamatan: how calm it is, 0 (not at all) to 100 (fully conducive).

Pure: no Django. The adapters (praja/situation/sources.py) count what the other apps hold and hand the
counts here; the weights, triggers and thresholds come from settings (``PRAJA_SITUATION``). See
docs/kondusif-index.md.

Four parts, each a *pressure* between 0 (nothing to worry about) and 1 (as bad as the part can get):

- ``kerawanan``: share of the kecamatan's scored TPS that the risk module classes rawan or sangat rawan;
- ``laporan``: the larger of (a) open reports, a severe one counting ``1 + severe_factor`` times, per TPS,
  saturating at ``reports_saturation_per_tps``, and (b) a *surge*: reports of the last ``surge_window_hours``
  against the kecamatan's own normal (its reports per hour over the days before, never below a floor per TPS);
- ``hoaks``: hoax narratives growing now that name the kecamatan, saturating at ``hoax_saturation``;
- ``pos``: share of the posts in the kecamatan not covered (on voting day: not reported manned, an
  understrength post counting for the share of officers missing); no plan at all once posts are due counts as
  every post uncovered.

Two rules combine them:

    weighted = 100 - sum(100 * w_i / W * pressure_i)   W: the sum of ALL weights (a part without data takes
                                                       nothing off; data arriving can only lower it)
    cap_i    = from the part's waspada trigger on, just below the waspada boundary, falling to the siaga boundary
               at its siaga trigger; from that on, just below the siaga boundary, falling to half of it at full
               pressure: one part at high pressure holds the index down on its own
    index    = min(weighted, min_i cap_i)          class: from the index and the thresholds

So a surge of reports alone makes a kecamatan siaga, whatever the other parts say.
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
RANK = {KONDUSIF: 0, WASPADA: 1, SIAGA: 2, "": -1}

DEFAULT_WEIGHTS: dict[str, float] = {"kerawanan": 0.35, "laporan": 0.30, "hoaks": 0.15, "pos": 0.20}
# Pressure at which one part alone makes the kecamatan waspada / siaga (None: never on its own).
DEFAULT_TRIGGERS: dict[str, tuple[float | None, float | None]] = {
    "kerawanan": (0.8, None),
    "laporan": (0.5, 0.8),
    "hoaks": (0.66, None),
    "pos": (0.2, 0.5),
}


@dataclass(frozen=True)
class Config:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    triggers: Mapping[str, tuple[float | None, float | None]] = field(
        default_factory=lambda: dict(DEFAULT_TRIGGERS))
    reports_saturation_per_tps: float = 0.25  # weighted open reports per TPS at which the open load is full
    severe_factor: float = 2.0  # a severe report counts 1 + this
    surge_window_hours: float = 1.0  # the recent window compared with the normal
    surge_min_reports: int = 5  # fewer reports than this in the window is never a surge
    surge_floor_per_tps_hour: float = 0.005  # the normal is at least this many weighted reports per TPS per hour
    surge_full_ratio: float = 10.0  # the window at this many times the normal: the surge is full
    hoax_saturation: float = 3.0  # growing narratives at which the part is full
    waspada_below: float = 70.0  # index below this: waspada
    siaga_below: float = 45.0  # index below this: siaga

    def __post_init__(self) -> None:
        unknown = (set(self.weights) | set(self.triggers)) - set(PARTS)
        if unknown:
            raise ValueError(f"unknown kondusif parts: {sorted(unknown)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("kondusif weights must not be negative")
        if sum(self.weights.values()) <= 0:
            raise ValueError("kondusif weights must not all be zero")
        if self.reports_saturation_per_tps <= 0 or self.hoax_saturation <= 0:
            raise ValueError("saturation points must be positive")
        if self.surge_window_hours <= 0 or self.surge_floor_per_tps_hour <= 0 or self.surge_full_ratio <= 1:
            raise ValueError("surge window and floor must be positive and the full ratio above 1")
        if not 0 <= self.siaga_below <= self.waspada_below <= 100:
            raise ValueError("thresholds must satisfy 0 <= siaga <= waspada <= 100")
        for key, (tw, ts) in self.triggers.items():
            if (tw is not None and not 0 < tw <= 1) or (ts is not None and not 0 < ts <= 1) or (
                    tw is not None and ts is not None and ts < tw):
                raise ValueError(f"triggers of {key} must satisfy 0 < waspada <= siaga <= 1")


def _trigger(raw: Any) -> tuple[float | None, float | None]:
    if isinstance(raw, Mapping):
        w, s = raw.get("waspada"), raw.get("siaga")
    else:
        w, s = (list(raw) + [None, None])[:2]
    return (None if w is None else float(w), None if s is None else float(s))


def config_from(values: Mapping[str, Any] | None) -> Config:
    """A Config from the PRAJA_SITUATION setting (missing keys keep their defaults)."""
    v = dict(values or {})
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({str(k): float(w) for k, w in dict(v.get("KONDUSIF_WEIGHTS") or {}).items()})
    triggers = dict(DEFAULT_TRIGGERS)
    triggers.update({str(k): _trigger(t) for k, t in dict(v.get("KONDUSIF_PART_TRIGGERS") or {}).items()})
    thresholds = dict(v.get("KONDUSIF_THRESHOLDS") or {})
    base = Config()
    return Config(
        weights=weights,
        triggers=triggers,
        reports_saturation_per_tps=float(v.get("KONDUSIF_REPORTS_SATURATION_PER_TPS", base.reports_saturation_per_tps)),
        severe_factor=float(v.get("KONDUSIF_SEVERE_FACTOR", base.severe_factor)),
        surge_window_hours=float(v.get("KONDUSIF_SURGE_WINDOW_HOURS", base.surge_window_hours)),
        surge_min_reports=int(v.get("KONDUSIF_SURGE_MIN_REPORTS", base.surge_min_reports)),
        surge_floor_per_tps_hour=float(v.get("KONDUSIF_SURGE_FLOOR_PER_TPS_HOUR", base.surge_floor_per_tps_hour)),
        surge_full_ratio=float(v.get("KONDUSIF_SURGE_FULL_RATIO", base.surge_full_ratio)),
        hoax_saturation=float(v.get("KONDUSIF_HOAX_SATURATION", base.hoax_saturation)),
        waspada_below=float(thresholds.get("waspada", base.waspada_below)),
        siaga_below=float(thresholds.get("siaga", base.siaga_below)),
    )


@dataclass(frozen=True)
class Inputs:
    """What the adapters counted for one kecamatan (from everything: not one viewer's share)."""

    code: str
    name: str = ""
    tps: int = 0
    scored_tps: int = 0
    rawan_tps: int = 0  # rawan + sangat rawan among the scored
    open_reports: int = 0  # including the severe ones
    severe_open_reports: int = 0
    recent_reports: int = 0  # received in the surge window
    severe_recent_reports: int = 0
    baseline_reports: float = 0.0  # weighted reports received over the baseline period (before the window)
    baseline_hours: float = 0.0  # its length
    growing_narratives: int = 0
    hoax_known: bool = True  # False when the hoax monitor is not installed
    posts: int = 0
    uncovered_posts: float = 0.0  # on voting day: unmanned posts + the missing share of understrength ones
    posts_due: bool = False  # the stage at which posts must stand has begun: no plan counts as uncovered
    reports_known: bool = True  # False when the reports app is not installed


@dataclass(frozen=True)
class Part:
    key: str
    pressure: float | None  # 0..1; None: no data, takes nothing off
    weight: float  # the configured weight
    deduction: float  # points the weighted rule takes off 100
    detail: Mapping[str, float]  # the raw numbers behind it
    cap: float | None = None  # the most the index can be with this part alone (None: no trigger)
    klass: str = ""  # the class this part alone gives the kecamatan ('' without data)

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
    weighted: float | None = None  # the weighted rule alone
    driver: str = ""  # the part whose cap set the index ('' when the weighted rule did)

    def part(self, key: str) -> Part:
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(key)


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def surge_pressure(inp: Inputs, cfg: Config) -> tuple[float, dict[str, float]]:
    """Reports of the window against the kecamatan's own normal (never below the floor per TPS)."""
    load = inp.recent_reports + cfg.severe_factor * inp.severe_recent_reports
    normal_per_hour = inp.baseline_reports / inp.baseline_hours if inp.baseline_hours > 0 else 0.0
    expected = max(normal_per_hour, cfg.surge_floor_per_tps_hour * max(inp.tps, 1)) * cfg.surge_window_hours
    ratio = load / expected if expected > 0 else 0.0
    pressure = 0.0
    if inp.recent_reports >= cfg.surge_min_reports:
        pressure = _clip((ratio - 1) / (cfg.surge_full_ratio - 1))
    return pressure, {"recent": float(inp.recent_reports), "recent_severe": float(inp.severe_recent_reports),
                      "normal_per_hour": round(normal_per_hour, 3), "expected": round(expected, 3),
                      "ratio": round(ratio, 2), "surge": round(pressure, 4)}


def pressures(inp: Inputs, cfg: Config) -> dict[str, tuple[float | None, dict[str, float]]]:
    """Each part's pressure (None without data) and the numbers it came from."""
    out: dict[str, tuple[float | None, dict[str, float]]] = {}
    out["kerawanan"] = (
        _clip(inp.rawan_tps / inp.scored_tps) if inp.scored_tps > 0 else None,
        {"rawan_tps": float(inp.rawan_tps), "scored_tps": float(inp.scored_tps)},
    )
    load = inp.open_reports + cfg.severe_factor * inp.severe_open_reports
    open_p = _clip(load / (max(inp.tps, 1) * cfg.reports_saturation_per_tps))
    surge_p, surge_detail = surge_pressure(inp, cfg)
    out["laporan"] = (
        max(open_p, surge_p) if inp.reports_known else None,
        {"open": float(inp.open_reports), "severe": float(inp.severe_open_reports), "load": float(load),
         "tps": float(inp.tps), "open_pressure": round(open_p, 4), **surge_detail},
    )
    out["hoaks"] = (
        _clip(inp.growing_narratives / cfg.hoax_saturation) if inp.hoax_known else None,
        {"growing": float(inp.growing_narratives)},
    )
    if inp.posts > 0:
        pos: float | None = _clip(inp.uncovered_posts / inp.posts)
    else:
        pos = 1.0 if inp.posts_due else None
    out["pos"] = (pos, {"uncovered": float(inp.uncovered_posts), "posts": float(inp.posts),
                        "no_plan": float(inp.posts == 0 and inp.posts_due)})
    return out


STEP = 0.1  # the index's resolution: a cap sits one step below the class boundary it enforces


def cap(pressure: float, trigger: tuple[float | None, float | None], cfg: Config) -> float | None:
    """The most the index can be when this part is at `pressure` (None: no cap). Below the part's waspada
    trigger: none. From it: just below the waspada boundary, falling linearly to the siaga boundary at the siaga
    trigger; from that: just below the siaga boundary, falling to half of it at full pressure. A part without a
    siaga trigger falls only to the siaga boundary itself (waspada at most)."""
    tw, ts = trigger
    if tw is None and ts is None:
        return None
    w_top, s_top = cfg.waspada_below - STEP, cfg.siaga_below - STEP
    if ts is not None and pressure >= ts:
        span = 1.0 - ts
        return s_top - (s_top - cfg.siaga_below / 2) * ((pressure - ts) / span if span > 0 else 1.0)
    if tw is None or pressure < tw:
        return None
    end, floor = (ts, s_top) if ts is not None else (1.0, cfg.siaga_below)
    span = end - tw
    return w_top - (w_top - floor) * ((pressure - tw) / span if span > 0 else 1.0)


def classify(index: float, cfg: Config) -> str:
    if index < cfg.siaga_below:
        return SIAGA
    if index < cfg.waspada_below:
        return WASPADA
    return KONDUSIF


def score(inp: Inputs, cfg: Config | None = None) -> Result:
    cfg = cfg or Config()
    ps = pressures(inp, cfg)
    total = sum(cfg.weights.get(k, 0.0) for k in PARTS)
    parts: list[Part] = []
    deducted = 0.0
    lowest_cap, driver = 100.0, ""
    for key in PARTS:
        pressure, detail = ps[key]
        w = cfg.weights.get(key, 0.0)
        d = 100.0 * w / total * pressure if pressure is not None else 0.0
        deducted += d
        c = cap(pressure, cfg.triggers.get(key, (None, None)), cfg) if pressure is not None else None
        if c is not None and c < lowest_cap:
            lowest_cap, driver = c, key
        parts.append(Part(key, None if pressure is None else round(pressure, 4), w, round(d, 2), detail,
                          None if c is None else round(c, 1),
                          "" if pressure is None else KONDUSIF if c is None else classify(round(c, 1), cfg)))
    if all(p.pressure is None for p in parts):
        return Result(inp.code, inp.name, None, "", tuple(parts), inp.tps)
    weighted = round(max(0.0, 100.0 - deducted), 1)
    index = round(min(weighted, lowest_cap), 1)
    if index >= weighted:
        driver = ""
    return Result(inp.code, inp.name, index, classify(index, cfg), tuple(parts), inp.tps, weighted, driver)


def score_all(inputs: Iterable[Inputs], cfg: Config | None = None) -> list[Result]:
    cfg = cfg or Config()
    return [score(i, cfg) for i in inputs]


def overall(results: Sequence[Result], cfg: Config | None = None) -> Result | None:
    """The region's index: the kecamatan indexes weighted by their TPS (each part likewise). Its class is the
    mean's class; how many kecamatan are siaga or waspada is told beside it (`counts`)."""
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


def counts(results: Sequence[Result]) -> dict[str, int]:
    """How many kecamatan are in each class."""
    out = {k: 0 for k in CLASSES}
    for r in results:
        if r.klass in out:
            out[r.klass] += 1
    return out
