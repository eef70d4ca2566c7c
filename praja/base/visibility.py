"""Who may see which audit entries, and the request's scope (what every app's visibility rules start from)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from praja.base import extensions
from praja.base.roles import REPORTS_CUSTODIAN, VIEW_PROTECTED
from praja.base.scope import Scope

if TYPE_CHECKING:  # pragma: no cover
    from praja.base.models import AuditEntry


def scope_of(request: Any) -> Scope:
    """The request's scope (set by the middleware); nothing when it is missing."""
    scope = getattr(request, "scope", None)
    return scope if scope is not None else Scope.nothing()


def audit_entries(qs: QuerySet[AuditEntry], scope: Scope, request: Any = None) -> QuerySet[AuditEntry]:
    """Entries a reader may see, decided per entry by the object it is about, with the pages' own rules:

    - an entry about a report or anything of a report (timeline, attachment, identity request) only if the
      reader may see that report (`praja.reports.visibility.reports`, asked through
      `extensions.points.visible_reports`: reports.view, scope or assignment, never a report about the
      reader's own unit); without a request (the TPS history), or without the reports app, none of them;
    - a "protected" entry (identity requests, decisions and views) only with protected.view or the
      custodian's capability, on top of the above;
    - any other entry when its region is inside the scope; entries with no region only for a national scope.
    """
    allowed = Q(report_ref__isnull=True) & scope.q("region_code")
    caps: frozenset[str] = getattr(request, "capabilities", frozenset()) if request is not None else frozenset()
    visible_reports = extensions.points.visible_reports
    if request is not None and visible_reports is not None:
        allowed |= Q(report_ref__isnull=False, report_ref__in=visible_reports(request, scope))
    qs = qs.filter(allowed)
    if VIEW_PROTECTED not in caps and REPORTS_CUSTODIAN not in caps:
        qs = qs.exclude(sensitivity="protected")
    return qs
