"""Agencies, people, their region-scoped roles, and the append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from praja.accounts.roles import ROLE_CHOICES, ROLES, Role
from praja.territory.models import Jurisdiction, Region


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLRES = "polres", _("Polres")
        POLSEK = "polsek", _("Polsek")
        KODIM = "kodim", _("Kodim")
        KORAMIL = "koramil", _("Koramil")
        KPU = "kpu", _("KPU")
        BAWASLU = "bawaslu", _("Bawaslu")
        PANWASCAM = "panwascam", _("Panwascam")
        PEMDA = "pemda", _("Pemerintah daerah")
        KECAMATAN = "kecamatan", _("Kantor kecamatan")
        GAKKUMDU = "gakkumdu", _("Sentra Gakkumdu")
        PROPAM = "propam", _("Propam")
        FORUM_AGAMA = "forum_agama", _("Forum tokoh agama (FKUB)")
        FORUM_ADAT = "forum_adat", _("Forum tokoh adat")
        MEDIA = "media", _("Media")
        # Recipients of the legal paths of election offences (reports, DOMAIN.md section 4)
        DKPP = "dkpp", _("DKPP")
        KASN = "kasn", _("KASN/BKN")
        POM_TNI = "pom_tni", _("POM TNI")

    slug = models.SlugField(_("kode instansi"), max_length=60, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=160)
    # The area the agency serves: the regency for a Polres or KPU, one kecamatan for a Polsek or Panwascam.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("wilayah"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("induk")
    )
    jurisdiction = models.OneToOneField(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="agency",
        verbose_name=_("wilayah hukum"),
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("telepon kantor"), max_length=32, blank=True)

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id


class Person(models.Model):
    """A user of Praja: belongs to one agency; personal fields are masked wherever they are listed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people", verbose_name=_("instansi"))
    full_name = models.CharField(_("nama lengkap"), max_length=160)
    rank = models.CharField(_("pangkat/jabatan"), max_length=80, blank=True)
    staff_number = models.CharField(_("NRP/NIP"), max_length=32, blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)

    class Meta:
        ordering = ["agency_id", "full_name"]
        verbose_name = _("personel")
        verbose_name_plural = _("personel")

    def __str__(self) -> str:
        return self.full_name

    @property
    def region_code(self) -> str:
        return self.agency.region_id

    def roles(self) -> list[Role]:
        return [ROLES[a.role] for a in self.assignments.all() if a.active and a.role in ROLES]

    def capabilities(self) -> frozenset[str]:
        caps: set[str] = set()
        for r in self.roles():
            caps |= r.capabilities
        return frozenset(caps)

    @property
    def needs_second_factor(self) -> bool:
        return any(r.needs_second_factor for r in self.roles())


class RoleAssignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("peran"), max_length=32, choices=ROLE_CHOICES)
    # The region the role is held in; empty means the whole country (national staff, administrators).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    active = models.BooleanField(_("aktif"), default=True)
    granted_at = models.DateTimeField(_("diberikan"), auto_now_add=True)
    # A role that carries the custodian's capability (reports.custodian) is inactive until a second administrator,
    # not the one who gave it, approves it (issue 14 item 8: accounts.grants).
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("diberikan oleh"))
    awaiting_approval = models.BooleanField(_("menunggu persetujuan"), default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("disetujui oleh"))

    class Meta:
        ordering = ["person_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "region"], name="role_once_per_region"),
        ]
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")

    def __str__(self) -> str:
        return f"{self.person} · {self.role} · {self.region_id}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


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
        ordering = ["number"]

    def __str__(self) -> str:
        return f"audit batch {self.number} (#{self.first_seq}..#{self.last_seq}, {self.count})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("sealed audit batches cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("sealed audit batches cannot be deleted")
