"""Django admin for agencies, people and roles, limited to the staff's scope (the audit log: praja.base.admin)."""

from __future__ import annotations

from django.contrib import admin

from praja.accounts import visibility
from praja.accounts.models import Agency, Person, RoleAssignment
from praja.base.admin import ScopedAdmin


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
