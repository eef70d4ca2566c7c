"""Exports of a deployment plan: XLSX in the shape staff print, a PDF annex (A4 landscape), GeoJSON of posts.

All three are made from one `Document` (a section per Polsek, a line per post with its TPS), built by
`praja.deployment.services.document` from a stored plan (only what the person may see) or by the
command line from a plan it solved from files. Where TPS data was generated (the demo district), or
pool numbers are examples, every export says so in its header.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from praja.deployment.solver import CLASSES, Pattern, Settings


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


def to_xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    note_font = Font(italic=True, color="8A4B00")
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    red_fill = PatternFill("solid", fgColor="FDE0DF")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    middle = Alignment(vertical="center", horizontal="center", wrap_text=True)
    totals = doc.totals()

    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = sheet_name(_("Ringkasan"), used)

    def header(sheet: Any, title: str, width: int) -> int:
        sheet.cell(row=1, column=1, value=title).font = title_font
        sheet.cell(row=2, column=1, value=f"{doc.region_label} · {doc.version}")
        when = doc.created.strftime("%d-%m-%Y %H:%M") if doc.created else ""
        sheet.cell(row=3, column=1, value=_("Dibuat oleh Praja %(when)s") % {"when": when})
        row = 4
        for n in doc.notes:
            c = sheet.cell(row=row, column=1, value=n)
            c.font = note_font
            row += 1
        return row + 1

    # --- summary sheet
    row = header(ws, f"{doc.title} — {_('Ringkasan')}", 9)
    ratio = totals["ratio"]
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
            (_("Rasio terhadap batas bawah"), ratio),
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
    for k, v in facts:
        ws.cell(row=row, column=1, value=k).font = bold
        ws.cell(row=row, column=2, value=v)
        row += 1
    row += 1
    heads = [_("Polsek"), _("Kecamatan"), _("Pos"), _("TPS"), _("DPT"), _("Polri"), _("TNI"), _("Linmas"),
             _("TPS belum terpenuhi")]
    for i, h in enumerate(heads, start=1):
        c = ws.cell(row=row, column=i, value=h)
        c.font, c.fill, c.border = bold, head_fill, box
    row += 1
    for s in doc.sections:
        vals = [s.unit, ", ".join(n for _c, n in s.kecamatan), len(s.posts), s.tps, s.voters, s.total("police"),
                s.total("tni"), s.total("linmas"), s.uncovered]
        for i, v in enumerate(vals, start=1):
            c = ws.cell(row=row, column=i, value=v)
            c.border = box
            if i == 9 and v:
                c.fill = red_fill
        row += 1
    vals = [_("Jumlah"), "", totals["posts"], totals["tps"], totals["voters"], totals["officers"], totals["soldiers"],
            totals["linmas"], totals["uncovered"]]
    for i, v in enumerate(vals, start=1):
        c = ws.cell(row=row, column=i, value=v)
        c.font, c.border = bold, box
    row += 2
    if doc.shortfall:
        ws.cell(row=row, column=1, value=_("Kekurangan personel per kecamatan")).font = bold
        row += 1
        heads = [_("Kecamatan"), _("Kode"), _("Polri kurang"), _("TNI kurang"), _("Pos"), _("TPS"), _("BKO dibutuhkan")]
        for i, h in enumerate(heads, start=1):
            c = ws.cell(row=row, column=i, value=h)
            c.font, c.fill, c.border = bold, head_fill, box
        row += 1
        for sf in doc.shortfall:
            for i, v in enumerate([sf["name"], sf["kecamatan"], sf["police"], sf["tni"], sf["posts"], sf["tps"],
                                   sf["bko"]], start=1):
                ws.cell(row=row, column=i, value=v).border = box
            row += 1
        row += 1
    ws.cell(row=row, column=1, value=_("Pola per kelas TPS")).font = bold
    row += 1
    for i, h in enumerate([_("Kelas"), _("Polri per pos"), _("TPS per pos (maks.)"), _("TNI per pos"),
                           _("Linmas per pos")], start=1):
        c = ws.cell(row=row, column=i, value=h)
        c.font, c.fill, c.border = bold, head_fill, box
    row += 1
    for cls in CLASSES:
        cp = doc.pattern.of(cls)
        for i, v in enumerate([doc.label(cls), cp.police, cp.max_tps, cp.tni, cp.linmas], start=1):
            ws.cell(row=row, column=i, value=v).border = box
        row += 1
    for i, w in enumerate([34, 30, 10, 10, 12, 10, 10, 10, 14], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _print_setup(ws)

    # --- a sheet per Polsek. Styles are set once on a scratch cell and copied (openpyxl hashes every
    # style object it is given: copying the style array instead keeps a regency of 4,000 TPS fast).
    scratch = wb.create_sheet("_")

    def proto(**style: Any) -> Any:
        c = scratch.cell(row=1, column=1)
        c.font, c.fill, c.border, c.alignment = Font(), PatternFill(), Border(), Alignment()
        for k, v in style.items():
            setattr(c, k, v)
        return copy(c._style)

    st_tps = proto(border=box, alignment=wrap)
    st_tps_red = proto(border=box, alignment=wrap, fill=red_fill)
    st_mid = proto(border=box, alignment=middle)
    st_wrap = proto(border=box, alignment=wrap)
    st_wrap_red = proto(border=box, alignment=wrap, fill=red_fill)
    wb.remove(scratch)
    cols = _post_columns()
    for s in doc.sections:
        sh = wb.create_sheet(sheet_name(s.unit, used))
        kec = ", ".join(f"{n} ({c})" for c, n in s.kecamatan)
        row = header(sh, f"{s.unit} — {doc.title}", len(cols))
        sh.cell(row=row - 1, column=1, value=_("Kecamatan: %(kec)s") % {"kec": kec})
        head_row = row
        for i, (h, width) in enumerate(cols, start=1):
            c = sh.cell(row=row, column=i, value=h)
            c.font, c.fill, c.border, c.alignment = bold, head_fill, box, middle
            sh.column_dimensions[get_column_letter(i)].width = width
        row += 1
        for p in s.posts:
            first = row
            members = p.tps or [TpsLine("", "", 0, p.cls, p.lat, p.lng)]
            for t in members:
                vals = [None, t.code, t.address, t.voters or None, doc.label(t.cls)]
                for i, v in enumerate(vals, start=1):
                    c = sh.cell(row=row, column=i, value=v)
                    c._style = copy(st_tps_red if (i == 2 and not p.covered) else st_tps)
                row += 1
            last = row - 1
            origin = p.pool or _("BELUM ADA")
            if p.tni_pool:
                origin += f"; {p.tni_pool}"
            remark = []
            if not p.covered:
                remark.append(_("kurang personel"))
            if p.edited:
                remark.append(_("diubah manual"))
            post_vals: dict[int, Any] = {
                1: p.number, 6: p.police, 7: p.tni, 8: p.linmas, 9: round(p.lat, 6), 10: round(p.lng, 6),
                11: origin, 12: round(p.km, 2) if p.pool else None, 13: ", ".join(remark) or None,
            }
            for col, v in post_vals.items():
                style = st_mid if col not in (11, 13) else (st_wrap_red if col == 11 and not p.pool else st_wrap)
                sh.cell(row=first, column=col, value=v)._style = copy(style)
                for r in range(first + 1, last + 1):
                    sh.cell(row=r, column=col)._style = copy(st_mid)
                if last > first:  # the range alone: openpyxl's merge_cells re-styles every edge cell (slow)
                    sh.merged_cells.add(CellRange(min_col=col, min_row=first, max_col=col, max_row=last))
        tot = [_("Jumlah"), f"{s.tps} TPS", f"{len(s.posts)} {_('pos')}", s.voters, "", s.total("police"),
               s.total("tni"), s.total("linmas")]
        for i, v in enumerate(tot, start=1):
            c = sh.cell(row=row, column=i, value=v)
            c.font, c.border = bold, box
        sh.freeze_panes = sh.cell(row=head_row + 1, column=1)
        sh.print_title_rows = f"{head_row}:{head_row}"
        _print_setup(sh)
    if doc.unassigned:
        sh = wb.create_sheet(sheet_name(_("TPS tanpa pos"), used))
        row = header(sh, _("TPS tanpa pos"), 5)
        for i, h in enumerate([_("TPS"), _("Alamat TPS"), _("DPT"), _("Kelas")], start=1):
            c = sh.cell(row=row, column=i, value=h)
            c.font, c.fill = bold, head_fill
        for t in doc.unassigned:
            row += 1
            for i, v in enumerate([t.code, t.address, t.voters, doc.label(t.cls)], start=1):
                sh.cell(row=row, column=i, value=v)
    for sheet in wb.worksheets:  # Praja writes no formulas: text such as an address "=..." stays text
        for cell in sheet._cells.values():
            if cell.data_type == "f":
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _print_setup(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


# --- PDF ----------------------------------------------------------------------------------------------------


def to_html(doc: Document) -> str:
    from django.template.loader import render_to_string

    return render_to_string("deployment/annex.html", {"doc": doc, "totals": doc.totals()})


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    out: bytes = HTML(string=to_html(doc)).write_pdf()
    return out


# --- GeoJSON ------------------------------------------------------------------------------------------------


def to_geojson(doc: Document) -> dict[str, Any]:
    features = []
    for p in doc.posts:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(p.lng, 6), round(p.lat, 6)]},
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
