"""Agencies, people and their region-scoped roles (the audit log lives in praja.base, below territory)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from praja.base.roles import ROLE_CHOICES, ROLES, Role
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
