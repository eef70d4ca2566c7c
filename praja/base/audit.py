"""Appending to the audit log. Every write by a person passes through `record` (one INSERT, no lock);
`seal` chains what was appended (the sequencer, `audit_seal`), `verify_log` checks it.

The acting person, their address and the channel are kept in a context variable that the web
middleware (and the command line, through `acting_as`) sets; the model signals in
`audit_signals` read it, so a save anywhere in Praja is logged without each view remembering to.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from praja.base import chain
from praja.base.audit_protect import PROTECTED_MODELS, protect
from praja.base.audit_seal import SealResult as SealResult
from praja.base.audit_seal import VerifyResult as VerifyResult
from praja.base.audit_seal import chain_mapping, verify_log
from praja.base.audit_seal import current_head as current_head
from praja.base.audit_seal import seal as seal

__all__ = [
    "Actor", "SealResult", "VerifyResult", "acting_as", "audit_reading", "current_actor", "current_head",
    "entry_as_mapping", "masked_changes", "record", "seal", "system_actor", "verify_chain", "verify_log",
]


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


def masked_changes(changes: dict[str, Any], model_label: str = "") -> dict[str, Any]:
    """The changes as the log keeps them: protected values digested, phone numbers in text masked."""
    return protect(model_label, changes)


def record(
    action: str,
    target_type: str,
    target_id: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    *,
    report_ref: int | None = None,
    sensitivity: str = "",
) -> Any:
    """Append one entry: a single INSERT in the caller's transaction, numbered by the database, no lock.

    The entry is committed (or rolled back) with the caller's write. The sequencer (`seal`) chains it
    into a sealed batch afterwards. `report_ref` names the report the entry is about (readers see it only
    if they may see that report); `sensitivity="protected"` keeps it to those who may see protected data.
    Needs an actor (explicit or current).
    """
    entry = build(action, target_type, target_id, region_code, changes, actor, report_ref=report_ref,
                  sensitivity=sensitivity)
    entry.save(force_insert=True)
    return entry


def build(
    action: str,
    target_type: str,
    target_id: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    *,
    report_ref: int | None = None,
    sensitivity: str = "",
) -> Any:
    """The entry ``record`` appends, not saved: for a caller that writes it in the same statement as the row
    it is about (reports/intake.py on PostgreSQL), so the two commit together in one round trip."""
    from praja.base.models import AuditEntry

    who = actor or current_actor()
    if who is None:
        raise RuntimeError("audit.record needs an actor: wrap the write in acting_as(...)")
    if report_ref is None and target_type == "reports.report" and str(target_id).isdigit():
        report_ref = int(target_id)
    if target_type in PROTECTED_MODELS:
        sensitivity = sensitivity or "protected"
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=who.user_id,
        actor_label=who.label[:150],
        address=who.address[:64],
        channel=who.channel[:16],
        action=action[:32],
        target_type=target_type[:64],
        target_id=str(target_id)[:64],
        region_code=(region_code or "")[:20],
        report_ref=report_ref,
        sensitivity=sensitivity[:16],
        changes=protect(target_type, changes or {}, action),
    )
    return entry


def audit_reading(request: Any, what: str, filters: dict[str, Any]) -> None:
    """Reading the audit log is itself audited: who read which part (the filters), from where."""
    user = getattr(request, "user", None)
    who = current_actor()
    if who is None and user is not None and getattr(user, "is_authenticated", False):
        who = Actor(user.pk, user.get_username(), str(request.META.get("REMOTE_ADDR", "")), "web")
    if who is None:
        return
    scope = getattr(request, "scope", None)
    regions = sorted(getattr(scope, "regions", ()) or ()) if scope is not None else []
    region = "" if scope is None or getattr(scope, "national", False) or not regions else str(regions[0])
    record("read", "accounts.auditentry", what, region, {k: v for k, v in filters.items() if v not in ("", None)},
           actor=who)


def entry_as_mapping(e: Any) -> dict[str, Any]:
    return chain_mapping(e)


def verify_chain() -> tuple[int, chain.Break | None]:
    """Seal what is pending, then check every batch and the head; (entries checked, first finding)."""
    result = verify_log()
    return result.entries, (result.breaks[0] if result.breaks else None)
