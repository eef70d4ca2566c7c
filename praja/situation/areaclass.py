"""One area label everywhere: the class an infowatch item page shows beside a kecamatan is the situation
dashboard's (Kondusif / Waspada / Siaga), never recomputed there.

Infowatch sits below situation, so it asks through `praja.base.extensions.points.area_classes`, which the
situation app fills with `area_classes` when it starts (apps.py). When the index changes (the kondusif
redesign), this one function is what to switch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from praja.territory.models import Region


def area_classes(request: Any, kecamatan: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{kecamatan code: (class key, label)} as the dashboard shows them to this reader now; a kecamatan the
    reader cannot see, or one without data, is absent."""
    from praja.situation import dashboard
    from praja.situation import sources as S
    from praja.situation.views_dashboard import CLASS_LABELS

    viewer = S.Viewer.of(request)
    now = timezone.now()
    out: dict[str, tuple[str, str]] = {}
    regions = {r.code: r for r in Region.objects.filter(code__in=sorted(set(kecamatan)))}
    for code, region in sorted(regions.items()):
        area = S.area_scope(viewer, code)
        if area is None:
            continue
        pic = dashboard.picture(viewer, region, area, now)
        result = next((r for r in pic.kecamatan if r.code == code), None)
        if result is not None and result.klass:
            out[code] = (result.klass, str(CLASS_LABELS.get(result.klass, result.klass)))
    return out
