"""Who may see which rows: one function per model, taking (queryset, scope), used by pages, API and admin.

Every list and every single-object lookup in Praja passes through these filters, so an object outside a
person's scope is simply absent (a lookup of it answers 404 and never reveals that it exists).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from praja.territory.scope import Scope

if TYPE_CHECKING:  # pragma: no cover
    from praja.accounts.models import Agency, AuditEntry, Person, RoleAssignment
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


def agencies(qs: QuerySet[Agency], scope: Scope) -> QuerySet[Agency]:
    """Agencies serving a region inside the scope, and those above it ("who covers me")."""
    return qs.filter(scope.q_reaching("region__code"))


def people(qs: QuerySet[Person], scope: Scope) -> QuerySet[Person]:
    """People whose agency serves a region inside the scope."""
    return qs.filter(scope.q("agency__region__code"))


def role_assignments(qs: QuerySet[RoleAssignment], scope: Scope) -> QuerySet[RoleAssignment]:
    """Role assignments of the people one may see."""
    return qs.filter(scope.q("person__agency__region__code"))


def audit_entries(qs: QuerySet[AuditEntry], scope: Scope, request: Any = None) -> QuerySet[AuditEntry]:
    """Entries a reader may see, decided per entry by the object it is about, with the pages' own rules:

    - an entry about a report or anything of a report (timeline, attachment, identity request) only if the
      reader may see that report (`praja.reports.visibility.reports`: reports.view, scope or assignment,
      never a report about the reader's own unit); without a request (the TPS history), none of them;
    - a "protected" entry (identity requests, decisions and views) only with protected.view or the
      custodian's capability, on top of the above;
    - any other entry when its region is inside the scope; entries with no region only for a national scope.
    """
    from django.db.models import Q

    from praja.accounts.roles import REPORTS_CUSTODIAN, VIEW_PROTECTED

    allowed = Q(report_ref__isnull=True) & scope.q("region_code")
    caps: frozenset[str] = getattr(request, "capabilities", frozenset()) if request is not None else frozenset()
    if request is not None:
        from praja.reports.models import Report
        from praja.reports.visibility import reports

        visible = reports(Report.objects.all(), request, scope=scope).values("pk")
        allowed |= Q(report_ref__isnull=False, report_ref__in=visible)
    qs = qs.filter(allowed)
    if VIEW_PROTECTED not in caps and REPORTS_CUSTODIAN not in caps:
        qs = qs.exclude(sensitivity="protected")
    return qs


def can_grant_in(scope: Scope, region_code: str | None) -> bool:
    """May a person with this scope grant (or remove) a role held in `region_code` (None: national)?"""
    if region_code is None or region_code == "":
        return scope.national
    return scope.covers(region_code)


def scope_of(request: Any) -> Scope:
    """The request's scope (set by the middleware); nothing when it is missing."""
    scope = getattr(request, "scope", None)
    return scope if scope is not None else Scope.nothing()
