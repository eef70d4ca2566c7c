"""Charts as inline SVG, drawn on the server (no chart library): the dashboard and the lapsit PDF use the
same strings. Every chart has a <title> and the numbers as text, so it reads without colour too."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _n(value: float) -> str:
    """A number as people here read it, through the one helper (4.042; 1,5)."""
    from praja.situation.templatetags.praja_shell import dec, num

    return num(value) if float(value).is_integer() else dec(value)


def _v(value: float, unit: str) -> str:
    """A value with its unit: 1,4 % (a space before %, as Indonesian writes it)."""
    from praja.situation.templatetags.praja_shell import dec

    text = dec(value) if not float(value).is_integer() or unit == "%" else _n(value)
    return f"{text} {unit}".strip() if unit else text


# Colour per kondusif class and per report category (fixed order so a category keeps its colour).
CLASS_COLOURS = {"kondusif": "#5fa35f", "waspada": "#e8b23a", "siaga": "#c8413a", "": "#d4d4d4"}
PALETTE = ["#1d5fbf", "#c8413a", "#e8b23a", "#5fa35f", "#7b4fb3", "#2a9d9d", "#d97a2b", "#8a96a6", "#b0457a",
           "#4d6b2f"]
STATE_COLOURS = {"open": "#1d5fbf", "due_soon": "#e8b23a", "overdue": "#c8413a", "done": "#5fa35f"}


def _svg(width: int, height: int, title: str, body: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def colour_for(key: str, keys: Sequence[str]) -> str:
    return PALETTE[list(keys).index(key) % len(PALETTE)] if key in keys else PALETTE[-1]


def stacked_days(days: Sequence[datetime.date], series: Mapping[str, Sequence[int]], labels: Mapping[str, str],
                 title: str, all_keys: Sequence[str] = (), width: int = 640, height: int = 220) -> SafeString:
    """Bars per day, stacked by category, with a legend of the categories that occur."""
    keys = [k for k in (all_keys or sorted(series)) if k in series]
    totals = [sum(series[k][i] for k in keys) for i in range(len(days))]
    top = max(totals or [0]) or 1
    left, right, top_pad, bottom = 34, 8, 10, 38
    legend_h = 16 * math.ceil(len(keys) / 3) if keys else 0
    h = height + legend_h
    plot_w = width - left - right
    plot_h = height - top_pad - bottom
    bw = plot_w / max(len(days), 1)
    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" stroke="#999"/>']
    for frac in (0.5, 1.0):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_n(top * frac)}</text>')
    for i, d in enumerate(days):
        x = left + i * bw
        y = top_pad + plot_h
        for k in keys:
            v = series[k][i]
            if not v:
                continue
            bh = plot_h * v / top
            y -= bh
            parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{max(bw - 4, 1):.1f}" height="{bh:.1f}" '
                         f'fill="{colour_for(k, all_keys or keys)}"><title>{escape(labels.get(k, k))} '
                         f'{d:%d-%m-%Y}: {_n(v)}</title></rect>')
        if totals[i]:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" fill="#333" '
                         f'font-size="9">{totals[i]}</text>')
        if len(days) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{top_pad + plot_h + 14}" text-anchor="middle" '
                         f'fill="#555" font-size="9">{d.day}/{d.month}</text>')
    for j, k in enumerate(keys):
        lx = left + (j % 3) * (plot_w / 3)
        ly = height - 8 + 16 * (j // 3)
        fill = colour_for(k, all_keys or keys)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{fill}"/>'
                     f'<text x="{lx + 14:.1f}" y="{ly}" fill="#333">{escape(_short(labels.get(k, k), 30))}</text>')
    if not keys:
        parts.append(f'<text x="{width / 2}" y="{top_pad + plot_h / 2}" text-anchor="middle" fill="#777">–</text>')
    return _svg(width, h, title, "".join(parts))


def hbars(rows: Sequence[tuple[str, float, str, str]], title: str, width: int = 640, unit: str = "%",
          maximum: float | None = None) -> SafeString:
    """Horizontal bars: (label, value, colour, note) per row."""
    row_h = 18
    label_w = 150
    h = 8 + row_h * max(len(rows), 1)
    top = maximum if maximum is not None else max([r[1] for r in rows] or [0]) or 1
    plot_w = width - label_w - 60
    parts = []
    for i, (label, value, colour, note) in enumerate(rows):
        y = 4 + i * row_h
        w = plot_w * min(value, top) / top if top else 0
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" fill="#333">{escape(label[:26])}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{max(w, 0.5):.1f}" height="{row_h - 6}" fill="{colour}">'
                     f'<title>{escape(label)}: {_v(value, unit)} {escape(note)}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" fill="#333">{escape(_v(value, unit))}'
                     f'{(" · " + escape(note)) if note else ""}</text>')
    return _svg(width, h, title, "".join(parts))


def columns(values: Sequence[int], labels: Sequence[str], title: str, colour: str = "#1d5fbf", width: int = 640,
            height: int = 160) -> SafeString:
    """Plain columns (reports per hour on voting day)."""
    top = max(values or [0]) or 1
    left, bottom = 28, 22
    plot_w = width - left - 6
    plot_h = height - bottom - 12
    bw = plot_w / max(len(values), 1)
    parts = [f'<line x1="{left}" y1="{12 + plot_h}" x2="{width - 6}" y2="{12 + plot_h}" stroke="#999"/>'
             f'<text x="{left - 4}" y="20" text-anchor="end" fill="#555">{top}</text>']
    for i, v in enumerate(values):
        x = left + i * bw
        bh = plot_h * v / top
        parts.append(f'<rect x="{x + 1.5:.1f}" y="{12 + plot_h - bh:.1f}" width="{max(bw - 3, 1):.1f}" '
                     f'height="{bh:.1f}" fill="{colour}"><title>{escape(labels[i])}: {_n(v)}</title></rect>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#555" '
                     f'font-size="9">{escape(labels[i])}</text>')
    return _svg(width, height, title, "".join(parts))


def states(counts: Mapping[str, int], labels: Mapping[str, str], title: str, width: int = 640) -> SafeString:
    """One bar split by commitment state, with the counts in the legend."""
    total = sum(counts.values())
    parts = []
    x = 0.0
    if total:
        for key in ("done", "open", "due_soon", "overdue"):
            v = counts.get(key, 0)
            if not v:
                continue
            w = width * v / total
            parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="22" fill="{STATE_COLOURS[key]}">'
                         f'<title>{escape(labels.get(key, key))}: {v}</title></rect>')
            x += w
    else:
        parts.append(f'<rect x="0" y="0" width="{width}" height="22" fill="#eee"/>')
    for i, key in enumerate(("done", "open", "due_soon", "overdue")):
        lx = i * width / 4
        parts.append(f'<rect x="{lx:.1f}" y="32" width="10" height="10" fill="{STATE_COLOURS[key]}"/>'
                     f'<text x="{lx + 14:.1f}" y="41" fill="#333">{escape(labels.get(key, key))}: '
                     f'{counts.get(key, 0)}</text>')
    return _svg(width, 48, title, "".join(parts))


# --- the kecamatan map as SVG (for the lapsit PDF) -----------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    t = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if t == "Polygon":
        return list(coords)
    if t == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    return []


def region_map(features: Sequence[Mapping[str, Any]], fills: Mapping[str, str], labels: Mapping[str, str],
               title: str, width: int = 640, height: int = 520) -> SafeString:
    """Kecamatan outlines shaded by `fills` (code -> colour), labelled with `labels` (code -> short text)."""
    polys = [(f["properties"]["code"], _rings(f["geometry"])) for f in features
             if f.get("properties", {}).get("level") == 3 and f.get("geometry")]
    pts = [p for _, rings in polys for ring in rings for p in ring]
    if not pts:
        return _svg(width, 40, title, f'<text x="{width / 2}" y="24" text-anchor="middle" fill="#777">–</text>')
    min_x = min(p[0] for p in pts)
    max_x = max(p[0] for p in pts)
    min_y = min(p[1] for p in pts)
    max_y = max(p[1] for p in pts)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * kx, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    scale = min((width - 10) / span_x, (height - 10) / span_y)
    h = int(span_y * scale + 10)

    def xy(p: Sequence[float]) -> str:
        return f"{5 + (p[0] - min_x) * kx * scale:.1f},{5 + (max_y - p[1]) * scale:.1f}"

    parts = []
    centres: list[tuple[str, float, float]] = []
    for code, rings in polys:
        d = " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in rings if ring)
        parts.append(f'<path d="{d}" fill="{fills.get(code, "#eeeeee")}" fill-rule="evenodd" stroke="#1e3a5f" '
                     f'stroke-width="0.8"><title>{escape(labels.get(code, code))}</title></path>')
        ring = max(rings, key=len) if rings else []
        if ring:
            cx = sum(p[0] for p in ring) / len(ring)
            cy = sum(p[1] for p in ring) / len(ring)
            centres.append((code, 5 + (cx - min_x) * kx * scale, 5 + (max_y - cy) * scale))
    for code, x, y in centres:
        text = labels.get(code, "")
        if text:
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="8" fill="#111" '
                         f'stroke="#fff" stroke-width="2" paint-order="stroke">{escape(text)}</text>')
    return _svg(width, h, title, "".join(parts))
