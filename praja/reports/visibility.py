"""Which reports a person may see: one function used by every page, the API and the admin.

- ``reports.view`` is needed at all;
- inside the person's region scope, or assigned/referred to the person's own agency;
- never a report about the person's own unit or a unit above it (neutrality: a report about a Polsek
  officer is invisible to that Polsek, routing.py).

Out-of-scope reports are absent, so looking one up answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from praja.base import drillctx
from praja.base import roles as R
from praja.base.access import person_of
from praja.base.scope import Scope
from praja.reports import routing
from praja.reports.models import Report


def reports(
    qs: QuerySet[Report],
    request: Any = None,
    *,
    scope: Scope | None = None,
    person: Any = None,
    capabilities: Any = None,
) -> QuerySet[Report]:
    """Reports that the request's person (or the given scope, person and capabilities) may see."""
    if request is not None:
        scope = scope if scope is not None else getattr(request, "scope", None)
        capabilities = capabilities if capabilities is not None else getattr(request, "capabilities", frozenset())
        person = person if person is not None else person_of(getattr(request, "user", None))
    scope = scope if scope is not None else Scope.nothing()
    if R.REPORTS_VIEW not in (capabilities or frozenset()):
        return qs.none()
    qs = qs.filter(drillctx.reports_q())  # drill reports only when a drill is viewed, never with real ones
    agency = getattr(person, "agency", None) if person is not None else None
    allowed = scope.q("region__code")
    if agency is not None and not scope.national:
        allowed |= Q(assigned_agency_id=agency.pk) | Q(referred_to_id=agency.pk)
    qs = qs.filter(allowed)
    if agency is not None:
        qs = qs.exclude(routing.hidden_from_q(agency))
    return qs


def visible_report_pks(request: Any, scope: Scope) -> QuerySet[Any]:
    """The numbers of the reports this reader may see (the audit log's rule for entries about a report,
    `praja.base.visibility.audit_entries`, asks it through `extensions.points.visible_reports`)."""
    return reports(Report.objects.all(), request, scope=scope).values("pk")


def can_see(report: Report, request: Any) -> bool:
    return reports(Report.objects.filter(pk=report.pk), request).exists()


def can_handle(request: Any) -> bool:
    return R.REPORTS_HANDLE in getattr(request, "capabilities", frozenset())


def can_see_identity_requests(request: Any) -> bool:
    caps: frozenset[str] = getattr(request, "capabilities", frozenset())
    return R.REPORTS_CUSTODIAN in caps or R.REPORTS_HANDLE in caps
