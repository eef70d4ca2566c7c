"""Django admin for regions, TPS and jurisdictions, limited to the staff's scope."""

from __future__ import annotations

from django.contrib import admin

from praja.base.admin import ScopedAdmin
from praja.territory import visibility
from praja.territory.models import TPS, Jurisdiction, Region


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.regions)
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    exclude = ["boundary"]


@admin.register(TPS)
class TPSAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.tps)
    list_display = [
        "code",
        "desa",
        "voters",
        "address",
        "lat",
        "lng",
        "voters_generated",
        "location_generated",
    ]
    list_filter = ["voters_generated", "location_generated"]
    search_fields = ["code", "address", "desa__name"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["code", "updated_at"]
    list_select_related = ["desa"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(ScopedAdmin):
    visibility_rule = staticmethod(visibility.jurisdictions)
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent", "kecamatan"]
    prepopulated_fields = {"slug": ["name"]}
