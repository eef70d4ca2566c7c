"""Near-duplicate posts: a 64-bit SimHash of the set of words (folded text, URLs and @mentions dropped), two
texts being near-duplicates when their signatures differ in at most ``max_bits`` bits (default 6). Words, not
word n-grams: posts are short, and on tweets of 12+ words one changed or dropped word moves a word-set
signature by 5 bits (median) against 8 for word pairs and 10 for word triples, while unrelated posts sit
near 32 bits apart.

``group(texts)`` groups a batch without comparing every pair: the 64 bits are cut into ``max_bits + 1``
bands, and by the pigeonhole principle two signatures within ``max_bits`` bits agree on at least one band,
so only texts sharing a band are compared (union-find over the matches).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from praja.infowatch.text.bm25 import fold

MAX_BITS = 6
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|\buser\b|\burl\b|\brt\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MASK = (1 << 64) - 1
_BITS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def _shingles(text: str, size: int = 1) -> list[str]:
    words = _WORD.findall(fold(_NOISE.sub(" ", text[:100_000])))
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]


def signature(text: str) -> int:
    """64-bit SimHash of ``text`` (0 for a text without words). Stable across processes and machines."""
    sh = _shingles(text)
    if not sh:
        return 0
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
                          for s in set(sh)), dtype=np.uint64)
    bits = (hashes[:, None] & _BITS[None, :]) != 0
    votes = bits.sum(axis=0) * 2 - len(hashes)
    return int(sum(1 << i for i in range(64) if votes[i] > 0))


def distance(a_sig: int, b_sig: int) -> int:
    return ((a_sig ^ b_sig) & _MASK).bit_count()


def near_duplicate(a_sig: int, b_sig: int, max_bits: int = MAX_BITS) -> bool:
    """True when the signatures differ in at most ``max_bits`` bits (a zero signature matches only zero)."""
    if a_sig == 0 or b_sig == 0:
        return a_sig == b_sig == 0
    return distance(a_sig, b_sig) <= max_bits


def group_signatures(sigs: Sequence[int], max_bits: int = MAX_BITS) -> list[int]:
    """For each signature, the index of the first member of its near-duplicate group (itself when alone).
    Groups are transitive (A~B and B~C puts A, B and C together)."""
    arr_all = np.array([s & _MASK for s in sigs], dtype=np.uint64)
    uniq, first, inverse = np.unique(arr_all, return_index=True, return_inverse=True)
    rep = _group_unique(uniq, max_bits)  # per distinct signature: the distinct signature it joins
    # the first text of a group: the smallest first index over the distinct signatures of that group
    best: dict[int, int] = {}
    for u, r in enumerate(rep):
        best[r] = min(best.get(r, len(sigs)), int(first[u]))
    out = [best[rep[int(u)]] for u in inverse]
    return [i if arr_all[i] == 0 else o for i, o in enumerate(out)]  # texts without words stay alone


def _group_unique(arr: np.ndarray[tuple[int], np.dtype[np.uint64]], max_bits: int) -> list[int]:
    n = len(arr)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    live = np.flatnonzero(arr != 0)
    bands = max_bits + 1
    width = 64 // bands
    for b in range(bands):
        shift = b * width
        bits = width if b < bands - 1 else 64 - shift
        keys = (arr[live] >> np.uint64(shift)) & np.uint64((1 << bits) - 1)
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        cuts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1], True])
        for a, z in zip(cuts[:-1], cuts[1:], strict=True):
            if z - a < 2:
                continue
            members = live[order[a:z]]
            for c in range(0, len(members), 1024):  # bounded memory for a crowded bucket
                block = members[c:c + 1024]
                close = np.bitwise_count(arr[block][:, None] ^ arr[members][None, :]) <= max_bits
                for x, y in zip(*np.nonzero(close), strict=True):
                    i, j = int(block[x]), int(members[y])
                    if i < j:
                        ri, rj = root(i), root(j)
                        if ri != rj:
                            parent[max(ri, rj)] = min(ri, rj)
    return [root(i) for i in range(n)]


def group(texts: Sequence[str], max_bits: int = MAX_BITS) -> list[int]:
    """For each text, the index of the first text of its near-duplicate group."""
    return group_signatures([signature(t) for t in texts], max_bits)
