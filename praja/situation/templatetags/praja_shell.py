"""Template tags of the page shell: the active-region picker and navigation helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from praja.situation import regionpick

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
