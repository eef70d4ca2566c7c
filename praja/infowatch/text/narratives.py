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
