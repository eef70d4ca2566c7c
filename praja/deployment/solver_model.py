"""Data of the deployment solver: TPS, patterns, pools, settings, posts and the plan (no Django).

Every number that a district may want to change (the pattern per class, the walking distance, the
area a post may not cross, the reserve share, the pools) is an input here, never a constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Risk classes, from the mildest to the strictest (Bawaslu / Polri TPS mapping).
CLASSES: tuple[str, ...] = ("aman", "kurang_rawan", "rawan", "sangat_rawan", "khusus")
# Who is covered first when people are short: 0 first (sangat rawan and khusus), then rawan, then the rest.
PRIORITY: dict[str, int] = {"sangat_rawan": 0, "khusus": 0, "rawan": 1, "kurang_rawan": 2, "aman": 2}
TIERS: tuple[str, ...] = ("sangat_rawan+khusus", "rawan", "aman+kurang_rawan")
AREAS: tuple[str, ...] = ("desa", "kecamatan")
POOL_KINDS: tuple[str, ...] = ("polri", "tni")


@dataclass(frozen=True, slots=True)
class TPS:
    code: str
    desa_code: str
    kecamatan_code: str
    cls: str
    voters: int
    lat: float
    lng: float


@dataclass(frozen=True, slots=True)
class ClassPattern:
    """One post of this class: `police` officers for up to `max_tps` TPS, with `tni` soldiers and `linmas`."""

    police: int
    max_tps: int
    tni: int = 0
    linmas: int = 0

    def __post_init__(self) -> None:
        if self.police < 1 or self.max_tps < 1 or self.tni < 0 or self.linmas < 0:
            raise ValueError(f"invalid class pattern {self}: police and max_tps >= 1, tni and linmas >= 0")
        if max(self.police, self.tni, self.linmas, self.max_tps) >= 1_000:
            raise ValueError(f"invalid class pattern {self}: numbers must stay below 1000 per post")

    @property
    def label(self) -> str:
        """The a-b-c notation of DOMAIN.md: police - TPS - Linmas (TNI added when there are any)."""
        s = f"{self.police}-{self.max_tps}-{self.linmas}"
        return s + (f" +{self.tni} TNI" if self.tni else "")


@dataclass(frozen=True, slots=True)
class Pattern:
    """A security pattern (pola pengamanan): one ClassPattern per risk class."""

    name: str
    aman: ClassPattern
    kurang_rawan: ClassPattern
    rawan: ClassPattern
    sangat_rawan: ClassPattern
    khusus: ClassPattern
    source: str = ""

    def of(self, cls: str) -> ClassPattern:
        if cls not in CLASSES:
            raise KeyError(f"unknown TPS class {cls!r}; expected one of {', '.join(CLASSES)}")
        cp: ClassPattern = getattr(self, cls)
        return cp

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, **{c: asdict(self.of(c)) for c in CLASSES}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pattern:
        def cp(v: Mapping[str, Any]) -> ClassPattern:
            return ClassPattern(int(v["police"]), int(v["max_tps"]), int(v.get("tni", 0)), int(v.get("linmas", 0)))

        return cls(
            name=str(data.get("name", "custom")),
            source=str(data.get("source", "")),
            **{c: cp(data[c]) for c in CLASSES},
        )


@dataclass(frozen=True, slots=True)
class Pool:
    """People available at one place: a Polsek, a Koramil, the Polres reserve, or BKO reinforcements."""

    unit: str
    kind: str  # "polri" or "tni"
    lat: float
    lng: float
    available: int
    kecamatan_codes: frozenset[str] = frozenset()  # kecamatan it serves; empty = every kecamatan
    cost_per_person: float = 0.0  # BKO reinforcements cost something; own people cost nothing
    bko: bool = False  # reinforcements: used only after own pools, and no reserve is held from them
    name: str = ""  # what people call it ("Polsek Donomulyo") when `unit` is a code; empty: the unit is its name

    def __post_init__(self) -> None:
        if self.kind not in POOL_KINDS:
            raise ValueError(f"pool {self.unit}: kind must be one of {POOL_KINDS}, not {self.kind!r}")
        if self.available < 0:
            raise ValueError(f"pool {self.unit}: available must be >= 0")

    @property
    def label(self) -> str:
        """The name, with the code where the unit is known by one ("Polsek Sukun (35.73.01)")."""
        return f"{self.name} ({self.unit})" if self.name and self.name != self.unit else self.unit

    def serves(self, kecamatan_code: str) -> bool:
        return not self.kecamatan_codes or kecamatan_code in self.kecamatan_codes


@dataclass(frozen=True, slots=True)
class Settings:
    walking_km: float = 1.5  # every TPS of a post within this distance of the post
    area: str = "desa"  # area a post cannot cross: "desa" or "kecamatan"
    reserve_share: float = 0.14  # share of each own pool kept in reserve (Polda Kepri 2024: 624 of 4,525)
    exact_max_tps: int = 120  # components up to this many TPS get an exact MILP when the heuristic leaves a gap
    # Limits in work, never in seconds, so that a plan does not depend on the machine or its load:
    milp_node_limit: int = 5_000  # branch-and-bound nodes per component MILP and per assignment phase

    def __post_init__(self) -> None:
        if self.walking_km <= 0:
            raise ValueError("walking_km must be > 0")
        if self.area not in AREAS:
            raise ValueError(f"area must be one of {AREAS}, not {self.area!r}")
        if not 0 <= self.reserve_share < 1:
            raise ValueError("reserve_share must be in [0, 1)")
        if self.exact_max_tps < 0 or self.milp_node_limit < 0:
            raise ValueError("exact_max_tps and milp_node_limit must be >= 0")

    def reserve_of(self, pool: Pool) -> int:
        """People a pool keeps back: ceil(share x available); BKO reinforcements keep nobody back."""
        if pool.bko:
            return 0
        held = pool.available * self.reserve_share
        r = int(held)
        return r + (1 if held - r > 1e-9 else 0)

    def deployable(self, pool: Pool) -> int:
        return pool.available - self.reserve_of(pool)


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    lat: float
    lng: float
    tps: tuple[str, ...]
    cls: str  # the class that sets its priority (the strictest of its TPS)
    police: int
    tni: int
    linmas: int
    area_code: str  # the desa (or kecamatan) it stays in
    kecamatan_code: str
    pool: str | None  # police unit; None when people were short
    km: float  # pool -> post, great-circle km (0 when no pool)
    tni_pool: str | None = None
    tni_km: float = 0.0

    @property
    def covered(self) -> bool:
        return self.pool is not None and (self.tni == 0 or self.tni_pool is not None)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What a kecamatan lacks: people missing and what stays uncovered."""

    police: int
    tni: int
    posts: int
    tps: int
    tps_by_class: dict[str, int]


@dataclass
class Plan:
    posts: list[Post]
    tps: int
    officers: int  # police the posts need
    officers_lower_bound: int  # no plan of this input needs fewer police
    bound_name: str
    soldiers: int
    linmas: int
    km_total: float  # sum over posts of pool -> post km (police and TNI legs)
    km_max: float
    uncovered_by_class: dict[str, int]  # TPS whose post lacks people
    shortfall: dict[str, Shortfall]  # per kecamatan, only those short
    bko_needed: int  # people more that would close the shortfall
    bko_used: int  # people taken from BKO pools in this plan
    bko_cost: float
    reserve: int  # own people not deployed (held in reserve)
    reserve_required: int  # the reserve share alone
    seconds: float
    pattern: str = ""
    bounds: dict[str, int] = field(default_factory=dict)  # every bound computed, by name
    stats: dict[str, int] = field(default_factory=dict)  # components per method, exactness

    @property
    def officers_deployed(self) -> int:
        return sum(p.police for p in self.posts if p.pool is not None)

    @property
    def ratio(self) -> float:
        return self.officers / self.officers_lower_bound if self.officers_lower_bound else 1.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["officers_deployed"] = self.officers_deployed
        d["ratio"] = round(self.ratio, 6)
        return d
