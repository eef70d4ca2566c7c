"""Narratives: items that tell the same story, grouped, with their volume and reach per time window and a
growth figure, so an analyst sees what is spreading.

Grouping is a single pass in time order over TF-IDF vectors of stemmed words (``bm25.tokenize``): an item
joins the narrative whose centroid it is most similar to (cosine >= ``min_similarity``, default 0.3), otherwise
it opens a new one. Near-duplicates share a narrative by construction. Deterministic for a given input order.

Growth: volume of the latest window against the mean of the ``baseline_windows`` windows before it,
``(last - base) / max(base, 1)`` (0.0 when the narrative has one window); the same for reach.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from praja.infowatch.text.bm25 import STOPWORDS, tokenize


@dataclass(frozen=True)
class NarrativeItem:
    id: str
    text: str
    time: datetime
    reach: int = 1


@dataclass(frozen=True)
class Window:
    start: datetime
    volume: int
    reach: int


@dataclass
class Narrative:
    id: int
    items: list[str]
    terms: list[str]
    windows: list[Window]
    first_seen: datetime
    last_seen: datetime
    volume: int = 0
    reach: int = 0
    growth: float = 0.0
    reach_growth: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _words(text: str) -> list[str]:
    return [w for w in tokenize(text[:5000]) if w not in STOPWORDS and len(w) > 2 and not w.isdigit()]


def _floor(t: datetime, origin: datetime, hours: int) -> datetime:
    step = timedelta(hours=hours)
    return origin + ((t - origin) // step) * step


def group(items: Sequence[NarrativeItem], window_hours: int = 24, *, min_similarity: float = 0.3,
          min_items: int = 1, baseline_windows: int = 3, now: datetime | None = None) -> list[Narrative]:
    """Narratives of ``items`` with windows of ``window_hours`` aligned on the earliest item's day. Narratives
    with fewer than ``min_items`` items are left out. ``now`` (default: the latest item) closes the last window,
    so a narrative silent lately shows empty recent windows and negative growth. Sorted by growth, then volume."""
    if not items:
        return []
    ordered = sorted(items, key=lambda it: (it.time, it.id))
    vec = TfidfVectorizer(analyzer=_words, sublinear_tf=True, min_df=1)
    try:
        x = vec.fit_transform([it.text for it in ordered]).tocsr()
        vocab = np.array(vec.get_feature_names_out())
    except ValueError:  # no words at all
        x = sparse.csr_matrix((len(ordered), 1))
        vocab = np.array([""])
    owner: list[int] = []
    sums: list[Any] = []
    centroids: Any = None
    for i in range(x.shape[0]):
        row = x[i]
        best, best_sim = -1, 0.0
        if centroids is not None and row.nnz:
            sims = np.asarray((centroids @ row.T).todense()).ravel()
            j = int(np.argmax(sims))
            best, best_sim = j, float(sims[j])
        if best >= 0 and best_sim >= min_similarity:
            owner.append(best)
            sums[best] = sums[best] + row
        else:
            owner.append(len(sums))
            sums.append(row.copy())
        c = sums[owner[-1]]
        norm = float(np.sqrt(c.multiply(c).sum())) or 1.0
        c_norm = c / norm
        if centroids is None:
            centroids = sparse.csr_matrix(c_norm)
        elif owner[-1] == centroids.shape[0]:
            centroids = sparse.vstack([centroids, c_norm]).tocsr()
        else:
            centroids = _replace_row(centroids, owner[-1], c_norm)
    origin = _floor(ordered[0].time, ordered[0].time.replace(hour=0, minute=0, second=0, microsecond=0),
                    window_hours)
    end = now or ordered[-1].time
    members: dict[int, list[NarrativeItem]] = {}
    for it, o in zip(ordered, owner, strict=True):
        members.setdefault(o, []).append(it)
    out: list[Narrative] = []
    for nid, its in members.items():
        if len(its) < min_items:
            continue
        first = _floor(its[0].time, origin, window_hours)
        last = _floor(max(end, its[-1].time), origin, window_hours)
        vol: Counter[datetime] = Counter()
        rea: Counter[datetime] = Counter()
        for it in its:
            w = _floor(it.time, origin, window_hours)
            vol[w] += 1
            rea[w] += max(0, int(it.reach))
        windows = []
        w = first
        while w <= last:
            windows.append(Window(w, vol[w], rea[w]))
            w += timedelta(hours=window_hours)
        weights = np.asarray(sums[nid].todense()).ravel()
        top = [str(vocab[k]) for k in np.argsort(-weights)[:6] if weights[k] > 0]
        n = Narrative(nid, [it.id for it in its], top, windows, its[0].time, its[-1].time,
                      volume=len(its), reach=sum(max(0, int(it.reach)) for it in its))
        n.growth = _growth([win.volume for win in windows], baseline_windows)
        n.reach_growth = _growth([win.reach for win in windows], baseline_windows)
        out.append(n)
    out.sort(key=lambda n: (-n.growth, -n.volume, n.id))
    return out


def _growth(series: list[int], baseline: int) -> float:
    if len(series) < 2:
        return 0.0
    base_part = series[-1 - baseline:-1]
    base = sum(base_part) / len(base_part)
    return round((series[-1] - base) / max(base, 1.0), 3)


def _replace_row(m: Any, i: int, row: Any) -> Any:
    return sparse.vstack([m[:i], row, m[i + 1:]]).tocsr()


# --- narratives by claim similarity ------------------------------------------------------------------------


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


DEFAULT_CLAIM_SIMILARITY = 0.2


def claim_similarity_edges(texts: Sequence[str], *, background: Sequence[str] = (), top: int = 20,
                           threshold: float | None = None) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of ``texts`` that may state the same claim, by the claim matcher's own scoring
    (``match.ClaimMatcher``: folded, stemmed BM25 words with digits-for-letters undone and word prefixes),
    fitted on the texts together with ``background`` (the fact-checks' claims: they give the words their
    weight, so "kotak suara" said by every post of a claim still counts).

    The matcher's score is asymmetric and scaled by the query's best possible BM25 (a text scores about 0.5
    against itself), so each score is divided by the text's score against itself, and a pair's similarity is
    the mean of its two directions: 1.0 for the same text, 0 for nothing in common. Every text is compared with
    its ``top`` nearest; pairs at or above ``threshold`` / 2 are kept (the grouping decides with the mean)."""
    from praja.infowatch.text.match import ClaimMatcher

    n = len(texts)
    if n < 2:
        return []
    thr = DEFAULT_CLAIM_SIMILARITY if threshold is None else float(threshold)
    m = ClaimMatcher().fit([(str(i), t) for i, t in enumerate(texts)]
                           + [(f"bg{k}", t) for k, t in enumerate(background)])
    rel = np.zeros((0, n))
    keep: dict[tuple[int, int], float] = {}
    for start in range(0, n, 256):
        block = m.scores(list(texts[start:start + 256]))[:, :n]
        self_score = np.array([block[r, start + r] for r in range(block.shape[0])])
        self_score[self_score <= 0] = 1.0
        rel = block / self_score[:, None]
        k = min(n, top + 1)
        cand = np.argpartition(-rel, k - 1, axis=1)[:, :k]
        for r in range(rel.shape[0]):
            i = start + r
            for j in cand[r]:
                j = int(j)
                if j != i and rel[r, j] > 0:
                    keep[(i, j)] = float(rel[r, j])
    edges = []
    done: set[tuple[int, int]] = set()
    for (i, j), s_ij in keep.items():
        a, b = min(i, j), max(i, j)
        if (a, b) in done:
            continue
        done.add((a, b))
        s_ji = keep.get((j, i))
        if s_ji is None:
            row = m.scores([texts[j]])[0][:n]
            s_ji = float(row[i] / (row[j] if row[j] > 0 else 1.0))
        mean = (s_ij + s_ji) / 2
        if mean >= thr / 2:
            edges.append((a, b, round(mean, 4)))
    return edges


def claim_groups(n: int, edges: Sequence[tuple[int, int, float]], threshold: float | None = None) -> list[list[int]]:
    """Groups (indices, each sorted; groups ordered by their first index) of ``n`` items, by average linkage:
    the strongest pairs first, two groups merge when the mean similarity over all their pairs (a pair without an
    edge counts 0) reaches ``threshold``. One weak chain cannot pull an unrelated post in, as single linkage
    would. Edges of similarity 1.0 (the same fact-check above its threshold, near-duplicates) always merge."""
    thr = DEFAULT_CLAIM_SIMILARITY if threshold is None else float(threshold)
    sim: dict[tuple[int, int], float] = {}
    for a, b, s in edges:
        key = (min(int(a), int(b)), max(int(a), int(b)))
        sim[key] = max(sim.get(key, 0.0), float(s))
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for (a, b), s in sorted(sim.items(), key=lambda kv: (-kv[1], kv[0])):
        ga, gb = owner[a], owner[b]
        if ga == gb:
            continue
        if s < 1.0:
            total = sum(sim.get((min(x, y), max(x, y)), 0.0) for x in members[ga] for y in members[gb])
            if total / (len(members[ga]) * len(members[gb])) < thr:
                continue
        keep, drop = min(ga, gb), max(ga, gb)
        for x in members[drop]:
            owner[x] = keep
        members[keep].extend(members.pop(drop))
    return sorted((sorted(g) for g in members.values()), key=lambda g: g[0])
