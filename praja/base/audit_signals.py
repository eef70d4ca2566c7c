"""Model signals that put every save and delete made by a person into the audit log.

`_snapshot` takes every concrete field; `audit.record` then digests the protected ones (the explicit
per-model lists in `audit_protect`). Each entry also carries, when the object belongs to a report, that
report's id (readers see it only if they may see the report) and "protected" for identity records.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from praja.base import audit
from praja.base.audit_protect import PROTECTED_MODELS, PROTECTED_TIMELINE_KINDS

# Every model is audited except the log itself, sessions, throttling counters and framework tables.
_SKIP_APPS = {"sessions", "axes", "admin", "contenttypes", "migrations"}
_SKIP_MODELS = {"base.auditentry", "base.audithead", "base.auditbatch"}


def _audited(sender: type[Model]) -> bool:
    meta = sender._meta
    return meta.app_label not in _SKIP_APPS and meta.label_lower not in _SKIP_MODELS


def _snapshot(instance: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in ("last_login",):
            continue
        v = getattr(instance, f.attname)
        if isinstance(v, (bytes, bytearray)):
            v = "[biner]"
        out[f.attname] = v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
    return out


def _region(instance: Model) -> str:
    code = getattr(instance, "region_code", "")
    try:
        return str(code or "")
    except Exception:  # noqa: BLE001
        return ""


_REPORT_FK: dict[type[Model], str | None] = {}


def _report_ref(instance: Model) -> int | None:
    """The report an object is, or belongs to (its first foreign key to a report), else None."""
    meta = instance._meta
    if meta.label_lower == "reports.report":
        return int(instance.pk) if instance.pk is not None else None
    cls = type(instance)
    if cls not in _REPORT_FK:
        _REPORT_FK[cls] = next(
            (f.attname for f in meta.concrete_fields
             if f.is_relation and f.related_model is not None and not isinstance(f.related_model, str)
             and f.related_model._meta.label_lower == "reports.report"),
            None,
        )
    attname = _REPORT_FK[cls]
    value = getattr(instance, attname, None) if attname else None
    return int(value) if value is not None else None


def _sensitivity(instance: Model) -> str:
    label = instance._meta.label_lower
    if label in PROTECTED_MODELS:
        return "protected"
    if label == "reports.timelineentry" and getattr(instance, "kind", "") in PROTECTED_TIMELINE_KINDS:
        return "protected"
    return ""


def _record(action: str, instance: Model, changes: dict[str, Any]) -> None:
    audit.record(
        action, instance._meta.label_lower, str(instance.pk), _region(instance), changes,
        report_ref=_report_ref(instance), sensitivity=_sensitivity(instance),
    )


@receiver(pre_save)
def _remember_before(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if audit.current_actor() is None or not _audited(sender) or kwargs.get("raw"):
        return
    if instance.pk is None:
        return
    try:
        before = sender._default_manager.filter(pk=instance.pk).first()
    except Exception:  # noqa: BLE001
        before = None
    instance._praja_before = _snapshot(before) if before is not None else None  # type: ignore[attr-defined]


@receiver(post_save)
def _on_save(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if audit.current_actor() is None or not _audited(sender) or kwargs.get("raw"):
        return
    after = _snapshot(instance)
    before = getattr(instance, "_praja_before", None)
    if created or before is None:
        changes = after
        action = "create"
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        action = "update"
        if not changes:
            return
    _record(action, instance, changes)


@receiver(post_delete)
def _on_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if audit.current_actor() is None or not _audited(sender):
        return
    _record("delete", instance, _snapshot(instance))


@receiver(m2m_changed)
def _on_m2m(sender: Any, instance: Model, action: str, pk_set: set[Any] | None, **kwargs: Any) -> None:
    if audit.current_actor() is None or action not in ("post_add", "post_remove", "post_clear"):
        return
    if not _audited(type(instance)):
        return
    _record("update", instance, {f"{sender._meta.model_name}:{action}": sorted(str(p) for p in (pk_set or []))})


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actor = audit.Actor(user.pk, user.get_username(), _address(request), "web")
    audit.record("login", "auth.user", str(user.pk), actor=actor)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    actor = audit.Actor(user.pk, user.get_username(), _address(request), "web")
    audit.record("logout", "auth.user", str(user.pk), actor=actor)


def _address(request: Any) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))
