"""TF-IDF feature blocks with a fixed vocabulary, stored as plain arrays (no pickles).

A `Block` is one view of a text: word n-grams, character n-grams inside word boundaries (`char_wb`)
or across them (`char`), on the slang-normalised text or on the text normalised without the slang
table, weighted either as TF-IDF (sublinear tf x idf, each row L2-normalised) or as binary presence
(0/1, the input of the naive-Bayes-scaled members, Wang and Manning 2012). `fit_block` learns the
vocabulary and idf weights with scikit-learn; `Block.transform` rebuilds the same matrix from the
stored vocabulary, so a model file holds only strings and float32 arrays. `FeatureSet` stacks blocks
side by side; blocks with the same vocabulary and analyser count the n-grams of a text only once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

# The forms a block can read: normalised with the slang table ("slang") or without ("plain"), and the
# text as given ("raw", cut at normalise.MAX_CHARS; read by the style block).
SOURCES = ("slang", "plain", "raw")


@dataclass
class Block:
    name: str
    analyzer: str  # "word" or "char_wb"
    ngram: tuple[int, int]
    source: str  # one of SOURCES
    vocabulary: list[str]
    idf: np.ndarray[Any, np.dtype[np.float32]]
    weighting: str = "tfidf"  # "tfidf" or "binary"
    _vectorizer: CountVectorizer | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def vectorizer(self) -> CountVectorizer:
        if self._vectorizer is None:
            self._vectorizer = CountVectorizer(
                analyzer=self.analyzer,
                ngram_range=self.ngram,
                vocabulary={term: i for i, term in enumerate(self.vocabulary)},
                lowercase=False,
                token_pattern=r"(?u)\S+" if self.analyzer == "word" else None,
                dtype=np.float32,
            )
        return self._vectorizer

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        if self.analyzer == "style":
            from praja.infowatch.text.cls_style import style_vector

            n = len(self.vocabulary)
            values = np.array([style_vector(text) for text in texts], dtype=np.float32).reshape(len(texts), n)
            values = (values - self.idf[:n]) / self.idf[n:]
            return sp.csr_matrix(values, dtype=np.float32)
        return sp.csr_matrix(self.vectorizer().transform(texts), dtype=np.float32)

    def count_key(self) -> tuple[str, tuple[int, int], str, int, str, str]:
        """Blocks with the same key count the same n-grams (same analyser, source and vocabulary)."""
        first = self.vocabulary[0] if self.vocabulary else ""
        last = self.vocabulary[-1] if self.vocabulary else ""
        return (self.analyzer, self.ngram, self.source, len(self.vocabulary), first, last)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.weigh(self.counts(texts))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        if self.analyzer == "style":
            return counts
        counts = counts.copy()
        if self.weighting == "binary":
            counts.data = np.ones_like(counts.data, dtype=np.float32)
            return counts
        counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
        weighted = sp.csr_matrix(counts.multiply(self.idf.reshape(1, -1)), dtype=np.float32)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ weighted, dtype=np.float32)

    def to_arrays(self, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}vocab": np.array(self.vocabulary, dtype=object).astype(str),
            f"{prefix}idf": self.idf.astype(np.float32),
        }

    def meta(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "analyzer": self.analyzer,
            "ngram": list(self.ngram),
            "source": self.source,
            "weighting": self.weighting,
        }

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: Any, prefix: str) -> Block:
        return cls(
            name=str(meta["name"]),
            analyzer=str(meta["analyzer"]),
            ngram=(int(meta["ngram"][0]), int(meta["ngram"][1])),
            source=str(meta["source"]),
            vocabulary=[str(v) for v in arrays[f"{prefix}vocab"]],
            idf=np.asarray(arrays[f"{prefix}idf"], dtype=np.float32),
            weighting=str(meta.get("weighting", "tfidf")),
        )


def fit_block(
    name: str,
    analyzer: str,
    ngram: tuple[int, int],
    source: str,
    texts: Sequence[str],
    max_features: int,
    min_df: int = 2,
    weighting: str = "tfidf",
) -> Block:
    """Learn a block's vocabulary (the `max_features` most frequent terms) and idf from `texts`.

    A "style" block (cls_style) stores its feature names as vocabulary and the mean and standard
    deviation of each feature on `texts` in place of the idf."""
    if analyzer == "style":
        from praja.infowatch.text.cls_style import NAMES, style_vector

        values = np.array([style_vector(text) for text in texts], dtype=np.float64).reshape(len(texts), len(NAMES))
        spread = values.std(axis=0)
        spread[spread == 0] = 1.0
        scale = np.concatenate([values.mean(axis=0), spread]).astype(np.float32)
        return Block(name, analyzer, ngram, source, list(NAMES), scale, weighting)
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram,
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        lowercase=False,
        token_pattern=r"(?u)\S+" if analyzer == "word" else None,
        dtype=np.float32,
    )
    vectorizer.fit(texts)
    vocabulary = sorted(vectorizer.vocabulary_, key=lambda term: vectorizer.vocabulary_[term])
    idf = np.asarray(vectorizer.idf_, dtype=np.float32)
    return Block(name, analyzer, ngram, source, vocabulary, idf, weighting)


@dataclass
class FeatureSet:
    """Blocks side by side; `transform` takes the texts in both normalised forms."""

    name: str
    blocks: list[Block]

    @property
    def size(self) -> int:
        return sum(block.size for block in self.blocks)

    def transform(self, forms: Mapping[str, Sequence[str]]) -> sp.csr_matrix:
        counted: dict[tuple[str, tuple[int, int], str, int, str, str], sp.csr_matrix] = {}
        parts = []
        for block in self.blocks:
            key = block.count_key()
            if key not in counted:
                counted[key] = block.counts(forms[block.source])
            parts.append(block.weigh(counted[key]))
        return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)

    def columns(self, names: Sequence[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The column indices of the named blocks, in block order."""
        out = [
            np.arange(start, start + block.size)
            for block, start in zip(self.blocks, self.offsets(), strict=True)
            if block.name in names
        ]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def offsets(self) -> list[int]:
        out, start = [], 0
        for block in self.blocks:
            out.append(start)
            start += block.size
        return out

    def feature_name(self, index: int) -> tuple[Block, str]:
        for block, start in zip(self.blocks, self.offsets(), strict=True):
            if start <= index < start + block.size:
                return block, block.vocabulary[index - start]
        raise IndexError(index)
