"""Named security patterns (DOMAIN.md section 1) and how a post that mixes classes is staffed.

A post mixing classes takes the strictest cap of its TPS and the largest police, TNI and Linmas
numbers of its classes. Where a source gives no figure for a class, the preset borrows the nearest
published one and says so in its `source`.
"""

from __future__ import annotations

from dataclasses import dataclass

from praja.deployment.solver_model import ClassPattern, Pattern

CP = ClassPattern

PRESETS: dict[str, Pattern] = {
    p.name: p
    for p in (
        Pattern(
            "polres_malang_2024",
            aman=CP(2, 10),
            kurang_rawan=CP(2, 10),
            rawan=CP(2, 2),
            sangat_rawan=CP(2, 2),
            khusus=CP(2, 1),
            source="Polres Malang, Pemilu 2024 (medcom.id): 2 police for up to 10 TPS, 2 for a special TPS; "
            "rawan from Polresta Sleman / Polres Pagar Alam 2024 (2 per 2 TPS), sangat rawan from Polda "
            "Jatim 2024 (2 per 2 TPS). Linmas of the KPU (2 per TPS) not counted.",
        ),
        Pattern(
            "mabes_2019",
            aman=CP(2, 4, linmas=6),
            kurang_rawan=CP(2, 4, linmas=6),
            rawan=CP(4, 2, linmas=8),
            sangat_rawan=CP(6, 2, linmas=8),
            khusus=CP(6, 2, linmas=8),
            source="Mabes Polri, Pemilu 2019 (tirto.id, kumparan): 2-4-6, 4-2-8, 6-2-8; khusus as sangat rawan",
        ),
        Pattern(
            "sleman_2024",
            aman=CP(2, 8, linmas=16),
            kurang_rawan=CP(2, 8, linmas=16),
            rawan=CP(2, 2, linmas=4),
            sangat_rawan=CP(2, 1, linmas=2),
            khusus=CP(2, 1, linmas=2),
            source="Polresta Sleman, Pilkada 2024 (Harian Jogja): 2 per 8 TPS + 16 Linmas, 2 per 2 TPS + 4 "
            "Linmas, 2 per TPS; khusus as sangat rawan",
        ),
        Pattern(
            "manggarai_2024",
            aman=CP(1, 3, linmas=2),
            kurang_rawan=CP(1, 3, linmas=2),
            rawan=CP(1, 1, linmas=1),
            sangat_rawan=CP(2, 1, linmas=2),
            khusus=CP(2, 1, linmas=2),
            source="Polres Manggarai, Pilkada 2024 (swarantt.net): 1-3-2, 1-1-1, 2-1-2; khusus as sangat rawan",
        ),
        Pattern(
            "pagar_alam_2024",
            aman=CP(2, 4, linmas=8),
            kurang_rawan=CP(2, 4, linmas=8),
            rawan=CP(2, 2, linmas=4),
            sangat_rawan=CP(2, 1, linmas=2),
            khusus=CP(2, 1, linmas=2),
            source="Polres Pagar Alam, Pilkada 2024 (pagaralampos): 2-4-8 (also 2-8-16), 2-2-4, 2-1-2; "
            "khusus as sangat rawan",
        ),
    )
}
DEFAULT_PATTERN: Pattern = PRESETS["polres_malang_2024"]


def preset(name: str) -> Pattern:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown pattern {name!r}; presets: {', '.join(sorted(PRESETS))}") from None


@dataclass(frozen=True, slots=True, order=True)
class PostType:
    """What one post needs and holds: the combination of the class patterns of its TPS."""

    police: int
    cap: int
    tni: int
    linmas: int

    @classmethod
    def of(cls, cp: ClassPattern) -> PostType:
        return cls(cp.police, cp.max_tps, cp.tni, cp.linmas)

    def join(self, other: PostType) -> PostType:
        return PostType(
            max(self.police, other.police),
            min(self.cap, other.cap),
            max(self.tni, other.tni),
            max(self.linmas, other.linmas),
        )

    def admits(self, kind: PostType) -> bool:
        """A TPS of `kind` may join a post of this type without changing it."""
        return (
            kind.police <= self.police
            and kind.cap >= self.cap
            and kind.tni <= self.tni
            and kind.linmas <= self.linmas
        )

    @property
    def key(self) -> int:
        """Lexicographic cost of one post as one integer: police, then TNI, then Linmas, then posts."""
        b = 1 << 30  # wide enough that the lower terms of many posts never carry into police
        return ((self.police * b + self.tni) * b + self.linmas) * b + 1

    @property
    def weight(self) -> float:
        """The same order as a float, for scoring candidate posts (TPS per officer)."""
        return self.police + self.tni * 1e-3 + self.linmas * 1e-6 + 1e-9


def combine(kinds: list[PostType]) -> PostType:
    t = kinds[0]
    for k in kinds[1:]:
        t = t.join(k)
    return t


def all_types(kinds: list[PostType]) -> list[PostType]:
    """Every type a post can take when it mixes some of `kinds` (one per non-empty subset, deduplicated)."""
    out: set[PostType] = set()
    n = len(kinds)
    for s in range(1, 1 << n):
        out.add(combine([kinds[i] for i in range(n) if s >> i & 1]))
    return sorted(out)
