"""A small BM25 index over sparse matrices (scipy), and the word tokeniser claim matching uses.

Indonesian-aware tokens: lower case, URLs cut into their words, letters repeated three or more times
collapsed ("bangettt" -> "banget"), optional Sastrawi stemming ("menyaksikan" -> "saksi") with a cache,
since the same words come back all the time. Scores of many queries come from one sparse product.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_REPEAT = re.compile(r"(\w)\1{2,}")
_URL_NOISE = frozenset({"http", "https", "www", "com", "co", "id", "html", "php", "amp"})
_LEET_WORD = re.compile(r"\b[a-z][a-z0-9]*[0-9][a-z0-9]*[a-z]\b")
_LEET = str.maketrans("013457", "oieast")
# Indonesian function words (and social-media noise) that say nothing about what a text is about
STOPWORDS = frozenset("yang dan di ke dari ini itu untuk dengan pada dalam tidak akan ada juga atau adalah karena "
                      "sudah oleh saat bisa jadi user url rt amp http https".split())


def fold(text: str) -> str:
    """Lower case, NFKC (full-width and styled letters to plain), repeated letters collapsed."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return _REPEAT.sub(r"\1", text)


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str] | None:
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:  # pragma: no cover - PySastrawi is a pinned dependency
        return None
    stem: Callable[[str], str] = StemmerFactory().create_stemmer().stem
    return stem


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Sastrawi stem of one word (cached); numbers and words of three letters or fewer stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    stem = _stemmer()
    return (stem(word) or word) if stem is not None else word


def _unleet_word(m: re.Match[str]) -> str:
    word = m.group(0)
    return word.translate(_LEET) if sum(ch.isalpha() for ch in word) >= 2 else word


def unleet(text: str) -> str:
    """Digits standing for letters inside a folded word back to letters: "j0k0wi" -> "jokowi", "dar4h" ->
    "darah", "rus4k" -> "rusak" (0 o, 1 i, 3 e, 4 a, 5 s, 7 t). Only words that begin and end with a letter
    change, so "rp50", "10jt", "covid19" and "g30s" keep their digits ("g30s" -> "goes" is the price)."""
    return _LEET_WORD.sub(_unleet_word, text)


def surface_words(text: str, *, leet: bool = False) -> list[str]:
    """The words of ``text`` as ``tokenize`` sees them before stemming: folded, URL noise left out."""
    folded = fold(text)
    if leet:
        folded = unleet(folded)
    return [w for w in _WORD.findall(folded) if w not in _URL_NOISE]


def tokenize(text: str, stem: bool = True, max_chars: int = 20_000, *, leet: bool = False,
             prefix_chars: int = 0) -> list[str]:
    """Word tokens of ``text`` (its first ``max_chars`` characters), folded and optionally stemmed.

    ``leet``: undo digits-for-letters spelling first (``unleet``). ``prefix_chars`` > 0: each word also adds
    a token "p:" + its first ``prefix_chars`` letters, unstemmed, so forms the stemmer leaves apart
    ("bansos"/"bansosnya", "pemilu"/"pemilunya", slang suffixes) still meet."""
    words = surface_words(text[:max_chars], leet=leet)
    out = [stem_word(w) for w in words] if stem else list(words)
    if prefix_chars > 0:
        out.extend("p:" + w[:prefix_chars] for w in words)
    return out


class BM25:
    """Okapi BM25 (k1, b) over a fixed vocabulary. ``score(queries)`` answers a (queries x docs) dense
    array; ``max_score(queries)`` the score a document holding every query word once would get, so callers
    can bring BM25 to 0..1."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self.idf: npt.NDArray[np.float64] = np.zeros(0)
        self.weights: Any = sparse.csr_matrix((0, 0))  # docs x terms, BM25 term weights

    def fit(self, docs: Iterable[list[str]]) -> BM25:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths: list[int] = []
        for i, toks in enumerate(docs):
            counts: dict[int, int] = {}
            for t in toks:
                j = self.vocab.setdefault(t, len(self.vocab))
                counts[j] = counts.get(j, 0) + 1
            rows.extend([i] * len(counts))
            cols.extend(counts.keys())
            vals.extend(float(c) for c in counts.values())
            lengths.append(len(toks))
        n_docs, n_terms = len(lengths), len(self.vocab)
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=(n_docs, n_terms), dtype=np.float64)
        df = np.bincount(tf.indices, minlength=n_terms).astype(np.float64)
        self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        avgdl = (sum(lengths) / n_docs) if n_docs else 1.0
        length = np.asarray(lengths, dtype=np.float64)
        denom_doc = self.k1 * (1.0 - self.b + self.b * length / max(avgdl, 1e-9))
        tf = tf.tocoo()
        w = tf.data * (self.k1 + 1.0) / (tf.data + denom_doc[tf.row]) * self.idf[tf.col]
        self.weights = sparse.csr_matrix((w, (tf.row, tf.col)), shape=(n_docs, n_terms)).T.tocsr()
        return self

    def query_matrix(self, queries: list[list[str]]) -> Any:
        """Binary (queries x terms) matrix of the query words the index knows."""
        rows: list[int] = []
        cols: list[int] = []
        for i, toks in enumerate(queries):
            seen = {self.vocab[t] for t in toks if t in self.vocab}
            rows.extend([i] * len(seen))
            cols.extend(seen)
        data = np.ones(len(rows), dtype=np.float64)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(queries), len(self.vocab)))

    def score(self, queries: list[list[str]]) -> npt.NDArray[np.float64]:
        q = self.query_matrix(queries)
        out: npt.NDArray[np.float64] = np.asarray((q @ self.weights).todense())
        return out

    def max_score(self, queries: list[list[str]]) -> npt.NDArray[np.float64]:
        """Upper bound per query: each known query word at its idf times (k1 + 1)."""
        q = self.query_matrix(queries)
        out: npt.NDArray[np.float64] = np.asarray(q @ (self.idf * (self.k1 + 1.0))).ravel()
        return out

    @property
    def n_docs(self) -> int:
        return int(self.weights.shape[1])


def idf_floor(n_docs: int) -> float:
    """The idf of a word found in every document (for tests and sanity checks)."""
    return math.log(1.0 + 0.5 / (n_docs + 0.5))
