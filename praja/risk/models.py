"""TPS vulnerability records: indicators, a district's settings, indicator values, stored scores, incidents.

The arithmetic lives in the pure core (`praja.risk.index`, `praja.risk.catalogue`); these models hold
what it reads and what it wrote, and `praja.risk.services` moves between the two.

- `Indicator`: the national catalogue (region empty, seeded from `praja.risk.catalogue`) and each
  district's own indicators (region = the regency), added as rows without a code change.
- `RiskConfig`: one regency's overrides of weights, caps, khusus indicators, thresholds and rules.
- `IndicatorValue`: one observed value of one indicator at one TPS, with source agency, date and evidence.
- `TPSScore`: the last computed score of a TPS with its explanation (class changes go to the audit log).
- `IncidentSignal`: incidents reported elsewhere in Praja that feed the history indicators.

Every queryset has `visible(scope)`: the rows a person with that scope may see (pages, API, admin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from praja.risk import catalogue as cat
from praja.risk import index as ix
from praja.territory.models import TPS, Region

if TYPE_CHECKING:
    from praja.base.scope import Scope

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{1,39}$",
    _("Kunci: huruf kecil, angka dan garis bawah, diawali huruf (contoh: konflik_pilkades)."),
)


class Klass(models.TextChoices):
    AMAN = ix.Klass.AMAN.value, _("Aman")
    KURANG_RAWAN = ix.Klass.KURANG_RAWAN.value, _("Kurang rawan")
    RAWAN = ix.Klass.RAWAN.value, _("Rawan")
    SANGAT_RAWAN = ix.Klass.SANGAT_RAWAN.value, _("Sangat rawan")
    KHUSUS = ix.Klass.KHUSUS.value, _("Khusus")


# --- indicators -----------------------------------------------------------------------------------


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def visible(self, scope: Scope) -> IndicatorQuerySet:
        """The national catalogue, and the district indicators of a regency the scope lies in or covers."""
        if scope.national:
            return self
        return self.filter(Q(region__isnull=True) | scope.q_reaching("region__code"))

    def for_regency(self, regency: str) -> IndicatorQuerySet:
        """What is scored in a regency: the national catalogue plus that regency's own indicators."""
        return self.filter(Q(region__isnull=True) | Q(region_id=regency))


class Indicator(models.Model):
    class ValueType(models.TextChoices):
        BOOLEAN = cat.ValueType.BOOLEAN.value, _("ya/tidak")
        COUNT = cat.ValueType.COUNT.value, _("jumlah")
        SHARE = cat.ValueType.SHARE.value, _("proporsi 0..1")

    class Origin(models.TextChoices):
        BAWASLU = cat.Origin.BAWASLU.value, _("Bawaslu")
        POLRI = cat.Origin.POLRI.value, _("Polri")
        PRAJA = cat.Origin.PRAJA.value, _("Praja (laporan kejadian)")
        DISTRICT = cat.Origin.DISTRICT.value, _("kabupaten/kota")

    key = models.CharField(_("kunci"), max_length=40, validators=[KEY_VALIDATOR])
    # Empty: the national catalogue. A regency: that district's own indicator.
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name=_("kabupaten/kota"),
    )
    variable = models.CharField(_("variabel"), max_length=40, default="tambahan")
    label_id = models.CharField(_("nama (Indonesia)"), max_length=200)
    label_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    value_type = models.CharField(_("jenis nilai"), max_length=8, choices=ValueType.choices)
    # COUNT only: the count at which the indicator is fully present.
    cap = models.FloatField(_("batas jenuh"), default=1.0, validators=[MinValueValidator(0.001)])
    default_weight = models.FloatField(
        _("bobot bawaan"), validators=[MinValueValidator(0.0), MaxValueValidator(100.0)]
    )
    source_agency = models.CharField(_("instansi sumber"), max_length=80)
    khusus = models.BooleanField(_("menjadikan TPS khusus"), default=False)
    origin = models.CharField(_("asal"), max_length=10, choices=Origin.choices, default=Origin.DISTRICT)
    basis = models.TextField(_("dasar bobot"), blank=True)
    position = models.PositiveIntegerField(_("urutan"), default=1000)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(region__isnull=True), name="risk_indicator_national_key"
            ),
            models.UniqueConstraint(fields=["key", "region"], name="risk_indicator_key_per_region"),
        ]
        verbose_name = _("indikator kerawanan")
        verbose_name_plural = _("indikator kerawanan")

    def __str__(self) -> str:
        return f"{self.key} · {self.label_id}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def is_national(self) -> bool:
        return self.region_id is None

    @property
    def is_history(self) -> bool:
        """Fed by Praja's incident reports (`praja.risk.services.record_incident`), never imported."""
        return self.origin == self.Origin.PRAJA

    def as_core(self) -> cat.Indicator:
        return cat.Indicator(
            key=self.key,
            variable=self.variable,
            label_id=self.label_id,
            label_en=self.label_en or self.label_id,
            value_type=cat.ValueType(self.value_type),
            agency=self.source_agency,
            weight=float(self.default_weight),
            basis=self.basis,
            cap=float(self.cap) if self.value_type == self.ValueType.COUNT else 1.0,
            khusus=self.khusus,
            origin=cat.Origin(self.origin),
        )

    def variable_label(self) -> str:
        """The name of the indicator's variable in the interface language."""
        v = cat.VARIABLE_BY_KEY.get(self.variable)
        if v is None:
            return self.variable.replace("_", " ")
        return v.label_en if (get_language() or "").startswith("en") else v.label_id


# --- a district's settings ------------------------------------------------------------------------


class RiskConfigQuerySet(models.QuerySet["RiskConfig"]):
    def visible(self, scope: Scope) -> RiskConfigQuerySet:
        """Settings of a regency the scope lies in (a Polsek reads its district's thresholds) or covers."""
        return self.filter(scope.q_reaching("region__code"))


class RiskConfig(models.Model):
    """One regency's scoring settings; anything left empty keeps the catalogue's default."""

    class Combine(models.TextChoices):
        MAX = "max", _("terberat (nilai paling rawan dari semua sumber)")
        LATEST = "latest", _("terbaru (pengamatan paling akhir)")

    region = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name=_("kabupaten/kota"),
    )
    weights = models.JSONField(_("bobot per indikator"), default=dict, blank=True)
    caps = models.JSONField(_("batas jenuh per indikator"), default=dict, blank=True)
    # None: the catalogue's khusus indicators; a list replaces them.
    khusus_keys = models.JSONField(_("indikator TPS khusus"), null=True, blank=True)
    threshold_kurang_rawan = models.FloatField(
        _("ambang kurang rawan"),
        default=cat.DEFAULT_THRESHOLDS[0],
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    threshold_rawan = models.FloatField(
        _("ambang rawan"),
        default=cat.DEFAULT_THRESHOLDS[1],
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    threshold_sangat_rawan = models.FloatField(
        _("ambang sangat rawan"),
        default=cat.DEFAULT_THRESHOLDS[2],
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    combine = models.CharField(
        _("penggabungan nilai"), max_length=8, choices=Combine.choices, default=Combine.MAX
    )
    history_window_days = models.PositiveIntegerField(
        _("jendela riwayat insiden (hari)"),
        default=cat.DEFAULT_HISTORY_WINDOW_DAYS,
        validators=[MaxValueValidator(3650)],
    )
    history_half_life_days = models.FloatField(
        _("waktu paruh riwayat insiden (hari)"),
        null=True,
        blank=True,
        default=cat.DEFAULT_HISTORY_HALF_LIFE_DAYS,
        validators=[MinValueValidator(0.1)],
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = RiskConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengaturan kerawanan")
        verbose_name_plural = _("pengaturan kerawanan")

    def __str__(self) -> str:
        return f"{self.region_id}"

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def thresholds(self) -> ix.Thresholds:
        return ix.Thresholds(self.threshold_kurang_rawan, self.threshold_rawan, self.threshold_sangat_rawan)


# --- values ---------------------------------------------------------------------------------------


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def visible(self, scope: Scope) -> IndicatorValueQuerySet:
        return self.filter(scope.q("tps__code"))


class IndicatorValue(models.Model):
    """One value of one indicator at one TPS, with where it comes from (the evidence of a score)."""

    class Kind(models.TextChoices):
        IMPORT = "impor", _("impor berkas")
        MANUAL = "manual", _("isian manual")
        GENERATED = "bangkitan", _("hasil bangkitan (demo)")

    tps = models.ForeignKey(TPS, on_delete=models.CASCADE, related_name="risk_values", verbose_name=_("TPS"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indikator")
    )
    # Boolean indicators: 1 or 0; counts: >= 0; shares: 0..1.
    value = models.FloatField(_("nilai"))
    source_agency = models.CharField(_("instansi sumber"), max_length=80)
    observed_on = models.DateField(_("tanggal pengamatan"))
    evidence = models.CharField(_("catatan bukti"), max_length=500, blank=True)
    kind = models.CharField(_("asal data"), max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    source = models.CharField(_("sumber"), max_length=200, blank=True)  # e.g. "impor pemetaan.csv"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["tps_id", "indicator__position", "-observed_on"]
        indexes = [models.Index(fields=["tps", "indicator"], name="risk_value_tps_indicator")]
        verbose_name = _("nilai indikator")
        verbose_name_plural = _("nilai indikator")

    def __str__(self) -> str:
        return f"{self.tps_id} · {self.indicator_id} = {self.value}"

    @property
    def region_code(self) -> str:
        return self.tps_id

    @property
    def generated(self) -> bool:
        return self.kind == self.Kind.GENERATED


# --- stored scores --------------------------------------------------------------------------------


class TPSScoreQuerySet(models.QuerySet["TPSScore"]):
    def visible(self, scope: Scope) -> TPSScoreQuerySet:
        return self.filter(scope.q("tps__code"))


class TPSScore(models.Model):
    """The last computed score of one TPS. `explanation` is the core's TPSScore as JSON
    (`praja.risk.services.explanation_json`): contributions with their evidence, missing indicators."""

    tps = models.OneToOneField(
        TPS, on_delete=models.CASCADE, primary_key=True, related_name="risk_score", verbose_name=_("TPS")
    )
    score = models.FloatField(_("skor"))
    klass = models.CharField(_("kelas"), max_length=16, choices=Klass.choices, db_index=True)
    score_klass = models.CharField(_("kelas menurut skor"), max_length=16, choices=Klass.choices)
    assessed_share = models.FloatField(_("bagian bobot yang dinilai"))
    computed_at = models.DateTimeField(_("dihitung"))
    explanation: models.JSONField[Any, Any] = models.JSONField(_("penjelasan"), default=dict)

    objects = TPSScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "tps_id"]
        verbose_name = _("skor kerawanan TPS")
        verbose_name_plural = _("skor kerawanan TPS")

    def __str__(self) -> str:
        return f"{self.tps_id} {self.score:.1f} {self.klass}"

    @property
    def region_code(self) -> str:
        return self.tps_id


# --- incidents ------------------------------------------------------------------------------------


class IncidentSignalQuerySet(models.QuerySet["IncidentSignal"]):
    def visible(self, scope: Scope) -> IncidentSignalQuerySet:
        return self.filter(scope.q("place_code"))

    def readable(self, request: Any) -> IncidentSignalQuerySet:
        """Without the incidents made from a report this reader may not see (their `ref` is the report's receipt):
        the reports' own rule, so never a report about the reader's own unit (issue 14). Incidents entered by hand
        (no receipt, or one that names no report) stay."""
        from django.apps import apps

        from praja.base.extensions import points  # reports sits above risk: it answers through the point

        if points.visible_reports is None or not apps.is_installed("praja.reports"):
            return self
        report = apps.get_model("reports", "Report")
        from praja.base.scope import Scope

        scope = getattr(request, "scope", None)
        seen = points.visible_reports(request, scope if scope is not None else Scope.nothing())
        return self.exclude(ref__in=report.objects.exclude(pk__in=seen).values("receipt"))


class PendingIncidentScore(models.Model):
    """A desa whose incident history changed and whose TPS are not scored again yet: written in the same
    transaction as the incident (a verified report), scored by the job `risk.score_pending`, which takes every
    waiting desa at once (a burst of verifications costs one recompute per regency, not one per report)."""

    desa = models.CharField(_("desa"), max_length=13, primary_key=True)
    waiting_since = models.DateTimeField(_("menunggu sejak"), auto_now=True)

    class Meta:
        verbose_name = _("desa menunggu skor ulang")
        verbose_name_plural = _("desa menunggu skor ulang")

    def __str__(self) -> str:
        return self.desa


class IncidentSignal(models.Model):
    """An incident reported elsewhere in Praja (the reports app), at a TPS or in a desa."""

    place_code = models.CharField(_("tempat (kode TPS atau desa)"), max_length=20, db_index=True)
    on = models.DateField(_("tanggal kejadian"))
    severity = models.FloatField(_("tingkat keparahan"), default=1.0, validators=[MinValueValidator(0.0)])
    ref = models.CharField(_("rujukan laporan"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = IncidentSignalQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "place_code"]
        constraints = [
            models.UniqueConstraint(fields=["ref"], condition=~Q(ref=""), name="risk_incident_ref_once"),
        ]
        verbose_name = _("sinyal insiden")
        verbose_name_plural = _("sinyal insiden")

    def __str__(self) -> str:
        return f"{self.place_code} {self.on} ({self.severity}) {self.ref}"

    @property
    def region_code(self) -> str:
        return self.place_code

    def as_core(self) -> ix.Incident:
        return ix.Incident(self.place_code, self.on, float(self.severity), self.ref)
