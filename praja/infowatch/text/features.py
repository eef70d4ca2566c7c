"""TF-IDF feature blocks with a fixed vocabulary, stored as plain arrays (no pickles).

A `Block` is one view of a text: word 1-2-grams or character 2-5-grams inside word boundaries
(`char_wb`), on the slang-normalised text or on the text normalised without the slang table.
`fit_block` learns the vocabulary and idf weights with scikit-learn; `Block.transform` rebuilds the
same matrix from the stored vocabulary (sublinear tf x idf, each row L2-normalised), so a model
file holds only strings and float32 arrays. `FeatureSet` stacks blocks side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

# The two normalised forms a block can read: with the slang table ("slang") or without ("plain").
SOURCES = ("slang", "plain")


@dataclass
class Block:
    name: str
    analyzer: str  # "word" or "char_wb"
    ngram: tuple[int, int]
    source: str  # one of SOURCES
    vocabulary: list[str]
    idf: np.ndarray[Any, np.dtype[np.float32]]
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

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = sp.csr_matrix(self.vectorizer().transform(texts), dtype=np.float32)
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
        return {"name": self.name, "analyzer": self.analyzer, "ngram": list(self.ngram), "source": self.source}

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: Any, prefix: str) -> Block:
        return cls(
            name=str(meta["name"]),
            analyzer=str(meta["analyzer"]),
            ngram=(int(meta["ngram"][0]), int(meta["ngram"][1])),
            source=str(meta["source"]),
            vocabulary=[str(v) for v in arrays[f"{prefix}vocab"]],
            idf=np.asarray(arrays[f"{prefix}idf"], dtype=np.float32),
        )


def fit_block(
    name: str,
    analyzer: str,
    ngram: tuple[int, int],
    source: str,
    texts: Sequence[str],
    max_features: int,
    min_df: int = 2,
) -> Block:
    """Learn a block's vocabulary (the `max_features` most frequent terms) and idf from `texts`."""
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
    return Block(name, analyzer, ngram, source, vocabulary, idf)


@dataclass
class FeatureSet:
    """Blocks side by side; `transform` takes the texts in both normalised forms."""

    name: str
    blocks: list[Block]

    @property
    def size(self) -> int:
        return sum(block.size for block in self.blocks)

    def transform(self, forms: Mapping[str, Sequence[str]]) -> sp.csr_matrix:
        parts = [block.transform(forms[block.source]) for block in self.blocks]
        return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)

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
