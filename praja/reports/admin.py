"""Django admin for reports: read through the same visibility rule as the pages, and read only. A report, its
timeline, an identity request or a sealed identity cannot be added, changed or deleted here: every change
to a report goes through /laporan/ (praja/reports/handling.py), which writes it into the timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from praja.reports import visibility
from praja.reports.models import IdentityRequest, Report, ReportLink, TimelineEntry


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "kind", "actor_label", "channel", "from_status", "to_status", "text", "visible_to_sender"]
    readonly_fields = ["at", "kind", "actor_label", "channel", "from_status", "to_status", "text", "visible_to_sender"]


class LinkInline(ReadOnlyInline):
    model = ReportLink
    fk_name = "report"
    fields = ["other", "kind", "reason", "created_at"]
    readonly_fields = ["other", "kind", "reason", "created_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["receipt", "title", "category", "severity", "status", "region", "received_at", "generated"]
    list_filter = ["status", "category", "severity", "channel", "legal_path", "generated"]
    search_fields = ["receipt", "title"]
    date_hierarchy = "received_at"
    # The sealed identity, the PIN hash and the point are never shown or edited here.
    exclude = ["reporter_sealed", "pin_hash", "phone_hash", "latitude", "longitude", "client_key"]
    readonly_fields = ["receipt", "channel", "received_at", "created_by", "partner", "status", "handler",
                       "verified_at", "referred_to", "referred_at", "stage", "stage_started_at", "due_at",
                       "assigned_agency", "legal_path", "anonymous"]
    raw_id_fields = ["region", "tps", "subject_unit"]
    inlines = [TimelineInline, LinkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return visibility.reports(super().get_queryset(request), request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports enter through intake (praja/reports/intake.py)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change here would skip the timeline: handling goes through /laporan/

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # no bulk "delete selected"


@admin.register(IdentityRequest)
class IdentityRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["report", "requested_by", "requested_at", "approved", "decided_by", "decided_at"]
    list_filter = ["approved"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityRequest]:
        visible = visibility.reports(Report.objects.all(), request)
        return super().get_queryset(request).filter(report__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
