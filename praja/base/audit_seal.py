"""The audit log's sequencer and verifier.

Writers only INSERT entries (numbered by the database, in their own transaction, no lock). `seal` is the
single sequencer: it takes the one `AuditHead` row (writers never touch it), finds the longest prefix of
entry numbers that can no longer change, and seals it in batches (count + Merkle root + head hash chained to
the previous batch), then appends the new head to the anchor file outside the database. `verify_log` seals
what is pending and checks every batch, the head row and the anchor file. docs/security.md, "The audit
chain", gives the design and what each check catches.

The gap problem: numbers are handed out at INSERT but transactions commit out of order, so a number below
the highest visible one may still be in an open transaction. On SQLite writers are serialised (one write
transaction at a time, BEGIN IMMEDIATE), so every visible number is final. On PostgreSQL the sequencer
reads the sequence's last handed-out number L, then the clock t, and seals up to L only once no transaction
that began at or before t is still open (pg_stat_activity.xact_start): every number up to L was handed out
by such a transaction, so each is then committed (visible) or rolled back (a permanent gap, tolerated:
a batch records the range it covers and the count of entries it found there). When a long transaction is
open, the watermark (L, t) is kept on the head row and sealed by a later run once it is safe.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from praja.base import chain

ENTRY_FIELDS = (
    "seq", "at", "actor_label", "address", "channel", "action", "target_type", "target_id", "region_code",
    "report_ref", "sensitivity", "changes",
)
BATCH_SIZE = 10_000


def chain_mapping(e: Any) -> dict[str, Any]:
    """An entry (model instance or values() dict) as the chain hashes it."""
    get = e.get if isinstance(e, Mapping) else (lambda k: getattr(e, k))
    out = {k: get(k) for k in ENTRY_FIELDS}
    at = out["at"]
    out["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at)
    return out


def _batch_mapping(b: Any) -> dict[str, Any]:
    get = b.get if isinstance(b, Mapping) else (lambda k: getattr(b, k))
    out = {k: get(k) for k in (*chain.BATCH_FIELDS, "prev_head", "head")}
    sealed_at = out["sealed_at"]
    out["sealed_at"] = sealed_at.isoformat(timespec="microseconds") if isinstance(sealed_at, datetime) else sealed_at
    return out


# --- the safe prefix --------------------------------------------------------------------------------


def _pg_watermark() -> tuple[int, datetime]:
    """(last number handed out by the entry sequence, the server's clock right after reading it)."""
    with connection.cursor() as c:
        c.execute("SELECT pg_get_serial_sequence('accounts_auditentry', 'seq')")
        seq_name = c.fetchone()[0]
        c.execute(f"SELECT last_value, is_called FROM {seq_name}")  # noqa: S608 - a name from the catalogue
        last_value, is_called = c.fetchone()
        c.execute("SELECT clock_timestamp()")
        t = c.fetchone()[0]
    return (int(last_value) if is_called else int(last_value) - 1), t


def _pg_quiet_since(t: datetime) -> bool:
    """No other transaction of this database that began at or before `t` is still open."""
    with connection.cursor() as c:
        c.execute("SELECT pg_stat_clear_snapshot()")
        c.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "AND xact_start IS NOT NULL AND xact_start <= %s)",
            [t],
        )
        return bool(c.fetchone()[0])


def _visible_max() -> int:
    from praja.base.models import AuditEntry

    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return int(last or 0)


# --- sealing -------------------------------------------------------------------------------------------


@dataclass
class SealResult:
    batches: list[dict[str, Any]] = field(default_factory=list)
    sealed: int = 0
    size: int = 0
    head: str = chain.GENESIS
    waiting_for: int = 0  # numbers handed out but not yet safe to seal (open transactions)


def seal(*, wait: float = 2.0, batch_size: int = BATCH_SIZE) -> SealResult:
    """Seal every entry that can no longer change into new batches; append the new head to the anchor file.

    Run it in its own transaction (the command, the background loop); `wait` is how long to wait, at
    most, for open transactions older than this run (PostgreSQL) before sealing only up to an older mark.
    """
    from praja.base.models import AuditBatch, AuditHead

    pg = connection.vendor == "postgresql"
    if pg:
        mark, t = _pg_watermark()
        head_now = AuditHead.objects.filter(id=1).values_list("last_seq", "size", "last_hash").first()
        if head_now is not None and mark <= head_now[0]:
            # Nothing numbered since the last seal: no wait, no lock, no write. (The job workers call this
            # every few seconds; under a burst of reports that carry no audit entry they used to wait here,
            # asking pg_stat_activity 20 times a second, for transactions that had nothing to do with it.)
            anchor(log_id())
            return SealResult(size=int(head_now[1]), head=str(head_now[2]))
        deadline = time.monotonic() + wait
        safe = _pg_quiet_since(t)
        pause = 0.02
        while not safe and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.32)  # the usual open transaction ends within milliseconds; a long one, later
            safe = _pg_quiet_since(t)
    result = SealResult()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        head.log_id = log_id()
        if not pg:
            bound = _visible_max()
        elif safe:
            bound = mark
            head.mark_seq, head.mark_at = 0, None
        else:
            bound = head.last_seq
            if head.mark_at is not None and _pg_quiet_since(head.mark_at):
                bound = head.mark_seq
                head.mark_seq, head.mark_at = 0, None
            if head.mark_at is None:
                head.mark_seq, head.mark_at = mark, t
            result.waiting_for = max(0, mark - bound)
        prev = AuditBatch.objects.order_by("-number").first()
        while bound > head.last_seq:
            rows = [chain_mapping(r) for r in _entries_after(head.last_seq, bound, batch_size)]
            if not rows:
                break
            last_seq = bound if len(rows) < batch_size else int(rows[-1]["seq"])
            b: dict[str, Any] = {
                "number": head.batches + 1,
                "first_seq": head.last_seq + 1,
                "last_seq": last_seq,
                "count": len(rows),
                "tree_size": head.size + len(rows),
                "root": chain.merkle_root([chain.leaf_hash(r) for r in rows]),
                "sealed_at": timezone.now().isoformat(timespec="microseconds"),
                "prev_head": prev.head if prev is not None else chain.GENESIS,
            }
            b["head"] = chain.batch_head(b["prev_head"], b)
            prev = AuditBatch(
                **{**b, "sealed_at": datetime.fromisoformat(b["sealed_at"])}, leaves=chain.pack_leaves(rows)
            )
            prev.save(force_insert=True)
            head.last_seq, head.size, head.batches, head.last_hash = last_seq, b["tree_size"], b["number"], b["head"]
            result.batches.append(b)
            result.sealed += len(rows)
        head.save()
        result.size, result.head = head.size, head.last_hash
        name = head.log_id
    anchor(name)
    return result


def _entries_after(after: int, upto: int, limit: int) -> Iterator[dict[str, Any]]:
    from praja.base.models import AuditEntry

    qs = AuditEntry.objects.filter(seq__gt=after, seq__lte=upto).order_by("seq").values(*ENTRY_FIELDS)
    return iter(qs[:limit])


def current_head() -> tuple[int, str]:
    """The log's head as sealed now: (entries in all sealed batches, head hash). For the lapsit footer."""
    from praja.base.models import AuditHead

    head = AuditHead.objects.filter(id=1).values_list("size", "last_hash").first()
    return (int(head[0]), str(head[1])) if head else (0, chain.GENESIS)


# --- the anchor file -----------------------------------------------------------------------------------


def log_id() -> str:
    """The name of this log on the anchor file's lines: a setting, or derived from the secret key and the
    database name (stable for a deployment; a re-created database has the same name, so its anchored
    heads are still compared: a log that was emptied and re-sealed is reported, not silently restarted)."""
    configured = str(getattr(settings, "AUDIT_LOG_ID", "") or "")
    if configured:
        return configured[:32]
    db = str(settings.DATABASES["default"].get("NAME", ""))
    return hashlib.sha256(f"praja audit log\0{settings.SECRET_KEY}\0{db}".encode()).hexdigest()[:16]


def anchor_path() -> Path:
    return Path(getattr(settings, "AUDIT_ANCHOR_FILE", Path(settings.VAR_DIR) / "audit-anchor.log"))


@dataclass(frozen=True)
class Anchored:
    log_id: str
    number: int
    size: int
    head: str
    at: str


def read_anchors() -> list[Anchored]:
    path = anchor_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 5 and parts[1].isdigit() and parts[2].isdigit():
            out.append(Anchored(parts[0], int(parts[1]), int(parts[2]), parts[3], parts[4]))
    return out


def anchor(log_id: str) -> int:
    """Append to the anchor file every batch head of this log that is not there yet; returns how many."""
    from praja.base.models import AuditBatch

    done = max((a.number for a in read_anchors() if a.log_id == log_id), default=0)
    new = list(
        AuditBatch.objects.filter(number__gt=done).order_by("number").values_list("number", "tree_size", "head")
    )
    if not new:
        return 0
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    now = timezone.now().isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as f:
        for number, size, head in new:
            f.write(f"{log_id}\t{number}\t{size}\t{head}\t{now}\n")
        f.flush()
        os.fsync(f.fileno())
    return len(new)


# --- verification --------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    entries: int = 0
    batches: int = 0
    size: int = 0
    head: str = chain.GENESIS
    pending: int = 0
    anchored: Anchored | None = None
    breaks: list[chain.Break] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_log(*, seal_first: bool = True) -> VerifyResult:
    """Seal what is pending (unless told not to), then check every batch, the head row and the anchors."""
    from praja.base.models import AuditBatch, AuditEntry, AuditHead

    if seal_first:
        seal()
    res = VerifyResult()
    batch_fields = (*chain.BATCH_FIELDS, "prev_head", "head", "leaves")
    batches = [
        {**_batch_mapping(b), "leaves": bytes(b["leaves"] or b"")}
        for b in AuditBatch.objects.order_by("number").values(*batch_fields).iterator(chunk_size=200)
    ]
    res.breaks += chain.check_batch_links(batches)
    stream = (chain_mapping(e) for e in AuditEntry.objects.order_by("seq").values(*ENTRY_FIELDS).iterator(
        chunk_size=2000))
    pending: dict[str, Any] | None = next(stream, None)
    for b in batches:
        inside: list[dict[str, Any]] = []
        while pending is not None and int(pending["seq"]) <= int(b["last_seq"]):
            if int(pending["seq"]) < int(b["first_seq"]):
                res.breaks.append(chain.Break(int(pending["seq"]), "this entry lies outside every sealed batch"))
            else:
                inside.append(pending)
            res.entries += 1
            pending = next(stream, None)
        res.breaks += chain.check_batch_entries(b, inside)
    while pending is not None:
        res.entries += 1
        res.pending += 1
        pending = next(stream, None)
    last = batches[-1] if batches else None
    res.batches = len(batches)
    res.size = int(last["tree_size"]) if last else 0
    res.head = str(last["head"]) if last else chain.GENESIS
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        said = (head.size, head.last_hash, head.batches, head.last_seq)
        found = (res.size, res.head, res.batches, int(last["last_seq"]) if last else 0)
        if said != found:
            res.breaks.append(chain.Break(0, (
                f"the head row says {head.size} entries in {head.batches} batches (head {head.last_hash[:16]}...), "
                f"the database holds {res.size} in {res.batches} (head {res.head[:16]}...): "
                + ("the last batches were removed (truncation)" if head.size > res.size else "the head was rewritten")
            )))
        _check_anchors(res, log_id(), batches)
    else:
        if batches:
            res.breaks.append(chain.Break(0, "the head row is missing"))
        _check_anchors(res, log_id(), batches)
    return res


def _check_anchors(res: VerifyResult, log_id: str, batches: list[dict[str, Any]]) -> None:
    anchors = read_anchors()
    mine = [a for a in anchors if a.log_id == log_id]
    if anchors and not mine:
        res.notes.append(f"the anchor file {anchor_path()} holds no head of this log ({log_id or '-'}), only of "
                         f"{len({a.log_id for a in anchors})} other logs (another database?)")
    by_number = {int(b["number"]): b for b in batches}
    for a in mine:
        b = by_number.get(a.number)
        if b is None:
            res.breaks.append(chain.Break(0, f"batch {a.number} (size {a.size}, head {a.head[:16]}...) was anchored "
                                          f"on {a.at} but is not in the database (truncation)", a.number))
        elif b["head"] != a.head or int(b["tree_size"]) != a.size:
            res.breaks.append(chain.Break(0, f"its head differs from the one anchored on {a.at} (the log was "
                                          "rewritten)", a.number))
    if mine:
        res.anchored = mine[-1]
        if mine[-1].size > res.size:
            res.breaks.append(chain.Break(0, f"the anchor file's last head holds {mine[-1].size} entries, the "
                                          f"database {res.size} (truncation)"))
        elif mine[-1].number < res.batches:
            res.notes.append(f"{res.batches - mine[-1].number} batches are not anchored yet")
    elif batches:
        res.notes.append("no head of this log is anchored yet")


# --- the periodic step ---------------------------------------------------------------------------------

_sealer: Any = None


def start_background_sealer(interval: float) -> Any:
    """Seal every `interval` seconds in a daemon thread of this process (for a deployment without job workers;
    `praja serve`'s workers seal between jobs instead, praja/jobqueue/worker.py). Several processes may each run
    one: the head row's lock makes them take turns, and a turn with nothing to seal writes nothing but the head
    row."""
    import logging
    import threading

    from django.db import close_old_connections

    global _sealer
    if interval <= 0 or _sealer is not None:
        return _sealer
    log = logging.getLogger("praja.audit")

    def loop() -> None:
        while True:
            time.sleep(interval)
            try:
                close_old_connections()
                seal(wait=min(2.0, interval))
            except Exception:  # noqa: BLE001 - keep sealing; the next turn retries
                log.exception("audit seal failed")
            finally:
                close_old_connections()

    _sealer = threading.Thread(target=loop, name="praja-audit-sealer", daemon=True)
    _sealer.start()
    return _sealer
