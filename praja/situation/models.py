"""The issued daily situation reports (lapsit): archived with their hash and never changed.

A lapsit is made from the data for a chosen day and region (praja/situation/lapsit.py); once issued, its PDF
and XLSX bytes are stored here with their SHA-256, and the row refuses every update and delete (the model and
its queryset raise). A correction is a new lapsit of the same day, numbered after it.

A lapsit is built from protected reports, so each issue is archived per audience (issue 14): one version for the
issuing command (`pimpinan`: the issuer's view of the reports), one without any report detail (`umum`: partners
without `reports.view`, e.g. a Koramil or a Camat), and, asked for by a unit that may not read a report the
leadership's version holds (a report about its own people), one built for that unit (`satuan:<slug>`). Each
version carries the receipts of the reports it holds (`report_ids`) and its own hashes, and is shown only to a
reader who may see every report in it (praja/situation/lapsit.py, `readable`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praja.territory.models import Region


class LapsitQuerySet(models.QuerySet["Lapsit"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("an issued lapsit cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("an issued lapsit cannot be deleted")


class Lapsit(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    day = models.DateField(_("tanggal"))
    number = models.PositiveIntegerField(_("nomor urut hari itu"), default=1)
    period_start = models.DateTimeField(_("periode mulai"))
    period_end = models.DateTimeField(_("periode selesai"))
    commander_notes = models.TextField(_("catatan dan arahan pimpinan"), blank=True)
    kondusif_index = models.FloatField(_("indeks kondusif"), null=True, blank=True)
    kondusif_class = models.CharField(_("kelas"), max_length=12, blank=True)
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64)
    xlsx = models.BinaryField(_("XLSX"))
    xlsx_sha256 = models.CharField(_("SHA-256 XLSX"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    issued_by_name = models.CharField(_("nama penerbit"), max_length=160, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    # The audience this version was built for (pimpinan, umum, satuan:<agency slug>) and what it holds.
    audience = models.CharField(_("pembaca"), max_length=80, default="pimpinan")
    audience_label = models.CharField(_("nama pembaca"), max_length=200, blank=True)
    report_ids = models.JSONField(_("laporan yang dimuat"), default=list, blank=True)
    # Who signs it: the configured leadership (settings or the Polres leader's role), not the issuer.
    signed_name = models.CharField(_("nama penanda tangan"), max_length=160, blank=True)
    signed_rank = models.CharField(_("pangkat penanda tangan"), max_length=80, blank=True)
    signed_position = models.CharField(_("jabatan penanda tangan"), max_length=160, blank=True)
    audit_head = models.CharField(_("kepala rantai audit"), max_length=128, blank=True)

    objects = LapsitQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-number", "-pk"]
        verbose_name = _("lapsit")
        verbose_name_plural = _("lapsit")
        constraints = [models.UniqueConstraint(fields=["region", "day", "number", "audience"],
                                               name="situation_lapsit_once_per_audience")]

    def __str__(self) -> str:
        return f"Lapsit {self.region_id} {self.day} #{self.number} ({self.audience})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("an issued lapsit cannot be changed")
        self.pdf_sha256 = hashlib.sha256(bytes(self.pdf)).hexdigest()
        self.xlsx_sha256 = hashlib.sha256(bytes(self.xlsx)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("an issued lapsit cannot be deleted")

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    def intact(self) -> bool:
        """The stored bytes still match the hashes recorded when it was issued."""
        return (hashlib.sha256(bytes(self.pdf)).hexdigest() == self.pdf_sha256
                and hashlib.sha256(bytes(self.xlsx)).hexdigest() == self.xlsx_sha256)
