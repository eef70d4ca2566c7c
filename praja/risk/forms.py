"""Forms of the risk pages: a district's settings, a district's own indicator, the mapping upload."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praja.risk import catalogue as cat
from praja.risk.models import KEY_VALIDATOR, Indicator, RiskConfig

MAX_WEIGHT = 100.0


def weight_field(name: str) -> str:
    return f"bobot__{name}"


def cap_field(name: str) -> str:
    return f"batas__{name}"


def khusus_field(name: str) -> str:
    return f"khusus__{name}"


class SettingsForm(forms.Form):
    """Thresholds, combine rule, history rule, and per indicator: weight, cap (counts), khusus."""

    threshold_kurang_rawan = forms.FloatField(
        label=gettext_lazy("Kurang rawan mulai skor"), min_value=0, max_value=100
    )
    threshold_rawan = forms.FloatField(label=gettext_lazy("Rawan mulai skor"), min_value=0, max_value=100)
    threshold_sangat_rawan = forms.FloatField(
        label=gettext_lazy("Sangat rawan mulai skor"), min_value=0, max_value=100
    )
    combine = forms.ChoiceField(
        label=gettext_lazy("Beberapa nilai untuk satu indikator"), choices=RiskConfig.Combine.choices
    )
    history_window_days = forms.IntegerField(
        label=gettext_lazy("Jendela riwayat insiden (hari)"), min_value=0, max_value=3650
    )
    history_half_life_days = forms.FloatField(
        label=gettext_lazy("Waktu paruh riwayat insiden (hari; kosong: tanpa peluruhan)"),
        min_value=0.1,
        required=False,
    )

    def __init__(
        self, *args: Any, indicators: Sequence[Indicator], config: RiskConfig, **kwargs: Any
    ) -> None:
        initial = {
            "threshold_kurang_rawan": config.threshold_kurang_rawan,
            "threshold_rawan": config.threshold_rawan,
            "threshold_sangat_rawan": config.threshold_sangat_rawan,
            "combine": config.combine,
            "history_window_days": config.history_window_days,
            "history_half_life_days": config.history_half_life_days,
        }
        weights = config.weights or {}
        caps = config.caps or {}
        khusus = None if config.khusus_keys is None else set(config.khusus_keys)
        for ind in indicators:
            initial[weight_field(ind.key)] = weights.get(ind.key, ind.default_weight)
            initial[khusus_field(ind.key)] = ind.khusus if khusus is None else ind.key in khusus
            if ind.value_type == Indicator.ValueType.COUNT:
                initial[cap_field(ind.key)] = caps.get(ind.key, ind.cap)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            self.fields[weight_field(ind.key)] = forms.FloatField(
                label=ind.label_id, min_value=0, max_value=MAX_WEIGHT
            )
            self.fields[khusus_field(ind.key)] = forms.BooleanField(required=False)
            if ind.value_type == Indicator.ValueType.COUNT:
                self.fields[cap_field(ind.key)] = forms.FloatField(min_value=0.001, max_value=1_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        t = [
            data.get("threshold_kurang_rawan"),
            data.get("threshold_rawan"),
            data.get("threshold_sangat_rawan"),
        ]
        if all(x is not None for x in t) and not (t[0] <= t[1] <= t[2]):  # type: ignore[operator]
            raise ValidationError(_("Ambang harus naik: kurang rawan ≤ rawan ≤ sangat rawan."))
        total = sum(float(data.get(weight_field(i.key)) or 0) for i in self.indicators)
        if self.indicators and not total > 0:
            raise ValidationError(_("Paling sedikit satu indikator harus berbobot lebih dari 0."))
        return data

    def rows(self) -> list[dict[str, Any]]:
        """One row per indicator for the template: its bound fields and facts."""
        out = []
        for ind in self.indicators:
            out.append(
                {
                    "indicator": ind,
                    "weight": self[weight_field(ind.key)],
                    "khusus": self[khusus_field(ind.key)],
                    "cap": self[cap_field(ind.key)] if ind.value_type == Indicator.ValueType.COUNT else None,
                }
            )
        return out

    def apply(self, config: RiskConfig) -> RiskConfig:
        """Write the cleaned values into `config` (not saved). Only differences from the defaults are kept."""
        d = self.cleaned_data
        config.threshold_kurang_rawan = d["threshold_kurang_rawan"]
        config.threshold_rawan = d["threshold_rawan"]
        config.threshold_sangat_rawan = d["threshold_sangat_rawan"]
        config.combine = d["combine"]
        config.history_window_days = d["history_window_days"]
        config.history_half_life_days = d.get("history_half_life_days")
        weights: dict[str, float] = {}
        caps: dict[str, float] = {}
        khusus: list[str] = []
        defaults_khusus = True
        for ind in self.indicators:
            w = float(d[weight_field(ind.key)])
            if not math.isclose(w, ind.default_weight):
                weights[ind.key] = w
            if ind.value_type == Indicator.ValueType.COUNT:
                c = float(d[cap_field(ind.key)])
                if not math.isclose(c, ind.cap):
                    caps[ind.key] = c
            if d.get(khusus_field(ind.key)):
                khusus.append(ind.key)
            if bool(d.get(khusus_field(ind.key))) != ind.khusus:
                defaults_khusus = False
        config.weights = weights
        config.caps = caps
        config.khusus_keys = None if defaults_khusus else khusus
        return config


class DistrictIndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    """A district's own indicator (e.g. the police's "conflict in the village head election")."""

    class Meta:
        model = Indicator
        fields = [
            "key",
            "label_id",
            "label_en",
            "variable",
            "value_type",
            "cap",
            "default_weight",
            "source_agency",
            "khusus",
            "basis",
        ]
        labels = {
            "key": gettext_lazy("Kunci (nama kolom di berkas impor)"),
            "variable": gettext_lazy("Variabel"),
            "cap": gettext_lazy("Batas jenuh (hanya untuk jumlah)"),
            "default_weight": gettext_lazy("Bobot"),
            "basis": gettext_lazy("Dasar bobot"),
        }
        widgets = {"basis": forms.TextInput()}

    def __init__(self, *args: Any, regency: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "variable": "tambahan",
                "cap": 1.0,
                "default_weight": 4.0,
                "source_agency": "Polri",
                "value_type": Indicator.ValueType.BOOLEAN,
            },
        )
        super().__init__(*args, **kwargs)
        self.regency = regency
        self.fields["key"].validators = [KEY_VALIDATOR]
        self.fields["label_en"].required = False
        self.fields["basis"].required = False

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"]).strip().lower()
        if key in cat.BY_KEY or Indicator.objects.filter(key=key, region__isnull=True).exists():
            raise ValidationError(_("Kunci %(key)s sudah dipakai indikator nasional.") % {"key": key})
        if Indicator.objects.filter(key=key, region_id=self.regency).exists():
            raise ValidationError(_("Kunci %(key)s sudah ada di kabupaten/kota ini.") % {"key": key})
        if key in ("kode_tps", "sumber", "tanggal", "catatan") or key.startswith(
            ("catatan_", "bukti_", "note_")
        ):
            raise ValidationError(_("Kunci %(key)s dipakai untuk kolom lain di berkas impor.") % {"key": key})
        return key

    def clean_variable(self) -> str:
        return str(self.cleaned_data.get("variable") or "tambahan").strip().lower().replace(" ", "_")[:40]

    def save(self, commit: bool = True) -> Indicator:
        ind: Indicator = super().save(commit=False)
        ind.region_id = self.regency
        ind.origin = Indicator.Origin.DISTRICT
        if ind.value_type != Indicator.ValueType.COUNT:
            ind.cap = 1.0
        last = Indicator.objects.filter(region_id=self.regency).order_by("-position").first()
        ind.position = (last.position + 10) if last else 10_000
        if commit:
            ind.save()
        return ind


class ImportForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX"))
    sumber = forms.CharField(
        label=gettext_lazy("Instansi sumber (bila kolom sumber kosong)"), max_length=80, initial="Bawaslu"
    )
    tanggal = forms.DateField(
        label=gettext_lazy("Tanggal pengamatan (bila kolom tanggal kosong)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_tanggal(self) -> Any:
        on = self.cleaned_data.get("tanggal")
        if on is not None and on > timezone.localdate():
            raise ValidationError(_("Tanggal belum terjadi."))
        return on
