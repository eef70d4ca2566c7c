"""Reading generated PDFs in tests, through pypdf (a PDF library, not a regular expression over the bytes)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of each page's MediaBox, in points, rounded: A4 portrait is (595, 842)."""
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(io.BytesIO(pdf)).pages]


def words(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (pypdf reads WeasyPrint's text through its ToUnicode maps)."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
