"""Which regions, TPS and jurisdictions a scope sees (used by territory's pages, API and admin, and re-exported
by `praja.accounts.visibility` for the apps above)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from praja.base.scope import Scope

if TYPE_CHECKING:  # pragma: no cover
    from praja.territory.models import TPS, Jurisdiction, Region


def regions(qs: QuerySet[Region], scope: Scope) -> QuerySet[Region]:
    """Regions inside the scope (the scope's own regions, their kecamatan and desa)."""
    return qs.filter(scope.q("code"))


def tps(qs: QuerySet[TPS], scope: Scope) -> QuerySet[TPS]:
    """Polling stations inside the scope."""
    return qs.filter(scope.q("code"))


def jurisdictions(qs: QuerySet[Jurisdiction], scope: Scope) -> QuerySet[Jurisdiction]:
    """Commands (Polres, Polsek, Kodim, Koramil) covering at least one kecamatan inside the scope."""
    if scope.national:
        return qs
    return qs.filter(scope.q("kecamatan__code")).distinct()
