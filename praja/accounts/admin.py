"""Django admin for agencies, people, roles and the (read-only) audit log, limited to the staff's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from praja.accounts import visibility
from praja.accounts.access import has_capability
from praja.accounts.models import Agency, AuditEntry, Person, RoleAssignment
from praja.accounts.roles import VIEW_AUDIT


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and lookups in the admin pass through the same visibility rule as pages and API."""

    visibility_rule: Callable[[QuerySet[Any], Any], QuerySet[Any]] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        rule = type(self).visibility_rule
        if rule is None:
            return qs
        return rule(qs, visibility.scope_of(request))


class RoleAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region"]
    readonly_fields = ["granted_at"]


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.agencies)
    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "region__name", "region__code"]
    autocomplete_fields = ["region", "parent", "jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.people)
    list_display = ["full_name", "rank", "agency", "user"]
    list_filter = ["agency__kind", "assignments__role"]
    search_fields = ["full_name", "user__username", "agency__name"]
    autocomplete_fields = ["agency", "user"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.role_assignments)
    list_display = ["person", "role", "region", "active", "granted_at"]
    list_filter = ["role", "active"]
    search_fields = ["person__full_name", "region__code", "region__name"]
    autocomplete_fields = ["person", "region"]
    readonly_fields = ["granted_at"]


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
