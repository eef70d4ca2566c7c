"""What part of the country a person may see: a set of region codes (no Django model import).

A scope of ("35.07.01",) covers that kecamatan, its desa and their TPS. A national scope covers all.
The accounts app computes a person's scope from their roles and puts it on ``request.scope``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from praja.base.regions import ancestors_of, is_within


@dataclass(frozen=True)
class Scope:
    regions: frozenset[str]
    national: bool = False

    @classmethod
    def of(cls, codes: Iterable[str]) -> Scope:
        return cls(regions=frozenset(codes))

    @classmethod
    def everything(cls) -> Scope:
        return cls(regions=frozenset(), national=True)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(regions=frozenset())

    @property
    def is_empty(self) -> bool:
        return not self.national and not self.regions

    def covers(self, code: str) -> bool:
        """True when `code` (region or TPS) lies inside the scope."""
        return self.national or any(is_within(code, r) for r in self.regions)

    def reaches(self, code: str) -> bool:
        """True when `code` is inside the scope or encloses part of it (a regency above a kecamatan)."""
        if self.covers(code):
            return True
        return any(code in ancestors_of(r) for r in self.regions)

    def q(self, field: str) -> Q:
        """A filter keeping rows whose code `field` lies inside the scope."""
        if self.national:
            return Q()
        if not self.regions:
            return Q(pk__in=[])
        q = Q()
        for r in sorted(self.regions):
            q |= Q(**{field: r}) | Q(**{f"{field}__startswith": r + "."}) | Q(**{f"{field}__startswith": r + "/"})
        return q

    def q_reaching(self, field: str) -> Q:
        """Like `q`, and also the regions enclosing the scope (to show "who covers me")."""
        if self.national:
            return Q()
        above = {a for r in self.regions for a in ancestors_of(r)}
        return self.q(field) | Q(**{f"{field}__in": sorted(above)})
