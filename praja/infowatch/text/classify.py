"""The text classifiers of infowatch: election relevance, hoax likelihood, hate speech, abusive
language and the SARA targets of hate speech (religion, race/ethnicity, group).

Each label is a linear head over TF-IDF feature blocks (features.py) with a Platt sigmoid that turns
its decision value into a score in 0..1, and a threshold above which the label is shown as set.
The model file is one ``.npz`` of strings and float32 arrays plus a JSON header (no pickle), built by
``training.train``. Predicting needs no Django, no network and no GPU.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from praja.infowatch.text import cls_election
from praja.infowatch.text.features import Block, FeatureSet
from praja.infowatch.text.normalise import MAX_CHARS, normalise

LABELS = ("election", "hoax", "hate_speech", "abusive", "sara_religion", "sara_race", "sara_group")
FORMAT_VERSION = 1
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "infowatch-classifier.npz"

FloatArray = np.ndarray[Any, np.dtype[np.float32]]


@dataclass
class Head:
    """One label: w.x + b, then 1 / (1 + exp(-(a * decision + c))) is the score."""

    label: str
    featureset: str
    coef: FloatArray
    intercept: float
    platt_a: float
    platt_c: float
    threshold: float = 0.5

    def decision(self, x: sp.csr_matrix) -> FloatArray:
        out: FloatArray = np.asarray(x @ self.coef, dtype=np.float32).ravel() + np.float32(self.intercept)
        return out

    def score(self, decision: FloatArray) -> FloatArray:
        z = np.clip(self.platt_a * decision + self.platt_c, -30.0, 30.0)
        out: FloatArray = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return out

    def meta(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "featureset": self.featureset,
            "intercept": float(self.intercept),
            "platt_a": float(self.platt_a),
            "platt_c": float(self.platt_c),
            "threshold": float(self.threshold),
        }


class Classifier:
    """All labels of one model file; `predict` scores texts, `explain` says which words pushed a score."""

    def __init__(
        self,
        featuresets: Mapping[str, FeatureSet],
        heads: Mapping[str, Head],
        slang: Mapping[str, str],
        election_lexicon: Mapping[str, float],
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        self.featuresets = dict(featuresets)
        self.heads = dict(heads)
        self.slang = dict(slang)
        self.election_lexicon = dict(election_lexicon)
        self.meta = dict(meta or {})

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label in LABELS if label in self.heads) + tuple(
            label for label in self.heads if label not in LABELS
        )

    def thresholds(self) -> dict[str, float]:
        return {label: head.threshold for label, head in self.heads.items()}

    # -- normalisation -------------------------------------------------------------------------

    def forms(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """The texts in the two normalised forms the feature blocks read."""
        return {
            "slang": [normalise(text, slang=self.slang) for text in texts],
            "plain": [normalise(text, slang={}) for text in texts],
            "raw": [text[:MAX_CHARS] for text in texts],
        }

    # -- scoring -------------------------------------------------------------------------------

    def decisions(self, forms: Mapping[str, Sequence[str]]) -> dict[str, FloatArray]:
        """Each head's raw decision value for texts already normalised by `forms`."""
        matrices = {name: fs.transform(forms) for name, fs in self.featuresets.items()}
        return {label: head.decision(matrices[head.featureset]) for label, head in self.heads.items()}

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        """One dict per text: every label with its score in 0..1."""
        if not texts:
            return []
        texts = [text if isinstance(text, str) else str(text) for text in texts]
        forms = self.forms(texts)
        decisions = self.decisions(forms)
        scores = {label: self.heads[label].score(decisions[label]) for label in self.heads}
        if "election" in scores:
            lexical = np.array(
                [cls_election.lexicon_score(text, self.election_lexicon) for text in forms["slang"]],
                dtype=np.float32,
            )
            scores["election"] = np.maximum(scores["election"], lexical)
        order = self.labels
        return [{label: round(float(scores[label][i]), 4) for label in order} for i in range(len(texts))]

    def predict_labels(self, texts: list[str]) -> list[set[str]]:
        """The labels whose score reaches its threshold, per text."""
        return [
            {label for label, score in row.items() if score >= self.heads[label].threshold}
            for row in self.predict(texts)
        ]

    def explain(self, text: str, label: str, k: int = 5) -> list[tuple[str, float]]:
        """The words of `text` that pushed `label`'s score up most, with their share of the decision.

        Word and word-pair features count for their words; a character n-gram counts for the word it
        lies in. Election lexicon terms come first with their lexicon weight.
        """
        if label not in self.heads:
            raise KeyError(label)
        head = self.heads[label]
        forms = self.forms([text])
        featureset = self.featuresets[head.featureset]
        x = featureset.transform(forms).tocoo()
        per_word: dict[str, float] = defaultdict(float)
        offsets = featureset.offsets()
        for column, value in zip(x.col, x.data, strict=True):
            contribution = float(value) * float(head.coef[column])
            block_index = max(i for i, start in enumerate(offsets) if start <= column)
            block = featureset.blocks[block_index]
            term = block.vocabulary[column - offsets[block_index]]
            source_text = forms[block.source][0]
            for word, share in _owners(block, term, source_text):
                per_word[word] += contribution * share
        out: list[tuple[str, float]] = []
        if label == "election":
            for term, weight in cls_election.lexicon_hits(forms["slang"][0], self.election_lexicon):
                out.append((term, weight))
        seen = {term for term, _ in out}
        ranked = sorted(per_word.items(), key=lambda item: -item[1])
        out.extend((word, round(value, 4)) for word, value in ranked if value > 0 and word not in seen)
        return out[:k]

    # -- files ---------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        header: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "meta": self.meta,
            "featuresets": {},
            "heads": [head.meta() for head in self.heads.values()],
            "election_lexicon": self.election_lexicon,
        }
        for name, fs in self.featuresets.items():
            header["featuresets"][name] = [block.meta() for block in fs.blocks]
            for i, block in enumerate(fs.blocks):
                arrays.update(block.to_arrays(f"fs_{name}_{i}_"))
        for head in self.heads.values():
            arrays[f"coef_{head.label}"] = head.coef.astype(np.float16)
        keys = sorted(self.slang)
        arrays["slang_keys"] = np.array(keys, dtype=str)
        arrays["slang_values"] = np.array([self.slang[key] for key in keys], dtype=str)
        arrays["header"] = np.array(json.dumps(header, ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> Classifier:
        with np.load(path, allow_pickle=False) as arrays:
            header = json.loads(str(arrays["header"]))
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"{path}: model format {header.get('format')}, expected {FORMAT_VERSION}")
            featuresets = {
                name: FeatureSet(
                    name,
                    [Block.from_arrays(meta, arrays, f"fs_{name}_{i}_") for i, meta in enumerate(metas)],
                )
                for name, metas in header["featuresets"].items()
            }
            heads = {}
            for meta in header["heads"]:
                heads[meta["label"]] = Head(
                    label=meta["label"],
                    featureset=meta["featureset"],
                    coef=np.asarray(arrays[f"coef_{meta['label']}"], dtype=np.float32),
                    intercept=float(meta["intercept"]),
                    platt_a=float(meta["platt_a"]),
                    platt_c=float(meta["platt_c"]),
                    threshold=float(meta["threshold"]),
                )
            slang = dict(
                zip((str(k) for k in arrays["slang_keys"]), (str(v) for v in arrays["slang_values"]), strict=True)
            )
        return cls(featuresets, heads, slang, header.get("election_lexicon", {}), header.get("meta", {}))


def _owners(block: Block, term: str, text: str) -> list[tuple[str, float]]:
    """The words a feature term belongs to in `text`, each with its share (shares sum to 1)."""
    if block.analyzer == "style":  # a style feature: a counted term, or a figure of the whole text
        return [(term.removeprefix("term:"), 1.0)] if term.startswith("term:") else [(f"[{term}]", 1.0)]
    if block.analyzer == "word":
        words = term.split()
        return [(word, 1.0 / len(words)) for word in words]
    core = term.strip()
    if not core:
        return []
    owners = [word for word in text.split() if core in f" {word} " or core in word]
    if not owners:
        return []
    share = 1.0 / len(owners)
    return [(word, share) for word in owners]


_DEFAULT: Classifier | None = None
_DEFAULT_TRIED = False


def load_default() -> Classifier | None:
    """The classifier shipped in praja/infowatch/data/, loaded once; None when the file is missing."""
    global _DEFAULT, _DEFAULT_TRIED
    if not _DEFAULT_TRIED:
        _DEFAULT_TRIED = True
        _DEFAULT = Classifier.load(DEFAULT_FILE) if DEFAULT_FILE.exists() else None
    return _DEFAULT


def shipped_slang() -> dict[str, str]:
    """The slang table of the shipped model (empty when there is no model file)."""
    model = load_default()
    return dict(model.slang) if model is not None else {}


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))
