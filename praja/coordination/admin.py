"""Django admin for coordination records, limited to the staff's scope like the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from praja.base.admin import ScopedAdmin
from praja.base.scope import Scope
from praja.coordination.models import Attendance, Commitment, Decision, Election, Meeting


def _meetings(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    return qs.filter(scope.q("region__code"))


def _commitments(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    return qs.filter(scope.q("decision__meeting__region__code"))


class AttendanceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Attendance
    extra = 0


class DecisionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    visibility_rule = staticmethod(_meetings)
    list_display = ["title", "held_at", "region", "chair"]
    inlines = [AttendanceInline, DecisionInline]


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdmin):
    visibility_rule = staticmethod(_commitments)
    list_display = ["decision", "owner", "due_date", "status", "closed_at"]
    list_filter = ["status"]


@admin.register(Election)
class ElectionAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
