"""Bad input, checked before anything is analysed: the raw text is always kept whole; these functions
only decide which flags an item gets and which (cleaned, bounded) text the classifiers see.

Flags: ``empty`` (no text), ``long`` (over PRAJA_INFOWATCH_MAX_ANALYSED_CHARS: only the head is
analysed), ``markup`` (HTML tags or script: shown escaped, analysed without tags), ``encoding`` (bytes
that were not valid UTF-8, or replacement characters), ``language`` (not Indonesian by a cheap test:
mostly non-Latin script, or almost none of the common Indonesian words), ``control`` (control
characters removed for analysis), ``binary``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings

DEFAULT_MAX_ANALYSED_CHARS = 20_000

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]{0,2000}>")
_SCRIPT = re.compile(r"<\s*(script|style)\b.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Frequent Indonesian function words (and the slang forms of social posts).
_ID_WORDS = frozenset(
    "yang dan di ke dari ini itu dengan untuk tidak ada akan pada juga dalam karena sudah saya kita kami "
    "mereka atau bisa jadi oleh agar para sebagai harus telah masih hanya lebih banyak kalau jika sama "
    "gak ga nggak tak yg dgn utk sdh udah aja kok dong nih tuh bang pak bu warga desa kecamatan pilkada "
    "pemilu suara calon paslon tps kpu bawaslu polisi berita hoaks beredar".split()
)


def max_analysed_chars() -> int:
    return int(getattr(settings, "PRAJA_INFOWATCH_MAX_ANALYSED_CHARS", DEFAULT_MAX_ANALYSED_CHARS))


def decode(data: bytes) -> tuple[str, bool]:
    """Bytes to text: UTF-8 (with or without BOM); broken bytes become U+FFFD and the result says so."""
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


@dataclass
class Checked:
    text: str  # what the classifiers see
    flags: list[str] = field(default_factory=list)
    language: str = ""


def strip_markup(text: str) -> str:
    out = _SCRIPT.sub(" ", text)
    out = _TAG.sub(" ", out)
    return html.unescape(out)


def guess_language(text: str) -> str:
    """"id" for Indonesian (or too short to tell), "other" otherwise. Cheap: script share + function words."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12:
        return "id"
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    if latin / len(letters) < 0.5:
        return "other"
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if len(words) < 6:
        return "id"
    hits = sum(1 for w in words if w in _ID_WORDS)
    return "id" if hits / len(words) >= 0.1 else "other"


def check(text: str, *, broken_encoding: bool = False) -> Checked:
    """The flags of a raw text and the bounded, cleaned text to analyse."""
    flags: list[str] = []
    if broken_encoding or "\ufffd" in text[:1_000_000]:
        flags.append("encoding")
    if "\x00" in text:
        flags.append("binary")
    if _CONTROL.search(text):
        flags.append("control")
    work = _CONTROL.sub(" ", text)
    if _TAG.search(work) or "<script" in work.lower():
        flags.append("markup")
        work = strip_markup(work)
    work = " ".join(work.split()) if len(work) < 4 * max_analysed_chars() else " ".join(
        work[: 4 * max_analysed_chars()].split()
    )
    if not work:
        flags.append("empty")
    limit = max_analysed_chars()
    if len(text) > limit:
        flags.append("long")
        work = work[:limit]
    language = guess_language(work) if work else ""
    if language == "other":
        flags.append("language")
    return Checked(text=work, flags=flags, language=language)


FLAG_LABELS = {
    "empty": ("kosong", "empty"),
    "long": ("sangat panjang: hanya awalnya dianalisis", "very long: only the start is analysed"),
    "markup": ("berisi HTML/skrip (ditampilkan sebagai teks)", "contains HTML/script (shown as text)"),
    "encoding": ("pengodean rusak", "broken encoding"),
    "language": ("bukan bahasa Indonesia", "not Indonesian"),
    "control": ("karakter kendali dibuang untuk analisis", "control characters removed for analysis"),
    "binary": ("berisi data biner", "contains binary data"),
    "malformed_feed": ("umpan rusak", "malformed feed"),
    "no_model": ("model klasifikasi tidak tersedia", "no classifier model available"),
}
