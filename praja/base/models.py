"""The append-only, hash-chained audit log: entries, sealed batches and the sequencer's head.

Kept in the base app (below territory and accounts) so that every app, territory included, can write to it
without importing an app above it. The tables keep their first names (``accounts_audit*``): the models moved
here from accounts in migration ``base.0001`` / ``accounts.0007`` without touching the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditHead(models.Model):
    """The sequencer's one row: how far the log is sealed and its head. Writers never touch it; only the
    sequencer locks it (so two sequencers never seal the same entries twice)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # Every entry numbered up to here is sealed in a batch (the last batch's last_seq).
    last_seq = models.BigIntegerField(default=0)
    # The head hash of the last batch and the number of entries sealed in all batches (the tree size).
    last_hash = models.CharField(max_length=64, default="0" * 64)
    size = models.BigIntegerField(default=0)
    batches = models.BigIntegerField(default=0)
    # A random name of this log, written on every anchor line (the anchor file can hold other logs' heads).
    log_id = models.CharField(max_length=32, blank=True)
    # A watermark not yet safe to seal: entries up to mark_seq were numbered before mark_at; once no
    # transaction that began before mark_at is still open, all of them are committed or rolled back.
    mark_seq = models.BigIntegerField(default=0)
    mark_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_audithead"

    def __str__(self) -> str:
        return f"audit head: {self.size} entries, sealed through #{self.last_seq}"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Append-only: who did what, when, from where. Numbered by the database at insert (no lock); a
    sequencer later seals entries into hash-chained batches (`AuditBatch`)."""

    seq = models.BigAutoField(_("nomor"), primary_key=True)
    at = models.DateTimeField(_("waktu"))
    # No database constraint and nothing done when the account goes: the row is never updated (on
    # PostgreSQL a trigger refuses it), actor_label keeps the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )
    # Username at the time (kept even if the account goes), or "system:<command>".
    actor_label = models.CharField(_("pelaku"), max_length=150)
    address = models.CharField(_("alamat IP"), max_length=64, blank=True)
    channel = models.CharField(_("kanal"), max_length=16)  # web, api, cli, admin
    action = models.CharField(_("tindakan"), max_length=32)  # create, update, delete, import, login, ...
    target_type = models.CharField(_("jenis objek"), max_length=64)
    target_id = models.CharField(_("objek"), max_length=64, blank=True)
    region_code = models.CharField(_("wilayah"), max_length=20, blank=True, db_index=True)
    # Who may read the entry besides the region scope: an entry about a report (or anything of a report)
    # is shown only to those who may see that report; "protected" entries (identity requests and views)
    # only to those who may see protected data.
    report_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    sensitivity = models.CharField(max_length=16, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        db_table = "accounts_auditentry"
        ordering = ["seq"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action} {self.target_type} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries cannot be deleted")


class AuditBatch(models.Model):
    """A sealed batch of entries: the range of numbers it covers, how many entries were there, their
    Merkle root, and a head hash chained to the batch before it."""

    number = models.BigIntegerField(primary_key=True)
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField(unique=True)
    count = models.BigIntegerField()
    tree_size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    prev_head = models.CharField(max_length=64)
    head = models.CharField(max_length=64)
    # Entry number + leaf hash of each sealed entry (40 bytes each), to name which entry differs.
    leaves = models.BinaryField(default=b"")

    class Meta:
        db_table = "accounts_auditbatch"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"audit batch {self.number} (#{self.first_seq}..#{self.last_seq}, {self.count})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("sealed audit batches cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("sealed audit batches cannot be deleted")
