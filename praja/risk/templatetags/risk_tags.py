"""Template helpers of the risk pages: class labels, indicator values as people read them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from praja.risk.models import Klass

register = template.Library()


@register.filter
def klass_label(value: str) -> str:
    try:
        return str(Klass(value).label)
    except ValueError:
        return value or "–"


@register.filter
def indicator_value(value: Any, value_type: str) -> str:
    """1.0 of a yes/no indicator reads "ya", a count reads 12, a share 0.45."""
    if value is None or value == "":
        return "–"
    number = float(value)
    if value_type == "boolean":
        return _("ya") if number else _("tidak")
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


@register.filter
def points(value: Any) -> str:
    """Score points with two decimals in the language's notation (7,04 in Indonesian)."""
    from django.utils.formats import number_format

    return "–" if value is None else number_format(float(value), decimal_pos=2)


@register.filter
def get(mapping: Any, key: str) -> Any:
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def label(item: Any) -> str:
    """An indicator's name in the interface language: its English name (label_en) when the page is in English and
    it has one, else its Indonesian name (label_id). Takes an indicator, a contribution of a score's explanation
    (a dict) or a bare key (returned as it is)."""
    if isinstance(item, str):
        return item

    def field(name: str) -> str:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, "")
        return str(value or "")

    english = field("label_en") if (get_language() or "").startswith("en") else ""
    return english or field("label_id")
