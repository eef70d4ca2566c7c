"""The plan's PDF annex, written directly (praja/deployment/annex_pdf.py, pdf_writer.py): what a reader checks on
paper (A4 landscape, a page per Polsek, page numbers, the column header on every page, every TPS, numbers
the Indonesian way, accents, a long address kept in its column) and what a PDF reader needs (a valid file,
fonts embedded as subsets with their ToUnicode maps)."""

from __future__ import annotations

import ast
import io
import random
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation.template import templatize
from pypdf import PdfReader

from praja.deployment import annex_pdf, exports, pdf_writer
from praja.deployment.solver import DEFAULT_PATTERN, Settings
from tests.pdfs import page_sizes, words

APP = Path(__file__).resolve().parents[1]
LONG_ADDRESS = "Jalan " + " ".join(f"Panjang{i}" for i in range(120)) + " Ujung-Akhir-Alamat"
ACCENTED = "Café d’Ampel, Gang Kenari"
LABELS = {"aman": "Aman", "kurang_rawan": "Kurang rawan", "rawan": "Rawan", "sangat_rawan": "Sangat rawan",
          "khusus": "Khusus"}


def _tps(code: str, address: str = "Balai Desa", voters: int = 250, cls: str = "aman") -> exports.TpsLine:
    return exports.TpsLine(code, address, voters, cls, -8.1, 112.5)


def _post(number: int, kec: str, unit: str, tps: list[exports.TpsLine], covered: bool = True,
          pool: str = "Polsek X", edited: bool = False) -> exports.PostLine:
    return exports.PostLine(
        number=number, code=f"P{number}", kecamatan=kec, kecamatan_name=unit.removeprefix("Polsek "), desa_name="",
        lat=-8.123456, lng=112.654321, cls="aman", police=2, tni=0, linmas=2 * len(tps), pool=pool if covered else "",
        km=1.234567, tni_pool="", tni_km=0.0, covered=covered, edited=edited, tps=tps, unit=unit)


def make_document(n_big: int = 120, lower_bound: int | None = None, shortfall: bool = False,
                  extra: list[exports.PostLine] | None = None) -> exports.Document:
    """Polsek Alfa: a post of three TPS (one with accents and 4,042 voters), an uncovered post, a hand-edited
    post with a very long address; Polsek Beta: `n_big` posts (several pages)."""
    posts = [
        _post(1, "35.07.01", "Polsek Alfa", [_tps("35.07.01.2001/001", ACCENTED, 4042),
                                            _tps("35.07.01.2001/002", "Dusun Krajan", 120),
                                            _tps("35.07.01.2001/003", "SDN 3", 0, "rawan")]),
        _post(2, "35.07.01", "Polsek Alfa", [_tps("35.07.01.2002/001", "Pos Kamling")], covered=False),
        _post(3, "35.07.01", "Polsek Alfa", [_tps("35.07.01.2003/001", LONG_ADDRESS, 300)], edited=True),
    ]
    rng = random.Random(7)
    for i in range(n_big):
        tps = [_tps(f"35.07.02.{2001 + i}/{j + 1:03d}", f"Dusun {rng.randint(1, 99)} RT 01/RW 02",
                    rng.randint(100, 600), rng.choice(list(LABELS))) for j in range(rng.randint(1, 6))]
        posts.append(_post(4 + i, "35.07.02", "Polsek Beta", tps))
    posts += extra or []
    officers = sum(p.police for p in posts)
    short = {"35.07.01": {"police": 4, "tni": 1, "posts": 1, "tps": 1, "tps_by_class": {}}} if shortfall else None
    return exports.build_document(
        title="Rencana pengamanan TPS", region_label="Kabupaten Malang (35.07)", version="v1",
        pattern=DEFAULT_PATTERN, settings=Settings(), posts=posts,
        lower_bound=officers if lower_bound is None else lower_bound, bound_name="lp", shortfall=short,
        bko_needed=5 if shortfall else 0, created=timezone.make_aware(datetime(2024, 11, 27, 7, 30)),
        class_labels=LABELS, pools_generated=True,
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    with translation.override("id"):
        return exports.to_pdf(make_document())


def page_texts(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def shown(data: bytes, page: int) -> list[tuple[str, float, float, float, pdf_writer.Font]]:
    """(text, x, y from the top, size, font) of every text shown on a page, read from its content stream
    (Tf, Tm, Tj) and decoded glyph by glyph through the embedded fonts (CID = glyph id)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(data))
    p = reader.pages[page]
    by_name = {f.ps_name: f for f in annex_pdf.fonts().values()}
    resources = {name: by_name[str(ref.get_object()["/BaseFont"]).split("+")[1]]
                 for name, ref in p["/Resources"]["/Font"].items()}
    out = []
    font, size, x, y = None, 0.0, 0.0, 0.0
    for operands, op in ContentStream(p.get_contents(), reader).operations:
        if op == b"Tf":
            font, size = resources[operands[0]], float(operands[1])
        elif op == b"Tm":
            x, y = float(operands[4]), pdf_writer.A4_LANDSCAPE[1] - float(operands[5])
        elif op == b"Tj":
            assert font is not None
            text = operands[0]
            raw = text.original_bytes if hasattr(text, "original_bytes") else bytes(text)
            gids = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
            out.append(("".join(font.unicode.get(g, "?") for g in gids), x, y, size, font))
    return out


def test_it_is_a4_landscape_and_a_valid_file(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-1.7") and pdf.rstrip().endswith(b"%%EOF")
    sizes = page_sizes(pdf)
    assert len(sizes) >= 4 and set(sizes) == {(842, 595)}
    reader = PdfReader(io.BytesIO(pdf), strict=True)  # strict: a broken xref or object raises
    assert all(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None and reader.metadata.title == "Rencana pengamanan TPS · Kabupaten Malang (35.07)"
    # qpdf --check's first question: does every entry of the cross-reference table point at its object?
    xref = int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1))  # type: ignore[union-attr]
    head = re.match(rb"xref\n0 (\d+)\n", pdf[xref:])
    assert head is not None
    entries = pdf[xref + head.end():].split(b"\n")[: int(head.group(1))]
    assert entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number), number


def test_a_page_per_polsek_numbered_n_of_the_real_total(pdf: bytes) -> None:
    texts = page_texts(pdf)
    n = len(texts)
    for i, text in enumerate(texts, start=1):
        assert f"Halaman {i} / {n}" in text
    assert "Rekap per Polsek" in texts[0] and "Polsek Alfa" in texts[0] and "35.07.01.2001/001" not in texts[0]
    alfa = [i for i, t in enumerate(texts) if "Polsek Alfa · Kec. Alfa · 3 pos · 5 TPS" in t]
    beta = [i for i, t in enumerate(texts) if "Polsek Beta · Kec. Beta" in t]
    assert alfa == [1] and len(beta) == 1 and beta[0] == 2  # each section from a new page, after page 1
    assert "35.07.02." not in texts[1]  # Polsek Beta's TPS are not on Alfa's page
    assert n > 4  # Beta runs over several pages


def test_the_running_header_and_the_column_header_are_on_every_page(pdf: bytes) -> None:
    texts = page_texts(pdf)
    for text in texts:
        assert text.startswith("Rencana pengamanan TPS · Kabupaten Malang (35.07) · v1") or \
            "Rencana pengamanan TPS · Kabupaten Malang (35.07) · v1" in text
        assert "LAMPIRAN" in text
        assert "Dibuat oleh Praja 27-11-2024 07:30 · lihat catatan di halaman 1" in text
    for text in texts[1:]:
        for column in ("No. Pos", "Alamat TPS", "DPT", "Kelas", "Polri", "Linmas", "Asal personel"):
            assert column.replace(" ", "") in text.replace(" ", ""), column


def test_every_tps_is_printed_and_a_posts_tps_stay_on_one_page(pdf: bytes) -> None:
    doc = make_document()
    texts = page_texts(pdf)
    for post in doc.posts:
        pages = {i for i, t in enumerate(texts) for tps in post.tps if tps.code in t}
        assert len(pages) == 1, (post.number, pages)
        assert all(any(tps.code in t for t in texts) for tps in post.tps)
    assert sum(t.count("35.07.") for t in texts[1:]) >= sum(len(p.tps) for p in doc.posts)


def test_numbers_are_written_the_indonesian_way(pdf: bytes) -> None:
    texts = page_texts(pdf)
    assert "4.042" in texts[1]  # the DPT of Alfa's first TPS
    assert "-8,12346, 112,65432" in texts[1]  # floatformat:5, with the decimal comma
    assert "1,23" in texts[1]  # km, floatformat:2
    assert "(terbukti optimal)" in texts[0]
    with translation.override("en"):
        english = page_texts(exports.to_pdf(make_document(n_big=2)))
    assert "4,042" in english[1] and "-8.12346, 112.65432" in english[1]
    assert "ANNEX" in english[0] and "Summary per Polsek" in english[0] and "Post coordinates" in english[1]


def test_proved_optimal_only_when_the_bound_equals_the_officers() -> None:
    text = page_texts(exports.to_pdf(make_document(n_big=1, lower_bound=3)))[0]
    assert "Batas bawah Polri 3" in text and "terbukti optimal" not in text


def test_accents_and_quotes_survive_text_extraction(pdf: bytes) -> None:
    assert ACCENTED in words(pdf)


def test_a_very_long_address_stays_in_its_column(pdf: bytes) -> None:
    width = annex_pdf.WIDTH
    column_left = annex_pdf.X0 + width * sum(annex_pdf.POST_COLUMNS[:2]) / 100
    column_right = column_left + width * annex_pdf.POST_COLUMNS[2] / 100
    texts = shown(pdf, 1)
    parts = [(t, x, y, size, font) for t, x, y, size, font in texts if "Panjang" in t]
    assert 2 <= len(parts) <= annex_pdf.MAX_LINES
    for text, x, _y, size, font in parts:
        assert column_left < x and x + font.width(text, size) <= column_right - 1.2 * annex_pdf.MM + 0.01
    assert parts[0][0].startswith("Jalan Panjang0") and parts[-1][0].endswith("…")  # cut, not run on
    assert "Ujung-Akhir-Alamat" not in words(pdf)
    # the DPT of that TPS is still right-aligned in its own column, on the address's first line
    dpt = [(x, y) for t, x, y, _s, _f in texts if t == "300"]
    assert len(dpt) == 1 and abs(dpt[0][1] - parts[0][2]) < 0.01 and dpt[0][0] > column_right


def test_uncovered_posts_are_red_and_say_so(pdf: bytes) -> None:
    content = PdfReader(io.BytesIO(pdf)).pages[1].get_contents().get_data().decode("latin-1")  # type: ignore
    red_fill = f"{pdf_writer.rgb('#fde0df')} rg"
    assert content.count(red_fill) >= 2  # the TPS code cell and the "BELUM ADA" cell of post 2
    text = page_texts(pdf)[1]
    assert "BELUM ADA" in text and "(diubah manual)" in text


def test_the_shortfall_table_when_people_are_short() -> None:
    text = page_texts(exports.to_pdf(make_document(n_big=1, shortfall=True)))[0]
    assert "Kekurangan personel per kecamatan" in text and "BKO dibutuhkan" in text
    assert "Alfa 35.07.01" in text


def test_a_post_taller_than_a_page_runs_over_pages_with_every_tps() -> None:
    huge = _post(999, "35.07.03", "Polsek Gamma", [_tps(f"35.07.03.2001/{j:03d}") for j in range(1, 61)])
    data = exports.to_pdf(make_document(n_big=1, extra=[huge]))
    texts = page_texts(data)
    gamma = [i for i, t in enumerate(texts) if "35.07.03.2001/" in t]
    assert len(gamma) >= 2 and gamma == list(range(gamma[0], gamma[-1] + 1))
    assert all(any(f"35.07.03.2001/{j:03d}" in t for t in texts) for j in range(1, 61))
    assert all("999" in texts[i] for i in gamma)  # the post's number on each of its pages


def test_fonts_are_embedded_as_subsets_with_tounicode(pdf: bytes) -> None:
    from fontTools.ttLib import TTFont

    reader = PdfReader(io.BytesIO(pdf), strict=True)
    fonts = reader.pages[1]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H" and "/ToUnicode" in font
        cid = font["/DescendantFonts"][0].get_object()
        assert cid["/Subtype"] == "/CIDFontType2" and cid["/CIDToGIDMap"] == "/Identity"
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold|Mono|Mono-Bold)?", str(cid["/BaseFont"]))
        names.add(str(cid["/BaseFont"]).split("+")[1])
        program = cid["/FontDescriptor"]["/FontFile2"].get_data()
        tt = TTFont(io.BytesIO(program))
        drawn = [g for g in tt.getGlyphOrder() if tt["glyf"][g].numberOfContours != 0]
        assert len(drawn) < 250  # a subset: DejaVu Sans has over 6,000 glyphs
        assert len(program) < 60_000
    assert names == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono", "DejaVuSansMono-Bold"}


def test_the_texts_are_the_templates_msgids() -> None:
    """The annex says what annex.html says: every text annex_pdf.py translates is a msgid of the template
    (so the existing translations serve both)."""
    template = templatize((APP / "templates" / "deployment" / "annex.html").read_text("utf-8"))
    in_template = {ast.literal_eval(m) for m in re.findall(r"""\b(?:gettext|_)\(\s*u?('[^']*'|"[^"]*")""", template)}
    used = set()
    for node in ast.walk(ast.parse((APP / "annex_pdf.py").read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            arg = node.args[0]
            assert isinstance(arg, ast.Constant), ast.unparse(node)
            used.add(arg.value)
    assert len(used) > 30 and used - in_template == set()


def test_floatformat_is_djangos(settings: Any) -> None:
    """The fast copy gives what Django's floatformat with grouping gives ("1.234,6" in Indonesian)."""
    from django.template.defaultfilters import floatformat

    rng = random.Random(3)
    values = [0.125, 2.675, 1.005, -0.000001, -0.0, 0.5, 999.999995, 1234.5678, -8.123455, 112.000005]
    values += [rng.uniform(-11, 142) for _ in range(2000)] + [round(rng.uniform(0, 30), 3) for _ in range(500)]
    for language in ("id", "en"):
        with translation.override(language):
            annex = annex_pdf.Annex(make_document(n_big=0))
            for v in values:
                for places in (1, 2, 5):
                    assert annex.floatformat(v, places) == floatformat(v, f"{places}g"), (v, places)


def test_a_missing_font_is_named_with_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_writer, "FONT_DIRS", ())
    monkeypatch.delenv("PRAJA_FONT_DIR", raising=False)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(pdf_writer.FontNotFound, match="fonts-dejavu-core"):
        pdf_writer.find_font("DejaVuSans.ttf", "DejaVu Sans")
