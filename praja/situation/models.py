"""The issued daily situation reports (lapsit): archived with their hash and never changed.

A lapsit is made from the data for a chosen day and region (praja/situation/lapsit.py); once issued, its PDF
and XLSX bytes are stored here with their SHA-256, and the row refuses every update and delete (the model and
its queryset raise). A correction is a new lapsit of the same day, numbered after it.
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

    objects = LapsitQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-number", "-pk"]
        verbose_name = _("lapsit")
        verbose_name_plural = _("lapsit")
        constraints = [models.UniqueConstraint(fields=["region", "day", "number"], name="situation_lapsit_once")]

    def __str__(self) -> str:
        return f"Lapsit {self.region_id} {self.day} #{self.number}"

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
