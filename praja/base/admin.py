"""Django admin pieces every app uses: the scoped admin (lists through the visibility rules) and the read-only
audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from praja.base import visibility
from praja.base.access import has_capability
from praja.base.models import AuditEntry
from praja.base.roles import VIEW_AUDIT


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and lookups in the admin pass through the same visibility rule as pages and API."""

    visibility_rule: Callable[[QuerySet[Any], Any], QuerySet[Any]] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        rule = type(self).visibility_rule
        if rule is None:
            return qs
        return rule(qs, visibility.scope_of(request))


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """Read-only: the log can be looked at, never added to, changed or deleted through the admin."""

    visibility_rule = staticmethod(visibility.audit_entries)
    list_display = [
        "seq",
        "at",
        "actor_label",
        "address",
        "channel",
        "action",
        "target_type",
        "target_id",
        "region_code",
    ]
    list_filter = ["action", "channel", "target_type"]
    search_fields = ["actor_label", "target_id", "region_code"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        return visibility.audit_entries(qs, visibility.scope_of(request), request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or has_capability(request, VIEW_AUDIT))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
