"""Deployment plans (plotting pengamanan TPS): patterns, pools, a district's settings, plans and posts.

The solving is done by the pure core `praja.deployment.solver`; these models hold its inputs as a
district keeps them (Pattern, Pool, PlanSettings) and each plan as a versioned scenario: what went in
(pattern, settings, pools and the TPS as they were, snapshotted on the plan) and what came out (the
totals, the posts and which TPS each post guards). A plan can be edited by hand and re-checked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from praja.deployment.solver import CLASSES, ClassPattern
from praja.deployment.solver import Pattern as CorePattern
from praja.deployment.solver import Settings as CoreSettings
from praja.territory.models import Jurisdiction, Region

CLASS_CHOICES = [
    ("aman", _("Aman")),
    ("kurang_rawan", _("Kurang rawan")),
    ("rawan", _("Rawan")),
    ("sangat_rawan", _("Sangat rawan")),
    ("khusus", _("Khusus")),
]
CLASS_LABELS = dict(CLASS_CHOICES)
assert tuple(c for c, _l in CLASS_CHOICES) == CLASSES


def _praja(name: str, default: Any) -> Any:
    return getattr(settings, "PRAJA", {}).get(name, default)


# Defaults of a district's settings (DOMAIN.md: 1.5 km walking distance, posts within a desa, 14% reserve).
def default_walking_km() -> float:
    return float(_praja("DEPLOYMENT_WALKING_KM", CoreSettings().walking_km))


def default_area() -> str:
    return str(_praja("DEPLOYMENT_AREA", CoreSettings().area))


def default_reserve_share() -> float:
    return float(_praja("DEPLOYMENT_RESERVE_SHARE", CoreSettings().reserve_share))


def default_pattern_key() -> str:
    return str(_praja("DEPLOYMENT_PATTERN", "polres_malang_2024"))


class Pattern(models.Model):
    """A security pattern (pola pengamanan): per TPS class, police per post, TPS per post, TNI, Linmas.

    The presets of DOMAIN.md section 1 are national rows (no region, `preset_key` set); a district adds
    its own (region set)."""

    name = models.CharField(_("nama"), max_length=120)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("wilayah"),
        help_text=_("Kosong: pola nasional (preset)."),
    )
    preset_key = models.CharField(_("kunci preset"), max_length=60, blank=True, db_index=True)
    source = models.TextField(_("sumber"), blank=True)
    # {"aman": {"police": 2, "max_tps": 10, "tni": 0, "linmas": 0}, ...} for each class of CLASSES
    classes: models.JSONField[Any, Any] = models.JSONField(_("angka per kelas"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("pola pengamanan")
        verbose_name_plural = _("pola pengamanan")

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def is_preset(self) -> bool:
        return self.region_id is None

    def to_core(self) -> CorePattern:
        return CorePattern.from_dict({"name": self.name, "source": self.source, **self.classes})

    def rows(self) -> list[dict[str, Any]]:
        """One row per class with its label and a-b-c notation, for the pages."""
        core = self.to_core()
        out = []
        for c in CLASSES:
            cp: ClassPattern = core.of(c)
            out.append({"cls": c, "label": CLASS_LABELS[c], "police": cp.police, "max_tps": cp.max_tps,
                        "tni": cp.tni, "linmas": cp.linmas, "notation": cp.label})
        return out


class PlanSettings(models.Model):
    """A district's planning settings; the defaults come from settings.PRAJA (DOMAIN.md)."""

    class Area(models.TextChoices):
        DESA = "desa", _("desa/kelurahan")
        KECAMATAN = "kecamatan", _("kecamatan")

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="deployment_settings", verbose_name=_("wilayah")
    )
    walking_km = models.FloatField(_("jarak jalan kaki maksimum (km)"), default=default_walking_km)
    area = models.CharField(_("pos tidak melintasi"), max_length=10, choices=Area.choices, default=default_area)
    reserve_share = models.FloatField(_("porsi cadangan"), default=default_reserve_share)
    pattern = models.ForeignKey(
        Pattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pola bawaan")
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan rencana pengamanan")
        verbose_name_plural = _("pengaturan rencana pengamanan")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.walking_km} km, {self.area}, {self.reserve_share:.0%}"

    @property
    def region_code(self) -> str:
        return self.region_id

    def to_core(self) -> CoreSettings:
        return CoreSettings(walking_km=self.walking_km, area=self.area, reserve_share=self.reserve_share)


class Pool(models.Model):
    """People available at one place: a Polsek or Koramil, the Polres (Kodim) reserve, or BKO."""

    class Kind(models.TextChoices):
        POLRI = "polri", _("Polri")
        TNI = "tni", _("TNI")

    class Role(models.TextChoices):
        POLSEK = "polsek", _("Polsek")
        KORAMIL = "koramil", _("Koramil")
        POLRES = "polres", _("Cadangan Polres")
        KODIM = "kodim", _("Cadangan Kodim")
        BKO = "bko", _("BKO (bantuan kendali operasi)")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("kabupaten/kota"))
    unit = models.CharField(_("satuan"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("wilayah hukum"),
    )
    lat = models.FloatField(_("lintang"))
    lng = models.FloatField(_("bujur"))
    available = models.PositiveIntegerField(_("personel tersedia"))
    kecamatan = models.ManyToManyField(
        Region, blank=True, related_name="+", limit_choices_to={"level": 3}, verbose_name=_("kecamatan dilayani"),
        help_text=_("Kosong: semua kecamatan rencana."),
    )
    cost_per_person = models.FloatField(_("biaya per orang"), default=0.0)
    active = models.BooleanField(_("aktif"), default=True)
    # Numbers and places made up for the demo district, not a unit's real strength: shown as such.
    generated = models.BooleanField(_("angka contoh"), default=False)

    class Meta:
        ordering = ["region_id", "kind", "role", "unit"]
        constraints = [models.UniqueConstraint(fields=["region", "unit"], name="deployment_pool_unit_once")]
        verbose_name = _("kekuatan personel")
        verbose_name_plural = _("kekuatan personel")

    def __str__(self) -> str:
        return f"{self.unit} ({self.available})"

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def bko(self) -> bool:
        return self.role == self.Role.BKO


class Plan(models.Model):
    """One plan of a region (a regency; a province or the country fans out one job per regency)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    # A regency, or a province (one job per regency); empty: the whole country (national scope only).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    number = models.PositiveIntegerField(_("versi"))
    name = models.CharField(_("nama skenario"), max_length=160, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        verbose_name=_("direncanakan ulang dari"),
    )
    pattern = models.ForeignKey(
        Pattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pola")
    )
    pattern_snapshot: models.JSONField[Any, Any] = models.JSONField(_("pola saat direncanakan"), default=dict)
    settings_snapshot: models.JSONField[Any, Any] = models.JSONField(_("pengaturan saat direncanakan"), default=dict)
    pools_snapshot: models.JSONField[Any, Any] = models.JSONField(_("kekuatan saat direncanakan"), default=list)

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("kesalahan"), blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_unit = models.CharField(max_length=20, blank=True)
    backend = models.CharField(_("dijalankan di"), max_length=20, blank=True)

    # results (totals of the whole plan)
    tps_count = models.PositiveIntegerField(_("TPS"), default=0)
    posts_count = models.PositiveIntegerField(_("pos"), default=0)
    officers = models.PositiveIntegerField(_("personel Polri"), default=0)
    officers_lower_bound = models.PositiveIntegerField(_("batas bawah personel Polri"), default=0)
    bound_name = models.CharField(_("nama batas bawah"), max_length=300, blank=True)
    bounds: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    soldiers = models.PositiveIntegerField(_("personel TNI"), default=0)
    linmas = models.PositiveIntegerField(_("Linmas"), default=0)
    km_total = models.FloatField(_("jarak tempuh total (km)"), default=0.0)
    km_max = models.FloatField(_("jarak tempuh terjauh (km)"), default=0.0)
    uncovered_by_class: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    shortfall: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    bko_needed = models.PositiveIntegerField(_("BKO dibutuhkan"), default=0)
    bko_used = models.PositiveIntegerField(_("BKO dipakai"), default=0)
    bko_cost = models.FloatField(_("biaya BKO"), default=0.0)
    reserve = models.IntegerField(_("cadangan"), default=0)
    reserve_required = models.PositiveIntegerField(_("cadangan wajib"), default=0)
    seconds = models.FloatField(_("waktu (detik)"), default=0.0)
    solver_seconds = models.FloatField(default=0.0)
    regencies = models.PositiveIntegerField(default=0)
    stats: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    tps_at_centroid = models.PositiveIntegerField(_("TPS di titik tengah desa"), default=0)
    tps_generated = models.PositiveIntegerField(_("TPS dengan data bangkitan"), default=0)
    classes_from_risk = models.BooleanField(default=False)

    hand_edited = models.BooleanField(_("diubah manual"), default=False)
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    violations: models.JSONField[Any, Any] = models.JSONField(_("pelanggaran"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="deployment_plan_version_once")]
        verbose_name = _("rencana pengamanan")
        verbose_name_plural = _("rencana pengamanan")

    def __str__(self) -> str:
        return f"{self.region_id or 'ID'} v{self.number}" + (f" {self.name}" if self.name else "")

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def uncovered(self) -> int:
        return sum(int(v) for v in (self.uncovered_by_class or {}).values())

    @property
    def ratio(self) -> float | None:
        return self.officers / self.officers_lower_bound if self.officers_lower_bound else None

    @property
    def proved_optimal(self) -> bool:
        return self.status == self.Status.DONE and self.officers == self.officers_lower_bound and not self.hand_edited


class Post(models.Model):
    """A security post (pos pengamanan) of a plan: where, which TPS (PlanTPS.post), who and from where."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(_("nomor pos"))
    code = models.CharField(_("kode pos"), max_length=40)
    kecamatan_code = models.CharField(_("kecamatan"), max_length=13, db_index=True)
    area_code = models.CharField(_("desa/kecamatan"), max_length=13)
    lat = models.FloatField(_("lintang"))
    lng = models.FloatField(_("bujur"))
    cls = models.CharField(_("kelas"), max_length=16, choices=CLASS_CHOICES)
    police = models.PositiveSmallIntegerField(_("Polri"))
    tni = models.PositiveSmallIntegerField(_("TNI"), default=0)
    linmas = models.PositiveSmallIntegerField(_("Linmas"), default=0)
    pool = models.CharField(_("satuan asal Polri"), max_length=120, blank=True)
    km = models.FloatField(_("jarak (km)"), default=0.0)
    tni_pool = models.CharField(_("satuan asal TNI"), max_length=120, blank=True)
    tni_km = models.FloatField(_("jarak TNI (km)"), default=0.0)
    tps_count = models.PositiveIntegerField(_("jumlah TPS"), default=0)
    covered = models.BooleanField(_("terpenuhi"), default=True)
    edited_by_hand = models.BooleanField(_("diubah manual"), default=False)
    # On the day: the post reported manned from the field (not the plan's "covered", which is on paper).
    manned_at = models.DateTimeField(_("dilaporkan terisi"), null=True, blank=True)
    manned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("dilaporkan oleh"),
    )
    manned_people = models.PositiveSmallIntegerField(_("personel hadir"), null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="deployment_post_number_once")]
        verbose_name = _("pos pengamanan")
        verbose_name_plural = _("pos pengamanan")

    def __str__(self) -> str:
        return f"Pos {self.number} ({self.code})"

    @property
    def region_code(self) -> str:
        return self.area_code


class PlanTPS(models.Model):
    """A TPS as it went into a plan (class, voters, place) and the post that guards it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_tps")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="tps_rows")
    code = models.CharField(_("kode TPS"), max_length=20)
    desa_code = models.CharField(_("desa"), max_length=13)
    kecamatan_code = models.CharField(_("kecamatan"), max_length=13, db_index=True)
    cls = models.CharField(_("kelas"), max_length=16, choices=CLASS_CHOICES)
    voters = models.PositiveIntegerField(_("pemilih (DPT)"), default=0)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    lat = models.FloatField(_("lintang"))
    lng = models.FloatField(_("bujur"))
    at_centroid = models.BooleanField(_("di titik tengah desa"), default=False)
    generated = models.BooleanField(_("data bangkitan"), default=False)

    class Meta:
        ordering = ["plan_id", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="deployment_plantps_once")]
        verbose_name = _("TPS dalam rencana")
        verbose_name_plural = _("TPS dalam rencana")

    def __str__(self) -> str:
        return self.code

    @property
    def region_code(self) -> str:
        return self.code
