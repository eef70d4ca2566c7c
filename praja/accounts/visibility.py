"""Who may see which rows: one function per model, taking (queryset, scope), used by pages, API and admin.

Every list and every single-object lookup in Praja passes through these filters, so an object outside a
person's scope is simply absent (a lookup of it answers 404 and never reveals that it exists). The rules of
the apps below accounts live with them (`praja.territory.visibility`: regions, TPS, jurisdictions;
`praja.base.visibility`: audit entries, the request's scope) and are named here too, so that the apps above
keep one place to ask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from praja.base.scope import Scope
from praja.base.visibility import audit_entries as audit_entries
from praja.base.visibility import scope_of as scope_of
from praja.territory.visibility import jurisdictions as jurisdictions
from praja.territory.visibility import regions as regions
from praja.territory.visibility import tps as tps

if TYPE_CHECKING:  # pragma: no cover
    from praja.accounts.models import Agency, Person, RoleAssignment


def agencies(qs: QuerySet[Agency], scope: Scope) -> QuerySet[Agency]:
    """Agencies serving a region inside the scope, and those above it ("who covers me")."""
    return qs.filter(scope.q_reaching("region__code"))


def people(qs: QuerySet[Person], scope: Scope) -> QuerySet[Person]:
    """People whose agency serves a region inside the scope."""
    return qs.filter(scope.q("agency__region__code"))


def role_assignments(qs: QuerySet[RoleAssignment], scope: Scope) -> QuerySet[RoleAssignment]:
    """Role assignments of the people one may see."""
    return qs.filter(scope.q("person__agency__region__code"))


def can_grant_in(scope: Scope, region_code: str | None) -> bool:
    """May a person with this scope grant (or remove) a role held in `region_code` (None: national)?"""
    if region_code is None or region_code == "":
        return scope.national
    return scope.covers(region_code)
