"""A small, fast PDF writer for the plan annex (no Django).

WeasyPrint lays a regency's annex out in about 20 s (133 pages), so the country's 514 annexes took about 22
minutes. This writer takes the opposite road, like praja/deployment/xlsx_writer.py for the workbooks: the
caller places every piece of text and every rule itself (praja/deployment/annex_pdf.py) and each page's
content stream is joined as text. What it writes is only what the annex needs:

- pages of one size; filled and stroked rectangles, grid lines and text, in that order on every page
  (backgrounds first, then the rules, then one text object);
- TrueType fonts embedded as subsets (Type0 / CIDFontType2, Identity-H, CID = glyph id of the original
  font, CIDToGIDMap /Identity) with a /W width array and a ToUnicode CMap, so that text can be copied and
  extracted. fontTools (installed with WeasyPrint) reads the metrics and cuts the subset; the glyphs of
  printable ASCII are always kept, so most documents share one subset, cut once per process and cached;
- an uncompressed cross-reference table, FlateDecode streams, an /Info dictionary and a stable /ID.

Text is encoded glyph by glyph as hex strings: printable ASCII through two bytes.translate tables (about
0.6 µs for a 50-character address), any other character through a dictionary. No kerning, no shaping, no
bidirectional text: Latin script, as the annex holds.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

A4_LANDSCAPE = (841.8898, 595.2756)  # points: 297 x 210 mm

# Where Debian (fonts-dejavu-core), Fedora, Arch and Alpine put DejaVu; PRAJA_FONT_DIR first when set, then
# fontconfig (fc-match) as the last resort.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu-sans-mono-fonts",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
)

_PRINTABLE_ASCII = "".join(chr(c) for c in range(32, 127))
_SUBSET_CACHE: dict[tuple[str, frozenset[int]], bytes] = {}
_SUBSET_CACHE_SIZE = 32
_SUBSET_LOCK = threading.Lock()  # the web server's threads may write annexes at once (gthread workers)


class FontNotFound(RuntimeError):
    pass


def find_font(file_name: str, fc_pattern: str) -> Path:
    """The path of a font file: PRAJA_FONT_DIR, the usual font folders, then `fc-match`; a clear error else."""
    dirs = [d for d in (os.environ.get("PRAJA_FONT_DIR", ""),) if d] + list(FONT_DIRS)
    for d in dirs:
        p = Path(d) / file_name
        if p.is_file():
            return p
    fc = shutil.which("fc-match")
    if fc:
        try:
            found = subprocess.run([fc, "-f", "%{file}", fc_pattern], capture_output=True, text=True, timeout=10,
                                   check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).name == file_name and Path(found).is_file():
            return Path(found)
    raise FontNotFound(
        f"font {file_name} ({fc_pattern}) not found in {', '.join(dirs)} nor through fc-match: install the "
        "Debian package fonts-dejavu-core (`make system-packages`), or set PRAJA_FONT_DIR to a folder holding it"
    )


class _Missing(dict[str, float]):
    """Advance widths by character; a character the font lacks is drawn as .notdef and measured as such."""

    def __init__(self, data: dict[str, float], missing: float) -> None:
        super().__init__(data)
        self.missing = missing

    def __missing__(self, key: str) -> float:
        return self.missing


class _MissingHex(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "0000"


class Font:
    """A TrueType font: advance widths (1/1000 em) by character for layout, glyph ids for text, subsets."""

    def __init__(self, path: str | Path) -> None:
        from fontTools.ttLib import TTFont

        self.path = str(path)
        tt = TTFont(self.path, lazy=True)
        upm = tt["head"].unitsPerEm
        scale = 1000.0 / upm
        glyph_id = tt.getReverseGlyphMap()
        metrics = tt["hmtx"].metrics
        order = tt.getGlyphOrder()
        self.gid_width: dict[int, int] = {gid: round(metrics[name][0] * scale) for gid, name in enumerate(order)}
        cmap = tt.getBestCmap()
        gid_of = {chr(cp): glyph_id[name] for cp, name in cmap.items()}
        # control characters are drawn as spaces (a tab or a line break in an address)
        space = gid_of.get(" ", 0)
        for c in range(32):
            gid_of[chr(c)] = space
        gid_of["\x7f"] = space
        self.gid = gid_of
        self.widths = _Missing({ch: float(self.gid_width[g]) for ch, g in gid_of.items()}, float(self.gid_width[0]))
        self.hex = _MissingHex({ch: f"{g:04x}" for ch, g in gid_of.items()})
        ascii_gids = [gid_of.get(chr(c), 0) for c in range(128)]
        self.hi = bytes(g >> 8 for g in ascii_gids) + bytes(128)
        self.lo = bytes(g & 0xFF for g in ascii_gids) + bytes(128)
        self.ascii_gids = frozenset(gid_of[c] for c in _PRINTABLE_ASCII if c in gid_of) | {0}
        # the character each glyph stands for (ToUnicode): the lowest code point mapped to it
        self.unicode: dict[int, str] = {}
        for cp in sorted(cmap, reverse=True):
            self.unicode[glyph_id[cmap[cp]]] = chr(cp)
        hhea, head = tt["hhea"], tt["head"]
        self.ascent = float(hhea.ascent * scale)  # 1/1000 em
        self.descent = float(hhea.descent * scale)  # negative
        os2 = tt["OS/2"] if "OS/2" in tt else None
        self.cap_height = float((getattr(os2, "sCapHeight", 0) or hhea.ascent) * scale)
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        post = tt["post"]
        self.italic_angle = float(post.italicAngle)
        self.fixed_pitch = bool(post.isFixedPitch)
        self.ps_name = (tt["name"].getDebugName(6) or Path(self.path).stem).replace(" ", "")
        tt.close()

    def width(self, text: str, size: float) -> float:
        """The advance of `text` at `size` points, in points (no kerning)."""
        return sum(map(self.widths.__getitem__, text)) * size / 1000.0

    def subset(self, gids: frozenset[int]) -> bytes:
        """The font program with only these glyphs (ids kept: the others are empty), cached per process."""
        key = (self.path, gids)
        with _SUBSET_LOCK:
            data = _SUBSET_CACHE.get(key)
        if data is None:
            data = _cut_subset(self.path, gids)
            with _SUBSET_LOCK:
                if key not in _SUBSET_CACHE and len(_SUBSET_CACHE) >= _SUBSET_CACHE_SIZE:
                    _SUBSET_CACHE.pop(next(iter(_SUBSET_CACHE)))
                _SUBSET_CACHE[key] = data
        return data


def _cut_subset(path: str, gids: frozenset[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    tt = TTFont(path, lazy=True)
    # Tables a PDF viewer never reads; dropping the layout tables first spares fontTools decompiling them.
    for tag in ("GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM", "gasp", "hdmx", "LTSH", "VDMX", "DSIG"):
        if tag in tt:
            del tt[tag]
    opts = subset.Options()
    opts.retain_gids = True  # CID = original glyph id: text is encoded before the subset is known
    opts.hinting = False
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    opts.name_languages = [0x409]
    opts.layout_features = []
    s = subset.Subsetter(opts)
    s.populate(gids=sorted(gids))
    s.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    tt.close()
    return buf.getvalue()


@lru_cache(maxsize=16)
def load_font(path: str) -> Font:
    """One Font per file and process (reading the metrics of DejaVu Sans takes about 40 ms)."""
    return Font(path)


def rgb(hex_colour: str) -> str:
    """'#8e1512' or '#555' -> '0.557 0.082 0.071', the operands of `rg` / `RG`."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return " ".join(f"{int(h[i:i + 2], 16) / 255:.3f}".rstrip("0").rstrip(".") or "0" for i in (0, 2, 4))


class FontUse:
    """A font as one document uses it: its resource name and the characters beyond ASCII drawn with it."""

    __slots__ = ("font", "name", "used", "drawn", "short")

    def __init__(self, font: Font, name: str) -> None:
        self.font = font
        self.name = name
        self.used: set[str] = set()
        self.drawn = False
        self.short: dict[str, str] = {}  # the glyphs of short texts (numbers, labels), as hex: they come back


class Page:
    """One page. Coordinates are in points from the top-left corner (y grows downwards)."""

    __slots__ = ("height", "fills", "rules", "texts", "_font", "_size", "_colour")

    def __init__(self, height: float) -> None:
        self.height = height
        self.fills: list[str] = []
        self.rules: list[str] = []
        self.texts: list[str] = []
        self._font: FontUse | None = None
        self._size = 0.0
        self._colour = ""

    def fill(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        """A filled rectangle (colour: rgb() operands), drawn beneath the rules and the text."""
        self.fills.append(f"{colour} rg {x:.2f} {self.height - y - h:.2f} {w:.2f} {h:.2f} re f")

    def box(self, x: float, y: float, w: float, h: float, fill: str, stroke: str, width: float) -> None:
        """A filled and stroked rectangle, beneath the rules and the text."""
        self.fills.append(f"q {width:g} w {stroke} RG {fill} rg {x:.2f} {self.height - y - h:.2f} {w:.2f} {h:.2f} "
                          "re B Q")

    def hline(self, x1: float, x2: float, y: float) -> None:
        """A rule of the grid (every rule of a page has one width and colour: Pdf.rule_width, rule_colour)."""
        yy = self.height - y
        self.rules.append(f"{x1:.2f} {yy:.2f} m {x2:.2f} {yy:.2f} l")

    def vline(self, x: float, y1: float, y2: float) -> None:
        h = self.height
        self.rules.append(f"{x:.2f} {h - y1:.2f} m {x:.2f} {h - y2:.2f} l")

    def text(self, x: float, y: float, f: FontUse, size: float, s: str, colour: str) -> None:
        """`s` with its baseline starting at (x, y)."""
        hexed = f.short.get(s)
        if hexed is None:
            if s.isascii():
                b = s.encode()
                ba = bytearray(2 * len(b))
                ba[0::2] = b.translate(f.font.hi)
                ba[1::2] = b.translate(f.font.lo)
                hexed = ba.hex()
            else:
                f.used.update(s)
                hexed = "".join(map(f.font.hex.__getitem__, s))
            if len(s) <= 12:
                f.short[s] = hexed
        out = self.texts
        if f is not self._font or size != self._size:
            out.append(f"/{f.name} {size:g} Tf")
            self._font, self._size = f, size
            f.drawn = True
        if colour != self._colour:
            out.append(f"{colour} rg")
            self._colour = colour
        out.append(f"1 0 0 1 {x:.2f} {self.height - y:.2f} Tm <{hexed}>Tj")

    def content(self, rule_width: float, rule_colour: str) -> bytes:
        parts = list(self.fills)
        if self.rules:
            parts.append(f"{rule_width:g} w {rule_colour} RG")
            parts.extend(self.rules)
            parts.append("S")
        if self.texts:
            parts.append("BT")
            parts.extend(self.texts)
            parts.append("ET")
        return "\n".join(parts).encode("ascii")


def _pdf_date(moment: datetime) -> str:
    """20241127073000+07'00' (the offset when the moment has one)."""
    out = f"{moment:%Y%m%d%H%M%S}"
    offset = moment.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        out += f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
    return out


def _pdf_text(s: str) -> str:
    """A text string of the /Info dictionary: UTF-16BE with its byte order mark, as hex."""
    return "<feff" + s.encode("utf-16-be").hex() + ">"


class Pdf:
    """A document: pages of one size, the fonts they use; `save()` gives the file."""

    def __init__(self, size: tuple[float, float] = A4_LANDSCAPE, title: str = "", producer: str = "Praja",
                 created: datetime | None = None, rule_width: float = 0.5, rule_colour: str = "0.533 0.533 0.533",
                 compress_level: int = 1) -> None:
        self.width, self.height = size
        self.title = title
        self.producer = producer
        self.created = created
        self.rule_width = rule_width
        self.rule_colour = rule_colour
        self.compress_level = compress_level
        self.pages: list[Page] = []
        self.fonts: list[FontUse] = []

    def font(self, font: Font) -> FontUse:
        for f in self.fonts:
            if f.font is font:
                return f
        use = FontUse(font, f"F{len(self.fonts) + 1}")
        self.fonts.append(use)
        return use

    def page(self) -> Page:
        p = Page(self.height)
        self.pages.append(p)
        return p

    def save(self) -> bytes:
        used_fonts = [f for f in self.fonts if f.drawn]
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: list[int] = []

        def obj(body: bytes) -> None:
            offsets.append(len(out))
            out.extend(b"%d 0 obj\n" % len(offsets))
            out.extend(body)
            out.extend(b"\nendobj\n")

        def stream(dictionary: str, data: bytes) -> None:
            packed = zlib.compress(data, self.compress_level)
            obj(f"<< {dictionary} /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode("ascii")
                + packed + b"\nendstream")

        # numbering: 1 catalog, 2 page tree, 3 resources, 4 info, five objects per font, two per page
        first_page = 5 + 5 * len(used_fonts)
        n_pages = len(self.pages)
        kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode("ascii"))
        font_refs = " ".join(f"/{f.name} {5 + 5 * i} 0 R" for i, f in enumerate(used_fonts))
        obj(f"<< /Font << {font_refs} >> >>".encode("ascii"))
        info = f"/Producer {_pdf_text(self.producer)}"
        if self.title:
            info += f" /Title {_pdf_text(self.title)}"
        if self.created is not None:
            info += f" /CreationDate (D:{_pdf_date(self.created)})"
        obj(f"<< {info} >>".encode("ascii"))
        for i, f in enumerate(used_fonts):
            self._font_objects(f, 5 + 5 * i, obj, stream)
        media = f"[0 0 {self.width:.4f} {self.height:.4f}]"
        for i, p in enumerate(self.pages):
            n = first_page + 2 * i
            obj(f"<< /Type /Page /Parent 2 0 R /MediaBox {media} /Resources 3 0 R /Contents {n + 1} 0 R >>"
                .encode("ascii"))
            stream("", p.content(self.rule_width, self.rule_colour))
        xref = len(out)
        file_id = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest()
        out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.extend(b"".join(b"%010d 00000 n \n" % o for o in offsets))
        out.extend(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /Info 4 0 R /ID [<{file_id}> <{file_id}>] >>\n"
                   f"startxref\n{xref}\n%%EOF\n".encode("ascii"))
        return bytes(out)

    @staticmethod
    def _font_objects(f: FontUse, first: int, obj: Callable[[bytes], None],
                      stream: Callable[[str, bytes], None]) -> None:
        """Type0 font (first), its CIDFontType2, descriptor, font program and ToUnicode CMap."""
        font = f.font
        gids = set(font.ascii_gids)
        gids.update(font.gid.get(c, 0) for c in f.used)
        key = frozenset(gids)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(
            repr(sorted(key)).encode("ascii"), usedforsecurity=False).digest()[:6])
        name = f"{tag}+{font.ps_name}"
        obj(f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
            f"/DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 4} 0 R >>".encode("ascii"))
        obj(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {first + 2} 0 R /DW {font.gid_width[0]} /W [{_widths(font, sorted(key))}] "
            "/CIDToGIDMap /Identity >>".encode("ascii"))
        flags = 32 | (1 if font.fixed_pitch else 0)  # nonsymbolic, fixed pitch
        bbox = " ".join(str(v) for v in font.bbox)
        obj(f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{bbox}] "
            f"/ItalicAngle {font.italic_angle:g} /Ascent {font.ascent:.0f} /Descent {font.descent:.0f} "
            f"/CapHeight {font.cap_height:.0f} /StemV 80 /FontFile2 {first + 3} 0 R >>".encode("ascii"))
        program = font.subset(key)
        stream(f"/Length1 {len(program)}", program)
        stream("", _to_unicode(font, sorted(key)))


def _widths(font: Font, gids: list[int]) -> str:
    """The /W array: runs of consecutive glyph ids, each with its widths."""
    runs: list[str] = []
    start = prev = -2
    ws: list[str] = []
    for g in gids:
        if g != prev + 1:
            if ws:
                runs.append(f"{start} [{' '.join(ws)}]")
            start, ws = g, []
        ws.append(str(font.gid_width.get(g, 0)))
        prev = g
    if ws:
        runs.append(f"{start} [{' '.join(ws)}]")
    return " ".join(runs)


def _to_unicode(font: Font, gids: Iterable[int]) -> bytes:
    pairs = [(g, font.unicode[g]) for g in gids if g in font.unicode]
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{g:04x}> <{u.encode('utf-16-be').hex()}>" for g, u in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")

