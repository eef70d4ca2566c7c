"""Patterns and a district's plan settings: the core's named patterns (DOMAIN.md section 1) as national
Pattern rows, the patterns a region may use, and its settings (defaults from settings.PRAJA).

- `ensure_presets()`: the core's presets as national Pattern rows.
- `patterns_for(region)`: the presets and the patterns of the region and the regions above it.
- `settings_for(region)`, `default_pattern(region)`, `save_settings(...)`: a district's settings.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from praja.base import audit
from praja.deployment.models import Pattern, PlanSettings, default_pattern_key
from praja.deployment.solver import CLASSES, PRESETS
from praja.deployment.solver import Pattern as CorePattern

PRESET_NAMES = {
    "polres_malang_2024": "Polres Malang 2024",
    "mabes_2019": "Mabes Polri 2019",
    "sleman_2024": "Polresta Sleman 2024",
    "manggarai_2024": "Polres Manggarai 2024",
    "pagar_alam_2024": "Polres Pagar Alam 2024",
}


def classes_of(p: CorePattern) -> dict[str, dict[str, int]]:
    d = p.as_dict()
    return {c: d[c] for c in CLASSES}


def ensure_presets() -> int:
    """The core's presets as national Pattern rows (idempotent); returns how many were written."""
    have = {p.preset_key: p for p in Pattern.objects.filter(region__isnull=True).exclude(preset_key="")}
    written = 0
    with audit.acting_as(audit.system_actor("deployment presets")):
        for key, core in PRESETS.items():
            row = have.get(key)
            classes = classes_of(core)
            if row is None:
                Pattern.objects.create(name=PRESET_NAMES.get(key, key), preset_key=key, source=core.source,
                                       classes=classes)
                written += 1
            elif row.classes != classes or row.source != core.source:
                row.classes, row.source = classes, core.source
                row.save()
                written += 1
    return written


def patterns_for(region_code: str) -> QuerySet[Pattern]:
    """Presets and the patterns of this region and the regions above it."""
    ensure_presets()
    codes = _ancestors_and_self(region_code)
    return Pattern.objects.filter(Q(region__isnull=True) | Q(region_id__in=codes)).order_by(
        "region_id", "name"
    )


def _ancestors_and_self(code: str) -> list[str]:
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def settings_for(region_code: str) -> PlanSettings:
    """The district's settings (the nearest region up that has some), or unsaved defaults."""
    codes = _ancestors_and_self(region_code)
    found = {s.region_id: s for s in PlanSettings.objects.filter(region_id__in=codes).select_related("pattern")}
    for c in reversed(codes):
        if c in found:
            return found[c]
    return PlanSettings(region_id=region_code) if region_code else PlanSettings()


def default_pattern(region_code: str) -> Pattern:
    s = settings_for(region_code)
    if s.pattern_id and s.pattern is not None:
        return s.pattern
    ensure_presets()
    p = Pattern.objects.filter(region__isnull=True, preset_key=default_pattern_key()).first()
    if p is None:  # a settings.PRAJA key naming no preset
        p = Pattern.objects.get(region__isnull=True, preset_key="polres_malang_2024")
    return p


def save_settings(region_code: str, walking_km: float, area: str, reserve_share: float,
                  pattern: Pattern | None) -> PlanSettings:
    s, _created = PlanSettings.objects.get_or_create(region_id=region_code)
    if (s.walking_km, s.area, s.reserve_share, s.pattern_id) != (
        walking_km, area, reserve_share, pattern.pk if pattern else None
    ):
        s.walking_km, s.area, s.reserve_share, s.pattern = walking_km, area, reserve_share, pattern
        s.save()
    return s
