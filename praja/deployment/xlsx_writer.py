"""A small, fast XLSX writer for the plan workbooks (no Django).

The national plan writes about six million cells; openpyxl spends about 80 microseconds on each (its
object model and XML serialiser), this writer about two (the sheet's XML is joined as text). It writes
only what the plan workbooks use: text and numbers, a handful of cell styles (bold, italic, size, font
colour, fill, thin border, wrap, centred), merged ranges, column widths, a frozen header, print titles
and an A4 landscape page fitted to its width.

Safe by construction: every text is an inline string, never a formula (no <f> element is ever
written), and goes through praja.exports_safe (the one rule of every export: text starting like a formula
gets an apostrophe, so even a reader who edits the cell does not run it); characters XML cannot hold are
dropped.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from praja.exports_safe import text as safe_text

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    size: float = 11.0
    color: str = ""  # font colour, RRGGBB
    fill: str = ""  # solid fill, RRGGBB
    border: bool = False  # thin grey box
    wrap: bool = False
    center: bool = False  # centred both ways (and wrapped)


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_LETTERS = [column_letter(i) for i in range(1, 64)]


@dataclass
class Sheet:
    name: str
    book: Book
    rows: dict[int, dict[int, tuple[object, int]]] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    freeze_row: int = 0  # rows above this one stay on screen (0: none)
    print_title_row: int = 0  # this row repeats on every printed page (0: none)

    def cell(self, row: int, col: int, value: object, style: Style | None = None) -> None:
        self.rows.setdefault(row, {})[col] = (value, self.book.style_id(style) if style is not None else 0)

    def merge(self, row1: int, col: int, row2: int) -> None:
        """Merge one column over rows row1..row2."""
        letter = _LETTERS[col - 1]
        self.merges.append(f"{letter}{row1}:{letter}{row2}")

    def xml(self) -> str:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>']
        if self.freeze_row:
            out.append(f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{self.freeze_row - 1}" '
                       f'topLeftCell="A{self.freeze_row}" activePane="bottomLeft" state="frozen"/>'
                       '</sheetView></sheetViews>')
        else:
            out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        out.append('<sheetFormatPr defaultRowHeight="15"/>')
        if self.widths:
            out.append("<cols>")
            for c in sorted(self.widths):
                out.append(f'<col min="{c}" max="{c}" width="{self.widths[c]}" customWidth="1"/>')
            out.append("</cols>")
        out.append("<sheetData>")
        for r in sorted(self.rows):
            out.append(f'<row r="{r}">')
            cells = self.rows[r]
            for c in sorted(cells):
                value, s = cells[c]
                ref = f"{_LETTERS[c - 1]}{r}"
                st = f' s="{s}"' if s else ""
                if value is None or value == "":
                    if s:
                        out.append(f'<c r="{ref}"{st}/>')
                elif isinstance(value, bool):
                    out.append(f'<c r="{ref}"{st} t="b"><v>{int(value)}</v></c>')
                elif isinstance(value, (int, float)):
                    out.append(f'<c r="{ref}"{st}><v>{value!r}</v></c>')
                else:
                    text = escape(safe_text(_ILLEGAL.sub("", str(value))))
                    out.append(f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
            out.append("</row>")
        out.append("</sheetData>")
        if self.merges:
            out.append(f'<mergeCells count="{len(self.merges)}">')
            out.extend(f'<mergeCell ref="{m}"/>' for m in self.merges)
            out.append("</mergeCells>")
        out.append('<printOptions gridLines="0"/>'
                   '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
                   '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                   "</worksheet>")
        return "".join(out)


@dataclass
class Book:
    sheets: list[Sheet] = field(default_factory=list)
    _styles: dict[Style, int] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        s = Sheet(name, self)
        self.sheets.append(s)
        return s

    def style_id(self, style: Style) -> int:
        if style not in self._styles:
            self._styles[style] = len(self._styles) + 1  # 0 is the default style
        return self._styles[style]

    def _styles_xml(self) -> str:
        fonts = ['<font><sz val="11"/><name val="Calibri"/></font>']
        fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
        grey = '<color rgb="FF999999"/>'
        thin = "".join(f'<{side} style="thin">{grey}</{side}>' for side in ("left", "right", "top", "bottom"))
        borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>", f"<border>{thin}<diagonal/></border>"]
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for st, _i in sorted(self._styles.items(), key=lambda kv: kv[1]):
            font = "<font>" + ("<b/>" if st.bold else "") + ("<i/>" if st.italic else "") + f'<sz val="{st.size:g}"/>'
            font += (f'<color rgb="FF{st.color}"/>' if st.color else "") + '<name val="Calibri"/></font>'
            fonts.append(font)
            fill_id = 0
            if st.fill:
                fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{st.fill}"/>'
                             '<bgColor indexed="64"/></patternFill></fill>')
                fill_id = len(fills) - 1
            align = ""
            if st.center:
                align = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
            elif st.wrap:
                align = '<alignment vertical="top" wrapText="1"/>'
            xfs.append(f'<xf numFmtId="0" fontId="{len(fonts) - 1}" fillId="{fill_id}" '
                       f'borderId="{1 if st.border else 0}" xfId="0" applyFont="1" '
                       f'applyFill="{int(bool(st.fill))}" applyBorder="{int(st.border)}" '
                       f'applyAlignment="{int(bool(align))}">{align}</xf>')
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
                f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
                f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")

    def save(self) -> bytes:
        n = len(self.sheets)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("[Content_Types].xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                          for i in range(1, n + 1))
                + "</Types>"))
            z.writestr("_rels/.rels", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
            names = []
            for i, s in enumerate(self.sheets):
                if s.print_title_row:
                    quoted = "'" + s.name.replace("'", "''") + "'"
                    names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                                 f"{escape(quoted)}!${s.print_title_row}:${s.print_title_row}</definedName>")
            z.writestr("xl/workbook.xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<bookViews><workbookView/></bookViews><sheets>'
                + "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                          for i, s in enumerate(self.sheets, start=1))
                + "</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "") + "</workbook>"))
            z.writestr("xl/_rels/workbook.xml.rels", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                          f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
                + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/styles" Target="styles.xml"/></Relationships>'))
            z.writestr("xl/styles.xml", self._styles_xml())
            for i, s in enumerate(self.sheets, start=1):
                z.writestr(f"xl/worksheets/sheet{i}.xml", s.xml())
        return buf.getvalue()
