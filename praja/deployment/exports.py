"""Exports of a deployment plan: XLSX in the shape staff print, a PDF annex (A4 landscape), GeoJSON of posts.

All three are made from one `Document` (a section per Polsek, a line per post with its TPS), built by
`praja.deployment.plan_exports.document` from a stored plan (only what the person may see) or by the
command line from a plan it solved from files. Where TPS data was generated (the demo district), or
pool numbers are examples, every export says so in its header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from praja.deployment.solver import CLASSES, Pattern, Settings
from praja.deployment.xlsx_writer import Book, Sheet, Style


@dataclass(frozen=True)
class TpsLine:
    code: str
    address: str
    voters: int
    cls: str
    lat: float
    lng: float
    at_centroid: bool = False
    generated: bool = False
    cls_label: str = ""  # filled by build_document


@dataclass
class PostLine:
    number: int
    code: str
    kecamatan: str
    kecamatan_name: str
    desa_name: str
    lat: float
    lng: float
    cls: str
    police: int
    tni: int
    linmas: int
    pool: str
    km: float
    tni_pool: str
    tni_km: float
    covered: bool
    edited: bool
    tps: list[TpsLine]
    unit: str  # the Polsek whose sheet the post is on

    @property
    def voters(self) -> int:
        return sum(t.voters for t in self.tps)


@dataclass
class Section:
    """One Polsek: its posts."""

    unit: str
    posts: list[PostLine] = field(default_factory=list)

    @property
    def kecamatan(self) -> list[tuple[str, str]]:
        return sorted({(p.kecamatan, p.kecamatan_name) for p in self.posts})

    def total(self, attr: str) -> int:
        return sum(int(getattr(p, attr)) for p in self.posts)

    @property
    def total_police(self) -> int:
        return self.total("police")

    @property
    def total_tni(self) -> int:
        return self.total("tni")

    @property
    def total_linmas(self) -> int:
        return self.total("linmas")

    @property
    def tps(self) -> int:
        return sum(len(p.tps) for p in self.posts)

    @property
    def voters(self) -> int:
        return sum(p.voters for p in self.posts)

    @property
    def uncovered(self) -> int:
        return sum(len(p.tps) for p in self.posts if not p.covered)


@dataclass
class Document:
    title: str
    region_label: str
    version: str
    pattern: Pattern
    settings: Settings
    sections: list[Section]
    unassigned: list[TpsLine]
    created: datetime | None
    notes: list[str]  # generated data, hand edits, partial view: printed in every header
    lower_bound: int | None
    bound_name: str
    reserve: int | None
    bko_needed: int | None
    shortfall: list[dict[str, Any]]
    class_labels: dict[str, str]
    partial: bool = False

    @property
    def posts(self) -> list[PostLine]:
        return [p for s in self.sections for p in s.posts]

    def totals(self) -> dict[str, Any]:
        posts = self.posts
        legs = [p.km for p in posts if p.pool] + [p.tni_km for p in posts if p.tni_pool]
        uncovered = dict.fromkeys(CLASSES, 0)
        for p in posts:
            if not p.covered:
                for t in p.tps:
                    uncovered[t.cls] += 1
        for t in self.unassigned:
            uncovered[t.cls] += 1
        officers = sum(p.police for p in posts)
        return {
            "posts": len(posts),
            "tps": sum(len(p.tps) for p in posts) + len(self.unassigned),
            "voters": sum(p.voters for p in posts) + sum(t.voters for t in self.unassigned),
            "officers": officers,
            "soldiers": sum(p.tni for p in posts),
            "linmas": sum(p.linmas for p in posts),
            "km_total": round(sum(legs), 2),
            "km_max": round(max(legs, default=0.0), 2),
            "uncovered_by_class": uncovered,
            "uncovered": sum(uncovered.values()),
            "ratio": round(officers / self.lower_bound, 4) if self.lower_bound else None,
        }

    def label(self, cls: str) -> str:
        return self.class_labels.get(cls, cls)


def build_document(
    *,
    title: str,
    region_label: str,
    version: str,
    pattern: Pattern,
    settings: Settings,
    posts: Sequence[PostLine],
    unassigned: Sequence[TpsLine] = (),
    lower_bound: int | None = None,
    bound_name: str = "",
    reserve: int | None = None,
    bko_needed: int | None = None,
    shortfall: Mapping[str, Any] | None = None,
    created: datetime | None = None,
    hand_edited: bool = False,
    partial: bool = False,
    pools_generated: bool = False,
    class_labels: Mapping[str, str] | None = None,
) -> Document:
    labels = dict(class_labels or {c: c for c in CLASSES})
    for p in posts:
        p.tps = [replace(t, cls_label=labels.get(t.cls, t.cls)) for t in p.tps]
    unassigned = [replace(t, cls_label=labels.get(t.cls, t.cls)) for t in unassigned]
    sections: dict[str, Section] = {}
    for p in sorted(posts, key=lambda p: (p.kecamatan, p.number)):
        sections.setdefault(p.unit or p.kecamatan, Section(p.unit or p.kecamatan)).posts.append(p)
    all_tps = [t for p in posts for t in p.tps] + list(unassigned)
    notes: list[str] = []
    generated = sum(t.generated for t in all_tps)
    if generated:
        notes.append(
            _("Data bangkitan: %(n)s TPS dengan DPT/koordinat hasil bangkitan (demo), bukan data KPU.")
            % {"n": _fmt(generated)}
        )
    moved = sum(t.at_centroid for t in all_tps)
    if moved:
        notes.append(
            _("%(n)s TPS tanpa koordinat ditempatkan di titik tengah desanya.") % {"n": _fmt(moved)}
        )
    if pools_generated:
        notes.append(_("Jumlah personel satuan adalah angka contoh, bukan kekuatan nyata."))
    if hand_edited:
        notes.append(_("Rencana ini telah diubah manual setelah dihitung."))
    if partial:
        notes.append(_("Hanya bagian rencana di wilayah Anda."))
    kecs = {p.kecamatan for p in posts}
    short_rows = []
    for kec, s in sorted((shortfall or {}).items()):
        if partial and kec not in kecs:
            continue
        name = next((p.kecamatan_name for p in posts if p.kecamatan == kec), "")
        short_rows.append({"kecamatan": kec, "name": name, **s,
                           "bko": int(s.get("police", 0)) + int(s.get("tni", 0))})
    return Document(
        title=title, region_label=region_label, version=version, pattern=pattern, settings=settings,
        sections=sorted(sections.values(), key=lambda s: (s.posts[0].kecamatan, s.unit)),
        unassigned=list(unassigned), created=created, notes=notes, lower_bound=lower_bound,
        bound_name=bound_name, reserve=reserve, bko_needed=bko_needed, shortfall=short_rows,
        class_labels=labels, partial=partial,
    )


def _fmt(n: float, decimals: int = 0) -> str:
    """4042 -> "4.042" (Indonesian grouping)."""
    s = f"{n:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def area_label(settings: Settings) -> str:
    return _("satu desa/kelurahan") if settings.area == "desa" else _("satu kecamatan")


# --- XLSX ---------------------------------------------------------------------------------------------------

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Polsek"
    out, i = base, 2
    while out.lower() in used:
        suffix = f" ({i})"
        out = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(out.lower())
    return out


def _post_columns() -> list[tuple[str, float]]:
    return [
        (_("No. Pos"), 8),
        (_("TPS"), 19),
        (_("Alamat TPS"), 38),
        (_("DPT"), 8),
        (_("Kelas"), 13),
        (_("Polri"), 7),
        (_("TNI"), 6),
        (_("Linmas"), 8),
        (_("Lintang pos"), 11),
        (_("Bujur pos"), 11),
        (_("Asal personel"), 24),
        (_("Jarak (km)"), 9),
        (_("Ket."), 14),
    ]


@dataclass(frozen=True)
class _Styles:
    bold: Style = Style(bold=True)
    title: Style = Style(bold=True, size=14)
    note: Style = Style(italic=True, color="8A4B00")
    head: Style = Style(bold=True, fill="DCE6F1", border=True)
    head_mid: Style = Style(bold=True, fill="DCE6F1", border=True, center=True)
    box: Style = Style(border=True)
    box_red: Style = Style(border=True, fill="FDE0DF")
    box_bold: Style = Style(bold=True, border=True)
    tps: Style = Style(border=True, wrap=True)
    tps_red: Style = Style(border=True, wrap=True, fill="FDE0DF")
    mid: Style = Style(border=True, center=True)


ST = _Styles()


def to_xlsx(doc: Document) -> bytes:
    """The plan workbook: a summary sheet, a sheet per Polsek, the TPS without a post (if any)."""
    book = Book()
    used: set[str] = set()
    _summary_sheet(book.sheet(sheet_name(_("Ringkasan"), used)), doc)
    for s in doc.sections:
        _section_sheet(book.sheet(sheet_name(s.unit, used)), doc, s)
    if doc.unassigned:
        _unassigned_sheet(book.sheet(sheet_name(_("TPS tanpa pos"), used)), doc)
    return book.save()


def _header(sheet: Sheet, doc: Document, title: str) -> int:
    """Title, region and version, when made, the document's notes; the next free row."""
    sheet.cell(1, 1, title, ST.title)
    sheet.cell(2, 1, f"{doc.region_label} · {doc.version}")
    when = doc.created.strftime("%d-%m-%Y %H:%M") if doc.created else ""
    sheet.cell(3, 1, _("Dibuat oleh Praja %(when)s") % {"when": when})
    row = 4
    for n in doc.notes:
        sheet.cell(row, 1, n, ST.note)
        row += 1
    return row + 1


def _table_row(sheet: Sheet, row: int, values: Sequence[Any], style: Style) -> None:
    for i, v in enumerate(values, start=1):
        sheet.cell(row, i, v, style)


def _summary_facts(doc: Document, totals: dict[str, Any]) -> list[tuple[str, Any]]:
    facts: list[tuple[str, Any]] = [
        (_("Pola pengamanan"), doc.pattern.name),
        (_("Jarak jalan kaki maksimum (km)"), doc.settings.walking_km),
        (_("Pos tidak melintasi"), area_label(doc.settings)),
        (_("Porsi cadangan"), f"{doc.settings.reserve_share:.0%}"),
        (_("TPS"), totals["tps"]),
        (_("DPT"), totals["voters"]),
        (_("Pos pengamanan"), totals["posts"]),
        (_("Personel Polri"), totals["officers"]),
    ]
    if doc.lower_bound is not None:
        facts += [
            (_("Batas bawah personel Polri"), doc.lower_bound),
            (_("Rasio terhadap batas bawah"), totals["ratio"]),
            (_("Batas bawah yang dipakai"), doc.bound_name),
        ]
    facts += [
        (_("Personel TNI"), totals["soldiers"]),
        (_("Linmas"), totals["linmas"]),
        (_("Jarak tempuh total (km)"), totals["km_total"]),
        (_("Jarak tempuh terjauh (km)"), totals["km_max"]),
        (_("TPS belum terpenuhi"), totals["uncovered"]),
    ]
    for c in CLASSES:
        if totals["uncovered_by_class"][c]:
            facts.append((f"  · {doc.label(c)}", totals["uncovered_by_class"][c]))
    if doc.bko_needed is not None:
        facts.append((_("BKO dibutuhkan"), doc.bko_needed))
    if doc.reserve is not None:
        facts.append((_("Cadangan (tidak dikerahkan)"), doc.reserve))
    return facts


def _summary_sheet(ws: Sheet, doc: Document) -> None:
    """Facts of the plan, a line per Polsek with the total, the shortfall per kecamatan, the pattern."""
    totals = doc.totals()
    row = _header(ws, doc, f"{doc.title} — {_('Ringkasan')}")
    for k, v in _summary_facts(doc, totals):
        ws.cell(row, 1, k, ST.bold)
        ws.cell(row, 2, v)
        row += 1
    row += 1
    _table_row(ws, row, [_("Polsek"), _("Kecamatan"), _("Pos"), _("TPS"), _("DPT"), _("Polri"), _("TNI"),
                         _("Linmas"), _("TPS belum terpenuhi")], ST.head)
    row += 1
    for s in doc.sections:
        _table_row(ws, row, [s.unit, ", ".join(n for _c, n in s.kecamatan), len(s.posts), s.tps, s.voters,
                             s.total("police"), s.total("tni"), s.total("linmas")], ST.box)
        ws.cell(row, 9, s.uncovered, ST.box_red if s.uncovered else ST.box)
        row += 1
    _table_row(ws, row, [_("Jumlah"), "", totals["posts"], totals["tps"], totals["voters"], totals["officers"],
                         totals["soldiers"], totals["linmas"], totals["uncovered"]], ST.box_bold)
    row += 2
    if doc.shortfall:
        ws.cell(row, 1, _("Kekurangan personel per kecamatan"), ST.bold)
        _table_row(ws, row + 1, [_("Kecamatan"), _("Kode"), _("Polri kurang"), _("TNI kurang"), _("Pos"), _("TPS"),
                                 _("BKO dibutuhkan")], ST.head)
        row += 2
        for sf in doc.shortfall:
            _table_row(ws, row, [sf["name"], sf["kecamatan"], sf["police"], sf["tni"], sf["posts"], sf["tps"],
                                 sf["bko"]], ST.box)
            row += 1
        row += 1
    ws.cell(row, 1, _("Pola per kelas TPS"), ST.bold)
    _table_row(ws, row + 1, [_("Kelas"), _("Polri per pos"), _("TPS per pos (maks.)"), _("TNI per pos"),
                             _("Linmas per pos")], ST.head)
    row += 2
    for cls in CLASSES:
        cp = doc.pattern.of(cls)
        _table_row(ws, row, [doc.label(cls), cp.police, cp.max_tps, cp.tni, cp.linmas], ST.box)
        row += 1
    ws.widths.update(enumerate([34, 30, 10, 10, 12, 10, 10, 10, 14], start=1))


def _section_sheet(sh: Sheet, doc: Document, s: Section) -> None:
    """One Polsek: a row per TPS, the post's columns merged over its TPS, the totals."""
    cols = _post_columns()
    kec = ", ".join(f"{n} ({c})" for c, n in s.kecamatan)
    row = _header(sh, doc, f"{s.unit} — {doc.title}")
    sh.cell(row - 1, 1, _("Kecamatan: %(kec)s") % {"kec": kec})
    head_row = row
    for i, (h, width) in enumerate(cols, start=1):
        sh.cell(row, i, h, ST.head_mid)
        sh.widths[i] = width
    row += 1
    for p in s.posts:
        row = _post_rows(sh, doc, p, row)
    _table_row(sh, row, [_("Jumlah"), f"{s.tps} TPS", f"{len(s.posts)} {_('pos')}", s.voters, "",
                         s.total("police"), s.total("tni"), s.total("linmas")], ST.box_bold)
    sh.freeze_row = head_row + 1
    sh.print_title_row = head_row


def _post_rows(sh: Sheet, doc: Document, p: PostLine, first: int) -> int:
    """The rows of one post (a row per TPS); the next free row."""
    members = p.tps or [TpsLine("", "", 0, p.cls, p.lat, p.lng)]
    row = first
    for t in members:
        sh.cell(row, 1, None, ST.tps)
        sh.cell(row, 2, t.code, ST.tps if p.covered else ST.tps_red)
        sh.cell(row, 3, t.address, ST.tps)
        sh.cell(row, 4, t.voters or None, ST.tps)
        sh.cell(row, 5, doc.label(t.cls), ST.tps)
        row += 1
    last = row - 1
    origin = p.pool or _("BELUM ADA")
    if p.tni_pool:
        origin += f"; {p.tni_pool}"
    remark = ([_("kurang personel")] if not p.covered else []) + ([_("diubah manual")] if p.edited else [])
    post_vals: dict[int, Any] = {
        # full precision: a post rounded to 6 decimals (5 cm) can land beyond the walking distance
        1: p.number, 6: p.police, 7: p.tni, 8: p.linmas, 9: p.lat, 10: p.lng,
        11: origin, 12: round(p.km, 2) if p.pool else None, 13: ", ".join(remark) or None,
    }
    for col, v in post_vals.items():
        style = ST.mid if col not in (11, 13) else (ST.tps_red if col == 11 and not p.pool else ST.tps)
        sh.cell(first, col, v, style)
        for r in range(first + 1, last + 1):
            sh.cell(r, col, None, ST.mid)
        if last > first:
            sh.merge(first, col, last)
    return row


def _unassigned_sheet(sh: Sheet, doc: Document) -> None:
    row = _header(sh, doc, _("TPS tanpa pos"))
    _table_row(sh, row, [_("TPS"), _("Alamat TPS"), _("DPT"), _("Kelas")], Style(bold=True, fill="DCE6F1"))
    for t in doc.unassigned:
        row += 1
        _table_row(sh, row, [t.code, t.address, t.voters, doc.label(t.cls)], Style())


# --- PDF ----------------------------------------------------------------------------------------------------


def to_html(doc: Document) -> str:
    from django.template.loader import render_to_string

    return render_to_string("deployment/annex.html", {"doc": doc, "totals": doc.totals()})


def to_pdf(doc: Document) -> bytes:
    """The annex as PDF (A4 landscape): the content of annex.html, laid out and written directly by
    praja/deployment/annex_pdf.py (about 0.1 s for a regency, where WeasyPrint took 20 s)."""
    from praja.deployment import annex_pdf

    return annex_pdf.render(doc)


# --- GeoJSON ------------------------------------------------------------------------------------------------


def to_geojson(doc: Document) -> dict[str, Any]:
    features = []
    for p in doc.posts:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.lng, p.lat]},  # full precision, as planned
            "properties": {
                "number": p.number,
                "code": p.code,
                "unit": p.unit,
                "kecamatan": p.kecamatan,
                "kecamatan_name": p.kecamatan_name,
                "class": p.cls,
                "police": p.police,
                "tni": p.tni,
                "linmas": p.linmas,
                "pool": p.pool or None,
                "km": p.km,
                "tni_pool": p.tni_pool or None,
                "tni_km": p.tni_km,
                "covered": p.covered,
                "edited_by_hand": p.edited,
                "tps": [t.code for t in p.tps],
                "voters": p.voters,
            },
        })
    return {
        "type": "FeatureCollection",
        "praja": {  # a foreign member (RFC 7946 section 6.1): what the file is, and what in it is generated
            "title": doc.title,
            "region": doc.region_label,
            "version": doc.version,
            "pattern": doc.pattern.name,
            "notes": doc.notes,
            "created": doc.created.isoformat() if doc.created else None,
        },
        "features": features,
    }
