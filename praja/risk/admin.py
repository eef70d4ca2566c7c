"""Django admin for the risk records, limited to the staff's scope like the pages and the API.

National catalogue indicators mirror `praja.risk.catalogue` (`services.ensure_catalogue`): read-only here;
a district changes weights on its settings page, and adds its own indicators there or here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from praja.base.admin import ScopedAdmin
from praja.risk.models import IncidentSignal, Indicator, IndicatorValue, RiskConfig, TPSScore


def _visible(qs: Any, scope: Any) -> Any:
    return qs.visible(scope)


class RiskAdmin(ScopedAdmin):
    visibility_rule = staticmethod(_visible)


@admin.register(Indicator)
class IndicatorAdmin(RiskAdmin):
    list_display = [
        "key",
        "label_id",
        "variable",
        "value_type",
        "default_weight",
        "source_agency",
        "khusus",
        "region",
    ]
    list_filter = ["origin", "value_type", "khusus"]
    search_fields = ["key", "label_id", "label_en"]
    autocomplete_fields = ["region"]

    def has_change_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        if obj is not None and obj.is_national:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        if obj is not None and obj.is_national:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RiskConfig)
class RiskConfigAdmin(RiskAdmin):
    list_display = [
        "region",
        "threshold_kurang_rawan",
        "threshold_rawan",
        "threshold_sangat_rawan",
        "combine",
        "updated_at",
    ]
    autocomplete_fields = ["region"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(RiskAdmin):
    list_display = ["tps", "indicator", "value", "source_agency", "observed_on", "kind", "created_by"]
    list_filter = ["kind", "source_agency"]
    search_fields = ["tps__code", "indicator__key", "evidence"]
    raw_id_fields = ["tps", "created_by"]
    list_select_related = ["indicator", "created_by"]


@admin.register(TPSScore)
class TPSScoreAdmin(RiskAdmin):
    list_display = ["tps", "score", "klass", "score_klass", "computed_at"]
    list_filter = ["klass"]
    search_fields = ["tps__code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # computed by services.recompute, never typed in


@admin.register(IncidentSignal)
class IncidentSignalAdmin(RiskAdmin):
    """Incidents normally come from the reports app; a correction here also moves the index."""

    list_display = ["place_code", "on", "severity", "ref", "created_at"]
    search_fields = ["place_code", "ref"]

    def save_model(self, request: HttpRequest, obj: IncidentSignal, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _refresh_history(obj.place_code, form.initial.get("place_code") if change else None)

    def delete_model(self, request: HttpRequest, obj: IncidentSignal) -> None:
        super().delete_model(request, obj)
        _refresh_history(obj.place_code)


def _refresh_history(*places: str | None) -> None:
    from praja.risk.services import incident_history_changed

    incident_history_changed([p for p in places if p])
