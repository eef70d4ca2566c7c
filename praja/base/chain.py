"""The audit log's tamper evidence, free of Django: canonical form, Merkle trees, batch heads, verification.

Entries are written without any hash (an INSERT in the writer's own transaction, numbered by the database).
A single sequencer later seals them in batches: a batch covers a contiguous range of entry numbers
(``first_seq..last_seq``; numbers of rolled-back transactions are simply absent), records how many entries
it holds and the Merkle root (RFC 6962, as Certificate Transparency logs) over their leaf hashes in number
order, and its head hash chains it to the previous batch's head. The head of the last batch is the log's
head: (tree size, head hash), appended to an anchor file outside the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The fields an entry's leaf hash covers, in this order. `report_ref` and `sensitivity` decide who may
# read the entry, so they are covered too (changing them to leak an entry breaks the batch root).
HASHED_FIELDS = (
    "seq", "at", "actor_label", "address", "channel", "action", "target_type", "target_id", "region_code",
    "report_ref", "sensitivity", "changes",
)

# The fields a batch head covers.
BATCH_FIELDS = ("number", "first_seq", "last_seq", "count", "tree_size", "root", "sealed_at")


def _dumps(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical(entry: Mapping[str, Any]) -> str:
    return _dumps({k: entry.get(k) for k in HASHED_FIELDS})


def leaf_hash(entry: Mapping[str, Any]) -> bytes:
    """RFC 6962 leaf: SHA-256(0x00 || canonical entry)."""
    return hashlib.sha256(b"\x00" + canonical(entry).encode("utf-8")).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> str:
    """RFC 6962 Merkle tree hash of the leaves in order (hex). Built bottom-up: an unpaired last node is
    carried up unchanged, which gives the same tree as RFC 6962's split at the largest power of two."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = list(leaves)
    while len(level) > 1:
        nxt = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def batch_head(prev_head: str, batch: Mapping[str, Any]) -> str:
    """The head hash of a batch: SHA-256 over the previous head and the batch's canonical fields."""
    body = _dumps({k: batch[k] for k in BATCH_FIELDS})
    return hashlib.sha256((prev_head + "\n" + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """One finding of the verification: where (an entry number or a batch) and why."""

    seq: int
    reason: str
    batch: int | None = None

    def __str__(self) -> str:
        where = f"batch {self.batch}" if self.batch is not None else f"entry #{self.seq}"
        if self.batch is not None and self.seq:
            where += f" (entry #{self.seq})"
        return f"{where}: {self.reason}"


def check_batch_links(batches: Iterable[Mapping[str, Any]]) -> list[Break]:
    """The batches, in number order, form one chain: numbers 1, 2, 3...; ranges follow each other without
    overlap; tree sizes add up; each head covers the previous head and the batch's own fields."""
    out: list[Break] = []
    prev_head, prev_last, prev_size, expected = GENESIS, 0, 0, 1
    for b in batches:
        n = int(b["number"])
        if n != expected:
            out.append(Break(0, f"batch numbers jump from {expected - 1} to {n} (a batch was removed)", n))
        if int(b["first_seq"]) != prev_last + 1:
            out.append(Break(int(b["first_seq"]), f"its range starts at #{b['first_seq']}, the batch before "
                             f"ended at #{prev_last} (a batch was removed or its range rewritten)", n))
        if int(b["tree_size"]) != prev_size + int(b["count"]):
            out.append(Break(0, "its tree size is not the size before it plus its count", n))
        if b["prev_head"] != prev_head:
            out.append(Break(0, "it does not point to the head of the batch before it", n))
        if b["head"] != batch_head(b["prev_head"], b):
            out.append(Break(0, "its head hash does not match its fields (the batch was edited)", n))
        prev_head, prev_last, prev_size, expected = b["head"], int(b["last_seq"]), int(b["tree_size"]), n + 1
    return out


def check_batch_entries(batch: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> list[Break]:
    """The entries found in the batch's range (in number order) are exactly those it sealed: same count
    (a removed or an added entry), same Merkle root (an edited, reordered or substituted entry)."""
    n = int(batch["number"])
    out: list[Break] = []
    if len(entries) != int(batch["count"]):
        out.append(Break(
            int(batch["first_seq"]),
            f"it sealed {batch['count']} entries in #{batch['first_seq']}..#{batch['last_seq']}, the database "
            f"holds {len(entries)} there (entries were {'removed' if len(entries) < int(batch['count']) else 'added'})",
            n,
        ))
    root = merkle_root([leaf_hash(e) for e in entries])
    if root != batch["root"]:
        out.append(Break(int(batch["first_seq"]), "the entries do not match its Merkle root (an entry was "
                         "edited, removed, added or reordered)", n))
        out += diagnose(batch, entries)
    return out


def pack_leaves(entries: Sequence[Mapping[str, Any]]) -> bytes:
    """The batch's leaf list as stored next to its root: 8-byte entry number + 32-byte leaf hash each."""
    return b"".join(int(e["seq"]).to_bytes(8, "big") + leaf_hash(e) for e in entries)


def unpack_leaves(blob: bytes) -> list[tuple[int, bytes]]:
    return [(int.from_bytes(blob[i:i + 8], "big"), blob[i + 8:i + 40]) for i in range(0, len(blob), 40)]


def diagnose(batch: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> list[Break]:
    """Name the entries that differ from what the batch sealed, using its stored leaf list, but only when
    that list itself still hashes to the batch's root (otherwise it proves nothing)."""
    sealed = unpack_leaves(bytes(batch.get("leaves") or b""))
    n = int(batch["number"])
    if not sealed or merkle_root([h for _s, h in sealed]) != batch["root"]:
        return []
    now = {int(e["seq"]): leaf_hash(e) for e in entries}
    out: list[Break] = []
    for seq, h in sealed:
        if seq not in now:
            out.append(Break(seq, "this sealed entry was removed", n))
        elif now[seq] != h:
            out.append(Break(seq, "this sealed entry was edited", n))
    was = {s for s, _h in sealed}
    out += [Break(seq, "this entry was added after the batch was sealed", n) for seq in sorted(now) if seq not in was]
    if not out:
        out.append(Break(int(batch["first_seq"]), "the entries were reordered", n))
    return out
