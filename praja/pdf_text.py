"""The bytes of a PDF with its compressed streams inflated, so tests can read page boxes, page objects and
outline titles without a PDF library."""

from __future__ import annotations

import re
import zlib

# The end-of-line before "endstream" stays inside the match: a compressed stream may itself end in a CR or LF
# byte, and a pattern that ate it cut such a stream short (its page boxes went missing on some days' content).
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def pdf_text(pdf: bytes) -> bytes:
    """The PDF followed by each of its Flate streams (object streams included) inflated; streams that are not
    Flate-compressed are skipped."""
    parts = [pdf]
    for m in _STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompressobj().decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)
