"""Appending to the audit log. Every write by a person passes through `record`.

The acting person, their address and the channel are kept in a context variable that the web
middleware (and the command line, through `acting_as`) sets; the model signals in
`audit_signals` read it, so a save anywhere in Praja is logged without each view remembering to.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from praja.accounts import chain
from praja.accounts.masking import mask_field


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    address: str = ""
    channel: str = "web"


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("praja_actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def system_actor(command: str) -> Actor:
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001
        who = "unknown"
    return Actor(user_id=None, label=f"system:{command} ({who})", address="", channel="cli")


def masked_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_field(k, v) for k, v in changes.items()}


def record(
    action: str,
    target_type: str,
    target_id: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> Any:
    """Append one entry to the chain. Returns the AuditEntry. Needs an actor (explicit or current)."""
    from praja.accounts.models import AuditEntry, AuditHead

    who = actor or current_actor()
    if who is None:
        raise RuntimeError("audit.record needs an actor: wrap the write in acting_as(...)")
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        fields: dict[str, Any] = {
            "seq": head.last_seq + 1,
            "at": timezone.now().isoformat(timespec="microseconds"),
            "actor_label": who.label[:150],
            "address": who.address[:64],
            "channel": who.channel[:16],
            "action": action[:32],
            "target_type": target_type[:64],
            "target_id": str(target_id)[:64],
            "region_code": region_code[:20],
            "changes": masked_changes(changes or {}),
        }
        h = chain.entry_hash(head.last_hash, fields)
        entry = AuditEntry(
            **{**fields, "at": datetime.fromisoformat(fields["at"])},
            actor_id=who.user_id,
            prev_hash=head.last_hash,
            hash=h,
        )
        entry.save()
        AuditHead.objects.filter(id=1).update(last_seq=fields["seq"], last_hash=h)
    return entry


def entry_as_mapping(e: Any) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(timespec="microseconds"),
        "actor_label": e.actor_label,
        "address": e.address,
        "channel": e.channel,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "region_code": e.region_code,
        "changes": e.changes,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def verify_chain() -> tuple[int, chain.Break | None]:
    from praja.accounts.models import AuditEntry

    rows = (entry_as_mapping(e) for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000))
    return chain.verify(rows)
