"""Normalisation of Indonesian social-media text before classification.

What it does, in order: decodes the byte escapes the hate-speech corpus keeps as text
(``\\xf0\\x9f\\x98\\x82`` becomes the emoji it encodes) and literal ``\\n``; drops HTML tags and control
characters; masks URLs as ``url`` and @handles as ``user`` (the corpus already writes ``USER`` and
``URL``); lower-cases; spells out reduplication (``anak2`` -> ``anak anak``); shortens letters repeated
three or more times (``bangeeet`` -> ``banget``); replaces slang and typos through a slang dictionary
(``jgn`` -> ``jangan``, ``loe`` -> ``kamu``); optionally stems with Sastrawi.

The slang dictionary is ``new_kamusalay.csv`` of Ibrohim and Budi 2019 (CC BY-NC-SA 4.0). It is not
copied into the repository: ``load_slang(path)`` reads it from the shared data, and the shipped model
file carries the table it was trained with (the model is under the same licence, see
``praja/infowatch/data/MODEL_CARD.md``). ``normalise(text)`` without a table uses the one of the
shipped model when present, otherwise no slang table (the rule-based steps still apply).

Pure Python, no Django. It never raises on text: empty strings, megabytes, binary junk and other
scripts come back as a (possibly empty) string.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

# Texts longer than this are cut before normalising: a classifier needs no more, and a 1 MB post
# must not cost seconds. Callers that need the whole text keep it themselves.
MAX_CHARS = 20_000

_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_LITERAL_NEWLINE = re.compile(r"\\[nrt]")
_TAG = re.compile(r"<[^>]{0,2000}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|id|co\.id|net|org|ly)/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_REDUP = re.compile(r"\b([^\W\d_]{2,})2\b")
_REPEAT3 = re.compile(r"([^\W\d_])\1{2,}")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_MASKS = frozenset({"user", "url"})  # the masks keep their form whatever the slang table says
_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def load_slang(path: Path) -> dict[str, str]:
    """The slang table of a two-column CSV without header (slang, standard), e.g. new_kamusalay.csv."""
    table: dict[str, str] = {}
    with open(path, encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2:
                key, value = row[0].strip().lower(), row[1].strip().lower()
                if key and value and key != value:
                    table[key] = value
    return table


def _decode_escapes(match: re.Match[str]) -> str:
    raw = bytes(int(match.group(0)[i + 2 : i + 4], 16) for i in range(0, len(match.group(0)), 4))
    return " " + raw.decode("utf-8", errors="ignore") + " "


def _clean_chars(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) in _CONTROL_CATEGORIES:
            continue
        else:
            out.append(ch)
    return "".join(out)


def _squeeze(word: str, slang: Mapping[str, str]) -> str:
    """Letters repeated 3+ times: try the double-letter and single-letter forms against the table."""
    if not _REPEAT3.search(word):
        return word
    double = _REPEAT3.sub(r"\1\1", word)
    single = _REPEAT3.sub(r"\1", word)
    if double in slang:
        return double
    return single


class Normaliser:
    """A normaliser with its slang table (and optional Sastrawi stemmer); call it on a text."""

    def __init__(self, slang: Mapping[str, str] | None = None, stem: bool = False) -> None:
        self.slang: Mapping[str, str] = slang or {}
        self.stem = stem
        self._stemmer: Callable[[str], str] | None = None
        if stem:
            from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

            stemmer = StemmerFactory().create_stemmer()
            self._stemmer = lru_cache(maxsize=200_000)(stemmer.stem)

    def __call__(self, text: str) -> str:
        return normalise(text, slang=self.slang, stemmer=self._stemmer)


def normalise(
    text: str,
    slang: Mapping[str, str] | None = None,
    stemmer: Callable[[str], str] | None = None,
) -> str:
    """The normalised form of `text`: lower-case tokens separated by single spaces."""
    if not isinstance(text, str):
        text = str(text, "utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
    if not text:
        return ""
    text = text[:MAX_CHARS]
    if slang is None:
        slang = default_slang()
    text = _BYTE_ESCAPES.sub(_decode_escapes, text)
    text = _LITERAL_NEWLINE.sub(" ", text)
    if "<" in text:
        text = _SCRIPT.sub(" ", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _clean_chars(text)
    text = _URL.sub(" url ", text)
    text = _HANDLE.sub(" user ", text)
    text = text.lower()
    text = _REDUP.sub(r"\1 \1", text)
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token in _MASKS:
            words.append(token)
            continue
        if token.isalpha():
            token = _squeeze(token, slang)
            replacement = slang.get(token)
            if replacement is not None:
                if stemmer is not None:
                    words.extend(stemmer(part) for part in replacement.split())
                else:
                    words.extend(replacement.split())
                continue
            if stemmer is not None and len(token) > 3:
                token = stemmer(token) or token
        if token == "rt" and not words:
            continue  # the retweet marker says nothing about the text
        words.append(token)
    return " ".join(words)


_DEFAULT_SLANG: dict[str, str] | None = None


def set_default_slang(table: Mapping[str, str] | None) -> None:
    """Make `table` the slang table `normalise()` uses when given none (the shipped model sets it)."""
    global _DEFAULT_SLANG
    _DEFAULT_SLANG = dict(table) if table else None


def default_slang() -> Mapping[str, str]:
    """The slang table of the shipped model when it is present and loaded, else an empty table."""
    global _DEFAULT_SLANG
    if _DEFAULT_SLANG is None:
        try:
            from praja.infowatch.text import classify

            table = classify.shipped_slang()
        except Exception:  # noqa: BLE001 - a missing or unreadable model file means no table
            table = {}
        _DEFAULT_SLANG = dict(table)
    return _DEFAULT_SLANG
