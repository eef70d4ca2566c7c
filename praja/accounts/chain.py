"""The hash chain of the audit log, free of Django: canonical form, entry hash, verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The fields an entry's hash covers, in this order.
HASHED_FIELDS = (
    "seq", "at", "actor_label", "address", "channel", "action", "target_type", "target_id", "region_code",
    "changes",
)


def canonical(entry: Mapping[str, Any]) -> str:
    body = {k: entry[k] for k in HASHED_FIELDS}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(entry)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(entries: Iterable[Mapping[str, Any]]) -> tuple[int, Break | None]:
    """Walk entries in seq order; return (entries checked, first broken link or None)."""
    prev = GENESIS
    expected_seq = 1
    n = 0
    for e in entries:
        n += 1
        seq = int(e["seq"])
        if seq != expected_seq:
            return n, Break(seq, f"sequence jumps from {expected_seq - 1} to {seq} (an entry was removed)")
        if e["prev_hash"] != prev:
            return n, Break(seq, "prev_hash does not match the hash of the entry before it")
        h = entry_hash(prev, e)
        if e["hash"] != h:
            return n, Break(seq, "content does not match its hash (the entry was edited)")
        prev = h
        expected_seq += 1
    return n, None
