"""The plan's PDF annex (A4 landscape), laid out here and written by praja/deployment/pdf_writer.py.

The same document as the template deployment/annex.html (which `exports.to_html` still renders), in its
sizes, colours and words: the running header (title · region · version, "LAMPIRAN"), the footer (who made
it and when, the pointer to the notes, "Halaman n / N"), page 1 (title, the settings line, the notes box,
the facts, "Rekap per Polsek", the shortfall per kecamatan) and then each Polsek from a new page: its
heading and its posts table, whose column header repeats on every page and whose post keeps its TPS rows
together (the post's own cells once, over all of them, as the template's rowspan), uncovered TPS and posts
without a pool in red, the Polsek's sum row. Texts go through Django's translation with the template's
msgids; numbers through the template's helpers (the `num` filter's number_format, floatformat, localize).

Instead of WeasyPrint's 20 s for the demo regency's 133 pages, about 0.1 s: every line is placed here
by the measured advance widths of DejaVu Sans (no shaping, no kerning), long text is wrapped at spaces
(a word wider than its column is broken) and cut with an ellipsis after a few lines, so nothing runs into
the next column.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from praja.deployment import pdf_writer as pw

if TYPE_CHECKING:
    from praja.deployment.exports import Document, PostLine, Section

MM = 72 / 25.4
PAGE_W, PAGE_H = pw.A4_LANDSCAPE
MARGIN_Y, MARGIN_X = 14 * MM, 12 * MM  # @page { margin: 14mm 12mm }
X0, X1 = MARGIN_X, PAGE_W - MARGIN_X
TOP, BOTTOM = MARGIN_Y, PAGE_H - MARGIN_Y
WIDTH = X1 - X0
LEADING = 1.3  # body { font: 8.5pt/1.3 }
BORDER = 0.5  # table.grid th, td { border: .5pt }, collapsed: each row .5 pt taller, its text .5 pt lower
MAX_LINES = 6  # a cell's text beyond this many lines is cut with an ellipsis
ELLIPSIS = "…"

FONT_FILES = {
    "sans": ("DejaVuSans.ttf", "DejaVu Sans:style=Book"),
    "bold": ("DejaVuSans-Bold.ttf", "DejaVu Sans:style=Bold"),
    "mono": ("DejaVuSansMono.ttf", "DejaVu Sans Mono:style=Book"),
    "mono_bold": ("DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono:style=Bold"),
}

INK = pw.rgb("#111")
GREY = pw.rgb("#444")
MUTED = pw.rgb("#555")
FOOT = pw.rgb("#777")
RED = pw.rgb("#8e1512")
RED_BG = pw.rgb("#fde0df")
GREEN = pw.rgb("#1f7a3d")
HEAD_BG = pw.rgb("#dce6f1")
SUM_BG = pw.rgb("#f1f4f8")
NOTE_INK, NOTE_BG, NOTE_RULE = pw.rgb("#7a4300"), pw.rgb("#fff4e0"), pw.rgb("#e0b56b")
RULE = pw.rgb("#888")

# table.posts: <colgroup> widths in per cent of the table
POST_COLUMNS = (4, 12, 35, 6, 7, 4, 4, 5, 8, 11, 4)
LEFT, CENTRE, RIGHT = 0, 1, 2


@lru_cache(maxsize=1)
def fonts() -> dict[str, pw.Font]:
    """DejaVu Sans, Sans Bold, Sans Mono and Mono Bold (the Makefile installs fonts-dejavu-core)."""
    return {key: pw.load_font(str(pw.find_font(name, pattern))) for key, (name, pattern) in FONT_FILES.items()}


class St:
    """A text style: font, size, colour; its line height (1.3 x size) and the baseline within a line."""

    __slots__ = ("use", "font", "size", "colour", "lh", "base", "above", "below", "space", "_widths")

    def __init__(self, use: pw.FontUse, size: float, colour: str) -> None:
        self.use, self.font, self.size, self.colour = use, use.font, size, colour
        self.lh = LEADING * size
        asc, desc = use.font.ascent * size / 1000, -use.font.descent * size / 1000
        half = (self.lh - asc - desc) / 2
        self.base = half + asc
        self.above, self.below = half + asc, half + desc
        self.space = use.font.widths[" "] * size / 1000
        self._widths: dict[str, float] = {}  # of short texts (numbers, labels, words): they come back

    def width(self, text: str) -> float:
        w = self._widths.get(text)
        if w is None:
            w = sum(map(self.font.widths.__getitem__, text)) * self.size / 1000
            if len(text) <= 12:
                self._widths[text] = w
        return w

    def fit(self, text: str, width: float) -> str:
        """`text` cut with an ellipsis to `width` (whole when it fits)."""
        if self.width(text) <= width:
            return text
        w = self.font.widths
        budget = width * 1000 / self.size - w[ELLIPSIS]
        used, n = 0.0, 0
        for ch in text:
            used += w[ch]
            if used > budget:
                break
            n += 1
        return text[:n].rstrip() + ELLIPSIS

    def wrap(self, text: str, width: float, max_lines: int = MAX_LINES) -> list[str]:
        """`text` in lines no wider than `width`: broken at spaces, a longer word broken anywhere; after
        `max_lines` lines the rest is cut with an ellipsis."""
        if self.width(text) <= width:
            return [text]
        lines: list[str] = []
        cur, cur_w = "", 0.0
        for word in text.split():
            ww = self.width(word)
            if cur and cur_w + self.space + ww <= width:
                cur += " " + word
                cur_w += self.space + ww
                continue
            if cur:
                lines.append(cur)
            while ww > width:  # a word wider than the column: as much as fits on each line
                head = self.fit(word, width)[:-1] or word[:1]
                lines.append(head)
                word = word[len(head):]
                ww = self.width(word)
            cur, cur_w = word, ww
        if cur:
            lines.append(cur)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1] + " " + ELLIPSIS, width)
        return lines


Run = tuple[str, St]
Frag = tuple[float, str, St]  # offset from the line's start, text, style


class Line:
    """A laid-out line of one or more styles: its fragments, width, height and baseline."""

    __slots__ = ("frags", "width", "height", "base")

    def __init__(self, frags: list[Frag], width: float, strut: St) -> None:
        self.frags, self.width = frags, width
        above = max([strut.above] + [f[2].above for f in frags])
        below = max([strut.below] + [f[2].below for f in frags])
        self.height, self.base = above + below, above


def wrap_runs(runs: list[Run], width: float, strut: St, max_lines: int = MAX_LINES) -> list[Line]:
    """Text of several styles (a heading with a muted part, a name with its code) wrapped at spaces; text
    of two styles with no space between them ("0" + "; Koramil") is not broken there."""
    atoms: list[tuple[list[Run], float, float]] = []  # glued pieces, their width, the space before them
    space_before = False
    for text, st in runs:
        for i, part in enumerate(text.split(" ")):
            if i:
                space_before = True
            if not part:
                continue
            if atoms and not space_before:
                pieces, w, gap = atoms[-1]
                atoms[-1] = (pieces + [(part, st)], w + st.width(part), gap)
            else:
                atoms.append(([(part, st)], st.width(part), st.space if atoms else 0.0))
            space_before = False
    lines: list[Line] = []
    frags: list[Frag] = []
    x = 0.0
    for pieces, ww, space in atoms:
        gap = space if frags else 0.0
        if frags and x + gap + ww > width:
            lines.append(Line(frags, x, strut))
            frags, x, gap = [], 0.0, 0.0
        if not frags and ww > width and len(pieces) == 1:  # a word wider than the line: broken anywhere
            word, st = pieces[0]
            while ww > width:
                head = st.fit(word, width)[:-1] or word[:1]
                lines.append(Line([(0.0, head, st)], st.width(head), strut))
                word = word[len(head):]
                ww = st.width(word)
            pieces = [(word, st)]
        elif not frags and ww > width:  # glued pieces of several styles wider than the line: cut
            room, cut = width, []
            for part, st in pieces:
                part = st.fit(part, room)
                cut.append((part, st))
                room -= st.width(part)
                if part.endswith(ELLIPSIS):
                    break
            pieces = cut
        x += gap
        for part, st in pieces:
            if frags and frags[-1][2] is st:
                off, prev, _st = frags[-1]
                frags[-1] = (off, prev + (" " if gap else "") + part, st)
            else:
                frags.append((x, part, st))
            x += st.width(part)
            gap = 0.0
    if frags or not lines:
        lines.append(Line(frags, x, strut))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        off, text, st = last.frags[-1]
        text = st.fit(text + " " + ELLIPSIS, width - off)
        last.frags[-1] = (off, text, st)
        last.width = off + st.width(text)
    return lines


class Cell:
    """A cell of a grid table: its runs, alignment, fill, how many columns it spans, a style for its strut."""

    __slots__ = ("runs", "align", "fill", "span", "strut", "lines")

    def __init__(self, runs: list[Run], strut: St, align: int = LEFT, fill: str = "", span: int = 1) -> None:
        self.runs, self.strut, self.align, self.fill, self.span = runs, strut, align, fill, span
        self.lines: list[Line] = []


_EXPONENTS = {p: Decimal(1).scaleb(-p) for p in range(8)}


class Annex:
    """One annex being laid out: the PDF, its styles, the page being filled and the y where it goes on."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        f = fonts()
        self.pdf = pw.Pdf(title=f"{doc.title} · {doc.region_label}", rule_colour=RULE,
                          created=_local(doc.created) if doc.created else None)
        sans, bold = self.pdf.font(f["sans"]), self.pdf.font(f["bold"])
        mono, mono_bold = self.pdf.font(f["mono"]), self.pdf.font(f["mono_bold"])
        self.sans, self.bold = sans, bold
        self.h1 = St(bold, 14, INK)
        self.h2, self.h2_muted = St(bold, 11, INK), St(bold, 11, MUTED)
        self.body, self.body_grey, self.body_bold = St(sans, 8.5, INK), St(sans, 8.5, GREY), St(bold, 8.5, INK)
        self.note = St(sans, 8.5, NOTE_INK)
        self.short = St(bold, 8.5, RED)
        self.proved = St(bold, 8.5, GREEN)
        self.code = St(mono, 7, INK)
        self.td, self.td_bold, self.td_muted = St(sans, 7.5, INK), St(bold, 7.5, INK), St(sans, 7.5, MUTED)
        self.td_short, self.td_short_muted = St(bold, 7.5, RED), St(bold, 7.5, MUTED)
        self.td_code, self.td_code_short = St(mono, 7, INK), St(mono_bold, 7, RED)
        self.coord = St(mono, 6.5, INK)
        self.page = self.pdf.page()
        self.y = TOP
        self.page_top = True  # nothing placed on this page yet
        # numbers as the template prints them, remembered (the same few values come back on every page)
        self._num: dict[Any, str] = {}
        self._plain: dict[Any, str] = {}
        self._decimal_sep = str(formats.get_format("DECIMAL_SEPARATOR"))
        self._grouping = bool(settings.USE_THOUSAND_SEPARATOR)

    # --- numbers, as the template prints them ---------------------------------------------------------------

    def num(self, value: Any) -> str:
        """The `num` filter of praja_shell: number_format(decimal_pos=0, force_grouping=True) (4.042)."""
        out = self._num.get(value)
        if out is None:
            out = "–" if value is None or value == "" else formats.number_format(value, decimal_pos=0,
                                                                                 force_grouping=True)
            self._num[value] = out
        return out

    def plain(self, value: Any) -> str:
        """What {{ value }} prints: localize() (an int without grouping: 1234)."""
        out = self._plain.get(value)
        if out is None:
            if type(value) is int and not self._grouping:
                return str(value)  # what localize() gives an int without USE_THOUSAND_SEPARATOR
            out = "" if value is None else str(formats.localize(value))
            self._plain[value] = out
        return out

    def floatformat(self, value: float, places: int) -> str:
        """Django's floatformat:places (ROUND_HALF_UP on the number's repr, localized decimal separator), without
        its per-call overhead; values of 1,000 and more (grouping) go through Django's own."""
        try:
            d = Decimal(repr(float(value))).quantize(_EXPONENTS[places], ROUND_HALF_UP)
        except (InvalidOperation, ValueError, TypeError, KeyError):
            return _django_floatformat(value, places)
        if not d.is_finite() or abs(d) >= 1000:
            return _django_floatformat(value, places)
        s = f"{d:f}"
        if d == 0 and s.startswith("-"):
            s = s[1:]
        return s.replace(".", self._decimal_sep)

    # --- pages and flowing text ---------------------------------------------------------------------------

    def new_page(self) -> None:
        self.page = self.pdf.page()
        self.y = TOP
        self.page_top = True

    def room(self) -> float:
        return BOTTOM - self.y

    def lines(self, lines: list[Line], x: float, y: float, width: float, align: int) -> None:
        page = self.page
        for line in lines:
            lx = x if align == LEFT else (x + width - line.width if align == RIGHT else x + (width - line.width) / 2)
            base = y + line.base
            for off, text, st in line.frags:
                page.text(lx + off, base, st.use, st.size, text, st.colour)
            y += line.height

    def paragraph(self, runs: list[Run], strut: St, margin_top: float = 0.0, margin_bottom: float = 0.0,
                  x: float = X0, width: float = WIDTH, keep: float = 0.0) -> None:
        """A block of text over the page's width; `keep`: room it needs below it (a heading's table)."""
        lines = wrap_runs(runs, width, strut, max_lines=1000)
        first = lines[0].height + keep
        if not self.page_top:
            self.y += margin_top
        if self.room() < first:
            self.new_page()
        for line in lines:
            if self.room() < line.height:
                self.new_page()
            self.lines([line], x, self.y, width, LEFT)
            self.y += line.height
        self.y += margin_bottom
        self.page_top = False

    # --- the document --------------------------------------------------------------------------------------

    def render(self) -> bytes:
        doc = self.doc
        self.summary()
        for s in doc.sections:
            self.section(s)
        self.running_texts()
        return self.pdf.save()

    def summary(self) -> None:
        doc = self.doc
        totals = doc.totals()
        self.paragraph([(doc.title, self.h1)], self.h1, margin_bottom=2 * MM)
        share = round(float(doc.settings.reserve_share) / 1 * 100)  # {% widthratio share 1 100 %}
        sub = (f"{doc.region_label} · {doc.version} · {_('Pola')} {doc.pattern.name} · {_('jarak jalan kaki')} "
               f"{formats.localize(doc.settings.walking_km)} km · {_('cadangan')} {share}%")
        self.paragraph([(sub, self.body_grey)], self.body_grey, margin_bottom=3 * MM)
        if doc.notes:
            self.notes(doc.notes)
        self.facts(totals)
        self.y += 4 * MM  # h2 style="margin-top:4mm"
        self.recap(totals)
        if doc.shortfall:
            self.shortfall()

    def notes(self, notes: list[str]) -> None:
        pad_y, pad_x, border = 2 * MM, 3 * MM, 0.75
        inner = WIDTH - 2 * (pad_x + border)
        lines = [line for n in notes for line in wrap_runs([(n, self.note)], inner, self.note, max_lines=1000)]
        height = sum(line.height for line in lines) + 2 * (pad_y + border)
        if self.room() < height and not self.page_top:
            self.new_page()
        self.page.box(X0 + border / 2, self.y + border / 2, WIDTH - border, height - border, NOTE_BG, NOTE_RULE,
                      border)
        self.lines(lines, X0 + border + pad_x, self.y + border + pad_y, inner, LEFT)
        self.y += height + 4 * MM
        self.page_top = False

    def facts(self, totals: dict[str, Any]) -> None:
        """The two tables of facts side by side (.facts: flex, 8 mm apart)."""
        doc = self.doc
        left: list[tuple[str, list[Run], bool]] = [
            (_("TPS"), [(self.num(totals["tps"]), self.body_bold)], False),
            (_("DPT"), [(self.num(totals["voters"]), self.body_bold)], False),
            (_("Pos pengamanan"), [(self.num(totals["posts"]), self.body_bold)], False),
            (_("Personel Polri"), [(self.num(totals["officers"]), self.body_bold)], False),
        ]
        if doc.lower_bound is not None:
            bound: list[Run] = [(self.num(doc.lower_bound), self.body_bold)]
            if doc.lower_bound == totals["officers"]:
                bound.append((f" ({_('terbukti optimal')})", self.proved))
            left.append((_("Batas bawah Polri"), bound, False))
        right: list[tuple[str, list[Run], bool]] = [
            (_("Personel TNI"), [(self.num(totals["soldiers"]), self.body_bold)], False),
            (_("Linmas"), [(self.num(totals["linmas"]), self.body_bold)], False),
            (_("Jarak tempuh total"), [(f"{_django_floatformat(totals['km_total'], 1)} km", self.body_bold)], False),
            (_("Jarak tempuh terjauh"), [(f"{_django_floatformat(totals['km_max'], 2)} km", self.body_bold)], False),
            (_("TPS belum terpenuhi"), [(self.num(totals["uncovered"]), self.short if totals["uncovered"]
                                         else self.body_bold)], bool(totals["uncovered"])),
        ]
        if doc.bko_needed is not None:
            right.append((_("BKO dibutuhkan"), [(self.num(doc.bko_needed), self.body_bold)], False))
        pad_y, gap_th = 0.6 * MM, 4 * MM
        row_h = self.body.lh + 2 * pad_y
        height = max(len(left), len(right)) * row_h
        if self.room() < height and not self.page_top:
            self.new_page()
        x = X0
        for rows in (left, right):
            th_w = max(self.body_grey.width(label) for label, _runs, _s in rows) + gap_th
            laid = [(label, wrap_runs(runs, WIDTH, self.body), short) for label, runs, short in rows]
            td_w = max(lines[0].width for _l, lines, _s in laid)
            y = self.y
            for label, lines, short in laid:
                if short:
                    self.page.fill(x + th_w, y, td_w, row_h, RED_BG)
                self.page.text(x, y + pad_y + self.body_grey.base, self.sans, 8.5, label, GREY)
                self.lines(lines, x + th_w, y + pad_y, td_w, RIGHT)
                y += row_h
            x += th_w + td_w + 8 * MM
        self.y += height
        self.page_top = False

    # --- grid tables ---------------------------------------------------------------------------------------

    def auto_widths(self, head: list[Cell], rows: list[list[Cell]], pad_x: float, head_pad_x: float) -> list[float]:
        """table-layout: auto over the page's width: each column between its longest word and its longest
        line; room to spare shared out in proportion to the longest lines."""
        n = len(head)
        lo, hi = [0.0] * n, [0.0] * n
        for cells, pad in [(head, head_pad_x)] + [(r, pad_x) for r in rows]:
            col = 0
            for c in cells:
                if c.span == 1:
                    text_w = sum(st.width(t) for t, st in c.runs)
                    word_w = max((st.width(w) for t, st in c.runs for w in t.split()), default=0.0)
                    hi[col] = max(hi[col], text_w + 2 * pad)
                    lo[col] = max(lo[col], word_w + 2 * pad)
                col += c.span
        total_hi, total_lo = sum(hi), sum(lo)
        if total_hi <= WIDTH:
            return [h + (WIDTH - total_hi) * h / total_hi for h in hi]
        if total_lo >= WIDTH:
            return [w * WIDTH / total_lo for w in lo]
        share = (WIDTH - total_lo) / (total_hi - total_lo)
        return [lo_ + (hi_ - lo_) * share for lo_, hi_ in zip(lo, hi, strict=True)]

    def row_height(self, cells: list[Cell], xs: list[float], pad_x: float, pad_y: float) -> float:
        col, height = 0, 0.0
        for c in cells:
            width = xs[col + c.span] - xs[col] - 2 * pad_x
            c.lines = wrap_runs(c.runs, width, c.strut) if c.runs else []
            height = max(height, sum(line.height for line in c.lines) if c.lines else c.strut.lh)
            col += c.span
        return height + 2 * pad_y + BORDER

    def draw_row(self, cells: list[Cell], xs: list[float], y: float, height: float, pad_x: float,
                 pad_y: float, row_fill: str = "") -> None:
        page = self.page
        if row_fill:
            page.fill(xs[0], y, xs[-1] - xs[0], height, row_fill)
        col = 0
        for c in cells:
            x, x2 = xs[col], xs[col + c.span]
            if c.fill:
                page.fill(x, y, x2 - x, height, c.fill)
            page.vline(x, y, y + height)
            if c.lines:
                self.lines(c.lines, x + pad_x, y + pad_y + BORDER, x2 - x - 2 * pad_x, c.align)
            col += c.span
        page.vline(xs[-1], y, y + height)
        page.hline(xs[0], xs[-1], y + height)

    def grid(self, head: list[Cell], rows: list[list[Cell]], fills: list[str], widths: list[float],
             pad_x: float = 1.5 * MM, pad_y: float = 0.8 * MM, keep: float = 0.0) -> None:
        """A table.grid: head on every page it spans, rows never split; `fills` per row ('' for none)."""
        xs = [X0]
        for w in widths:
            xs.append(xs[-1] + w)
        head_pad_x, head_pad_y = 1.5 * MM, 0.8 * MM
        head_h = self.row_height(head, xs, head_pad_x, head_pad_y)
        heights = [self.row_height(r, xs, pad_x, pad_y) for r in rows]
        need = head_h + (heights[0] if heights else 0.0) + keep
        if self.room() < need and not self.page_top:
            self.new_page()
        self.table_head(head, xs, head_h, head_pad_x, head_pad_y)
        for cells, h, fill in zip(rows, heights, fills, strict=True):
            if self.room() < h:
                self.new_page()
                self.table_head(head, xs, head_h, head_pad_x, head_pad_y)
            self.draw_row(cells, xs, self.y, h, pad_x, pad_y, fill)
            self.y += h
        self.y += 4 * MM  # table.grid { margin-bottom: 4mm }
        self.page_top = False

    def table_head(self, head: list[Cell], xs: list[float], height: float, pad_x: float, pad_y: float) -> None:
        self.page.hline(xs[0], xs[-1], self.y)
        self.draw_row(head, xs, self.y, height, pad_x, pad_y, HEAD_BG)
        self.y += height
        self.page_top = False

    def head_cells(self, labels: list[str], st: St) -> list[Cell]:
        return [Cell([(label, st)], st, CENTRE) for label in labels]

    def recap(self, totals: dict[str, Any]) -> None:
        """Rekap per Polsek: a row per section and the sum row."""
        doc, body, num = self.doc, self.body, self.num
        head = self.head_cells([_("Polsek"), _("Kecamatan"), _("Pos"), _("TPS"), _("DPT"), _("Polri"), _("TNI"),
                                _("Linmas"), _("TPS belum terpenuhi")], self.body_bold)
        rows: list[list[Cell]] = []
        for s in doc.sections:
            rows.append([Cell([(s.unit, body)], body), Cell([(", ".join(n for _c, n in s.kecamatan), body)], body)]
                        + [Cell([(v, body)], body, RIGHT) for v in (
                            num(len(s.posts)), num(s.tps), num(s.voters), self.plain(s.total_police),
                            self.plain(s.total_tni), self.plain(s.total_linmas))]
                        + [Cell([(num(s.uncovered), self.short if s.uncovered else body)], body, RIGHT,
                                RED_BG if s.uncovered else "")])
        bold = self.body_bold
        rows.append([Cell([(_("Jumlah"), bold)], bold, span=2)] + [Cell([(num(v), bold)], bold, RIGHT) for v in (
            totals["posts"], totals["tps"], totals["voters"], totals["officers"], totals["soldiers"],
            totals["linmas"], totals["uncovered"])])
        fills = [""] * (len(rows) - 1) + [SUM_BG]
        widths = self.auto_widths(head, rows, 1.5 * MM, 1.5 * MM)
        self.paragraph([(_("Rekap per Polsek"), self.h2)], self.h2, margin_bottom=2 * MM,
                       keep=self._first_row_need(head, rows, widths))
        self.grid(head, rows, fills, widths)

    def _first_row_need(self, head: list[Cell], rows: list[list[Cell]], widths: list[float]) -> float:
        """Room for a table's head and first row (an h2 keeps with them: page-break-after: avoid)."""
        xs = [X0]
        for w in widths:
            xs.append(xs[-1] + w)
        need = self.row_height(head, xs, 1.5 * MM, 0.8 * MM)
        return need + (self.row_height(rows[0], xs, 1.5 * MM, 0.8 * MM) if rows else 0.0) + 2 * MM

    def shortfall(self) -> None:
        body, code = self.body, self.code
        head = self.head_cells([_("Kecamatan"), _("Polri kurang"), _("TNI kurang"), _("Pos"), _("TPS"),
                                _("BKO dibutuhkan")], self.body_bold)
        rows: list[list[Cell]] = []
        fills: list[str] = []
        for s in self.doc.shortfall:
            rows.append([Cell([(f"{s.get('name', '')} ", body), (str(s.get("kecamatan", "")), code)], body)]
                        + [Cell([(self.plain(s.get(k, "")), body)], body, RIGHT)
                           for k in ("police", "tni", "posts", "tps")]
                        + [Cell([(self.plain(s.get("bko", "")), self.short)], body, RIGHT, RED_BG)])
            fills.append("")
        widths = self.auto_widths(head, rows, 1.5 * MM, 1.5 * MM)
        self.paragraph([(_("Kekurangan personel per kecamatan"), self.h2)], self.h2, margin_bottom=2 * MM,
                       keep=self._first_row_need(head, rows, widths))
        self.grid(head, rows, fills, widths)

    # --- a section (Polsek): its posts ---------------------------------------------------------------------

    def section(self, s: Section) -> None:
        self.new_page()  # .section { page-break-before: always }
        kec = ", ".join(f"{_('Kec.')} {n}" for _c, n in s.kecamatan)
        pos = _("pos")
        self.paragraph([(f"{s.unit} ", self.h2), (f"· {kec} · {self.plain(len(s.posts))} {pos} · "
                                                  f"{self.plain(s.tps)} TPS", self.h2_muted)],
                       self.h2, margin_bottom=2 * MM)
        Posts(self, s).render()

    # --- running header and footer -------------------------------------------------------------------------

    def running_texts(self) -> None:
        doc = self.doc
        head_st, head_right = St(self.sans, 8, MUTED), St(self.bold, 8, MUTED)
        foot_st, foot_right = St(self.sans, 7.5, FOOT), St(self.sans, 7.5, MUTED)
        right_text = _("LAMPIRAN")
        left_text = f"{doc.title} · {doc.region_label} · {doc.version}"
        made = _("Dibuat oleh Praja")
        if doc.created:
            from django.template.defaultfilters import date as date_filter

            made += f" {date_filter(_local(doc.created), 'd-m-Y H:i')}"
        if doc.notes:
            made += f" · {_('lihat catatan di halaman 1')}"
        n = len(self.pdf.pages)
        pages_word = _("Halaman")
        right_w = head_right.width(right_text)
        left_text = head_st.fit(left_text, WIDTH - right_w - 6 * MM)
        # margin boxes: the text vertically centred in the 14 mm margin, with the font's normal line height
        head_base = _centred_baseline(head_st, 0.0, MARGIN_Y)
        foot_base = _centred_baseline(foot_st, BOTTOM, MARGIN_Y)
        for i, page in enumerate(self.pdf.pages, start=1):
            page.text(X0, head_base, head_st.use, 8, left_text, MUTED)
            page.text(X1 - right_w, head_base, head_right.use, 8, right_text, MUTED)
            counter = f"{pages_word} {i} / {n}"
            counter_w = foot_right.width(counter)
            page.text(X0, foot_base, foot_st.use, 7.5, foot_st.fit(made, WIDTH - counter_w - 6 * MM), FOOT)
            page.text(X1 - counter_w, foot_base, foot_right.use, 7.5, counter, MUTED)


class Posts:
    """A section's posts table: table.posts (fixed layout, 7.5 pt), a post's TPS rows kept together."""

    PAD_X, PAD_Y = 1.2 * MM, 0.5 * MM  # table.posts td
    HEAD_PAD_X, HEAD_PAD_Y = 1.5 * MM, 0.8 * MM  # table.grid th

    def __init__(self, annex: Annex, section: Section) -> None:
        self.a = annex
        self.s = section
        xs = [X0]
        for pct in POST_COLUMNS:
            xs.append(xs[-1] + WIDTH * pct / 100)
        self.xs = xs
        pad = 2 * self.PAD_X
        self.w = [xs[i + 1] - xs[i] - pad for i in range(len(POST_COLUMNS))]
        a = annex
        self.head = a.head_cells([_("No. Pos"), _("TPS"), _("Alamat TPS"), _("DPT"), _("Kelas"), _("Polri"),
                                  _("TNI"), _("Linmas"), _("Koordinat pos"), _("Asal personel"), _("Jarak (km)")],
                                 a.td_bold)
        self.head_h = a.row_height(self.head, xs, self.HEAD_PAD_X, self.HEAD_PAD_Y)
        self.block_top = TOP  # where the column rules of the posts on this page begin
        self._labels: dict[str, list[str]] = {}
        self._origins: dict[tuple[str, str, bool], list[Line]] = {}
        self.none_yet = _("BELUM ADA")
        self.edited = f" ({_('diubah manual')})"

    def render(self) -> None:
        a = self.a
        self.table_head()
        for p in self.s.posts:
            if p.tps:
                self.post(p)
        self.rules()
        # the sum row: "Jumlah · n pos · m TPS" over three columns, DPT, -, Polri, TNI, Linmas, three empty
        bold, s = a.td_bold, self.s
        label = f"{_('Jumlah')} · {a.plain(len(s.posts))} {_('pos')} · {a.plain(s.tps)} TPS"
        cells = [Cell([(label, bold)], bold, span=3), Cell([(a.num(s.voters), bold)], bold, RIGHT),
                 Cell([], bold), Cell([(a.plain(s.total_police), bold)], bold, RIGHT),
                 Cell([(a.plain(s.total_tni), bold)], bold, RIGHT),
                 Cell([(a.plain(s.total_linmas), bold)], bold, RIGHT),
                 Cell([], bold, span=3)]
        h = a.row_height(cells, self.xs, self.PAD_X, self.PAD_Y)
        if a.room() < h:
            self.page_break()
        a.draw_row(cells, self.xs, a.y, h, self.PAD_X, self.PAD_Y, SUM_BG)
        a.y += h + 4 * MM

    def table_head(self) -> None:
        self.a.table_head(self.head, self.xs, self.head_h, self.HEAD_PAD_X, self.HEAD_PAD_Y)
        self.block_top = self.a.y

    def rules(self) -> None:
        """The column rules of the posts placed on this page since the head: one line each."""
        a = self.a
        if a.y > self.block_top:
            for x in self.xs:
                a.page.vline(x, self.block_top, a.y)
        self.block_top = a.y

    def page_break(self) -> None:
        self.rules()
        self.a.new_page()
        self.table_head()

    def label_lines(self, label: str) -> list[str]:
        lines = self._labels.get(label)
        if lines is None:
            lines = self._labels[label] = self.a.td.wrap(label, self.w[4])
        return lines

    def origin_lines(self, p: PostLine) -> list[Line]:
        key = (p.pool, p.tni_pool, p.edited)
        lines = self._origins.get(key)
        if lines is None:
            a = self.a
            short = not p.pool
            st = a.td_short if short else a.td
            runs: list[Run] = [(p.pool or self.none_yet, st)]
            if p.tni_pool:
                runs.append((f"; {p.tni_pool}", st))
            if p.edited:
                runs.append((self.edited, a.td_short_muted if short else a.td_muted))
            lines = self._origins[key] = wrap_runs(runs, self.w[9], a.td)
        return lines

    def post(self, p: PostLine) -> None:
        a = self.a
        td, lh = a.td, a.td.lh
        code_st = a.td_code if p.covered else a.td_code_short
        w_code, w_addr = self.w[1], self.w[2]
        rows: list[tuple[str, list[str], str, list[str], float]] = []
        pad2 = 2 * self.PAD_Y + BORDER
        for t in p.tps:
            code = t.code if code_st.width(t.code) <= w_code else code_st.fit(t.code, w_code)
            address = td.wrap(t.address, w_addr) if t.address else []
            label = self.label_lines(t.cls_label)
            n = max(len(address), len(label), 1)
            rows.append((code, address, a.num(t.voters), label, n * lh + pad2))
        lat, lng = a.floatformat(p.lat, 5), a.floatformat(p.lng, 5)
        origin = self.origin_lines(p)
        span_h = max(2 * a.coord.lh, sum(line.height for line in origin), lh) + pad2
        total = sum(r[4] for r in rows)
        if span_h > total:  # the post's own cells are taller than its TPS rows: the last row grows
            code, address, dpt, label, h = rows[-1]
            rows[-1] = (code, address, dpt, label, h + span_h - total)
            total = span_h
        if a.room() < total:
            if total <= BOTTOM - TOP - self.head_h:
                self.page_break()
            else:  # taller than a page: its TPS rows over several pages, the post's cells on each
                self.split(p, rows, lat, lng, origin, span_h)
                return
        self.draw(p, rows, lat, lng, origin, total)

    def split(self, p: PostLine, rows: list[tuple[str, list[str], str, list[str], float]], lat: str, lng: str,
              origin: list[Line], span_h: float) -> None:
        a = self.a
        while rows:
            if not a.page_top and a.room() < max(rows[0][4], span_h):
                self.page_break()
            room, take, used = a.room(), 0, 0.0
            while take < len(rows) and used + rows[take][4] <= room:
                used += rows[take][4]
                take += 1
            take = max(take, 1)
            chunk, rows = rows[:take], rows[take:]
            total = sum(r[4] for r in chunk)
            if span_h > total:
                code, address, dpt, label, h = chunk[-1]
                chunk[-1] = (code, address, dpt, label, h + span_h - total)
                total = span_h
            self.draw(p, chunk, lat, lng, origin, total)
            if rows:
                self.page_break()

    def draw(self, p: PostLine, rows: list[tuple[str, list[str], str, list[str], float]], lat: str, lng: str,
             origin: list[Line], total: float) -> None:
        a, page, xs, w = self.a, self.a.page, self.xs, self.w
        y0 = a.y
        pad_x, pad_y = self.PAD_X, self.PAD_Y
        td, sans = a.td, a.td.use
        code_st = a.td_code if p.covered else a.td_code_short
        if not p.covered:
            page.fill(xs[1], y0, xs[2] - xs[1], total, RED_BG)
        if not p.pool:
            page.fill(xs[9], y0, xs[10] - xs[9], total, RED_BG)
        # the post's own cells, once, at the top of the group
        top = y0 + pad_y + BORDER
        number = a.plain(p.number)
        bold = a.td_bold
        page.text(xs[0] + (xs[1] - xs[0] - bold.width(number)) / 2, top + bold.base, bold.use, 7.5, number, INK)
        base = top + td.base
        for col, value in ((5, p.police), (6, p.tni), (7, p.linmas)):
            text = a.plain(value)
            page.text(xs[col + 1] - pad_x - td.width(text), base, sans, 7.5, text, INK)
        coord = a.coord
        page.text(xs[8] + pad_x, top + coord.base, coord.use, 6.5, coord.fit(f"{lat},", w[8]), INK)
        page.text(xs[8] + pad_x, top + coord.lh + coord.base, coord.use, 6.5, coord.fit(lng, w[8]), INK)
        a.lines(origin, xs[9] + pad_x, top, w[9], LEFT)
        if p.pool:
            km = a.floatformat(p.km, 2)
            page.text(xs[11] - pad_x - td.width(km), base, sans, 7.5, km, INK)
        # the TPS rows
        y = y0
        lh = td.lh
        code_use, code_size, code_colour = code_st.use, code_st.size, code_st.colour
        last = len(rows) - 1
        for i, (code, address, dpt, label, h) in enumerate(rows):
            top = y + pad_y + BORDER
            base = top + td.base
            page.text(xs[1] + pad_x, top + code_st.base, code_use, code_size, code, code_colour)
            ly = base
            for line in address:
                page.text(xs[2] + pad_x, ly, sans, 7.5, line, INK)
                ly += lh
            page.text(xs[4] - pad_x - td.width(dpt), base, sans, 7.5, dpt, INK)
            ly = base
            for line in label:
                page.text(xs[4] + pad_x, ly, sans, 7.5, line, INK)
                ly += lh
            y += h
            if i < last:
                page.hline(xs[1], xs[5], y)
        page.hline(xs[0], xs[-1], y0 + total)
        a.y = y0 + total
        a.page_top = False


def _centred_baseline(st: St, top: float, height: float) -> float:
    """The baseline of one line of `st` centred in a box (a page-margin box: line-height normal)."""
    asc, desc = st.font.ascent * st.size / 1000, -st.font.descent * st.size / 1000
    return top + (height - asc - desc) / 2 + asc


def _local(moment: datetime) -> datetime:
    """The moment in the current time zone, as the template's date filter shows it (template_localtime)."""
    from django.utils import timezone

    return timezone.localtime(moment) if settings.USE_TZ and timezone.is_aware(moment) else moment


def _django_floatformat(value: Any, places: int) -> str:
    """Django's floatformat with the language's thousands separator ("4.413,6 km")."""
    from django.template.defaultfilters import floatformat

    return str(floatformat(value, f"{places}g"))


def render(doc: Document) -> bytes:
    """The annex of `doc` as PDF bytes, in the active language."""
    return Annex(doc).render()
