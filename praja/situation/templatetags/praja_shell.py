"""Template tags of the page shell: the active-region picker and navigation helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from praja.territory import regionpick

register = template.Library()


@register.inclusion_tag("situation/_region_picker.html", takes_context=True)
def region_picker(context: template.Context) -> dict[str, Any]:
    """The picker of the active region, bounded by the signed-in person's scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return {"show": False}
    scope = getattr(request, "scope", None)
    if scope is None or scope.is_empty:
        return {"show": False}
    active = regionpick.active_region(request)
    levels = regionpick.picker_levels(scope, active.code if active else None)
    return {
        "show": bool(levels),
        "levels": levels,
        "active": active,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """The URL of a named route, or "" when that route does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def current(context: template.Context, *names: str) -> str:
    """' aria-current="page"' when the current view is one of `names` (view names with namespace)."""
    from django.utils.safestring import mark_safe

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in names:
        return mark_safe(' aria-current="page"')
    return ""


@register.filter
def num(value: Any) -> str:
    """A whole number with the language's thousands separator (4.042 in Indonesian, 4,042 in English)."""
    from django.utils.formats import number_format

    if value is None or value == "":
        return "–"
    return number_format(value, decimal_pos=0, force_grouping=True)


# --- numbers and times as people here read them: the one place that formats them -------------------------
# Every situation page, the lapsit PDF and XLSX and the charts go through these (Django's number_format in the
# active language: 4.042; 1,4 %; 2.060.576 in Indonesian).


@register.filter
def dec(value: Any, places: int = 1) -> str:
    """A number with `places` decimals (70,0 in Indonesian); never "-0,0"."""
    from django.utils.formats import number_format

    if value is None or value == "":
        return "–"
    x = round(float(value), int(places))
    if x == 0:
        x = 0.0  # -0.0 prints as 0
    return number_format(x, decimal_pos=int(places), force_grouping=True)


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A percentage: 1,4 % (the value is already in percent)."""
    if value is None or value == "":
        return "–"
    return f"{dec(value, places)} %"


@register.filter
def minus(value: Any, places: int = 1) -> str:
    """Points taken off: "−8,8"; nothing taken off is "0" (never "−0,0")."""
    if value is None or value == "":
        return "–"
    x = round(float(value), int(places))
    return "0" if x <= 0 else "\u2212" + dec(x, places)


@register.filter
def waktu(value: Any) -> str:
    """27-11-2024 07.00 WIB: a moment in the local zone, with its abbreviation."""
    from django.utils import timezone

    if not value:
        return "–"
    local = timezone.localtime(value)
    return f"{local:%d-%m-%Y %H.%M} {local.tzname() or ''}".strip()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def stage_label(code: str) -> str:
    """The name of a legal-path stage (bawaslu_review -> Kajian Bawaslu); '' for an unknown one."""
    from praja.situation.lapsit import stage_label as label

    return label(code or "")


@register.filter
def post_class(code: str) -> str:
    """The name of a post's class (sangat_rawan -> Sangat rawan)."""
    from praja.situation.lapsit import class_label

    return class_label(code or "")
