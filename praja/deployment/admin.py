"""Django admin for deployment records, limited to the staff's scope like the pages and the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet

from praja.base.admin import ScopedAdmin
from praja.base.scope import Scope
from praja.deployment.models import Pattern, Plan, PlanSettings, Pool


def _by_region(field: str) -> Any:
    def rule(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
        if scope.national:
            return qs
        return qs.filter(scope.q_reaching(field))

    return staticmethod(rule)


def _patterns(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    if scope.national:
        return qs
    return qs.filter(Q(region__isnull=True) | scope.q_reaching("region__code"))


@admin.register(Pattern)
class PatternAdmin(ScopedAdmin):
    visibility_rule = staticmethod(_patterns)
    list_display = ["name", "region", "preset_key", "updated_at"]
    search_fields = ["name", "preset_key"]
    autocomplete_fields = ["region"]


@admin.register(PlanSettings)
class PlanSettingsAdmin(ScopedAdmin):
    visibility_rule = _by_region("region__code")
    list_display = ["region", "walking_km", "area", "reserve_share", "pattern"]
    autocomplete_fields = ["region"]


@admin.register(Pool)
class PoolAdmin(ScopedAdmin):
    visibility_rule = _by_region("region__code")
    list_display = ["unit", "region", "kind", "role", "available", "active", "generated"]
    list_filter = ["kind", "role", "active"]
    search_fields = ["unit"]
    autocomplete_fields = ["region", "jurisdiction", "kecamatan"]


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    visibility_rule = _by_region("region__code")
    list_display = ["__str__", "status", "tps_count", "posts_count", "officers", "officers_lower_bound", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Plan._meta.concrete_fields if f.name not in ("name",)]
