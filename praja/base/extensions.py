"""Extension points: where a lower app asks something of an app above it, without importing it.

Apps depend downward only (the import contract in pyproject.toml). Three answers still come from above: the
TPS page (territory) shows the TPS's risk score, post and reports (situation); the audit log (base) shows an
entry about a report only to who may see that report (reports); an infowatch item names its kecamatan's class
as the situation dashboard draws it (situation). The app above fills its point when Django starts (its
``AppConfig.ready``); the app below asks through ``points`` and falls back to its documented default when the
point is empty (the app above is not installed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from praja.base.scope import Scope

# (request, scope) -> the primary keys of the reports this reader may see (a values("pk") queryset).
VisibleReports = Callable[[Any, Scope], QuerySet[Any]]
# (request, tps) -> {"risk": ..., "post": ..., "reports": ...} for the TPS page.
TPSLinks = Callable[[Any, Any], dict[str, Any]]
# (request, kecamatan codes) -> {kecamatan code: (class key, label)} as the situation dashboard shows them.
AreaClasses = Callable[[Any, Iterable[str]], dict[str, tuple[str, str]]]


@dataclass
class Points:
    visible_reports: VisibleReports | None = None
    tps_links: TPSLinks | None = None
    area_classes: AreaClasses | None = None


points = Points()
