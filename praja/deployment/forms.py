"""Forms of the deployment pages: a new plan (pattern, settings, people per pool), a pattern, a post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praja.deployment.models import CLASS_CHOICES, Pattern, PlanSettings, Pool
from praja.deployment.solver import ClassPattern

MAX_PEOPLE = 100_000


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Nama skenario"), max_length=160, required=False,
                           help_text=_("Misalnya: “pola Sleman, cadangan 10%”."))
    pattern = forms.ModelChoiceField(label=_("Pola pengamanan"), queryset=Pattern.objects.none(), empty_label=None)
    walking_km = forms.FloatField(label=_("Jarak jalan kaki maksimum (km)"), min_value=0.1, max_value=20,
                                  help_text=_("Setiap TPS sebuah pos paling jauh sejarak ini dari pos."))
    area = forms.ChoiceField(label=_("Pos tidak melintasi"), choices=PlanSettings.Area.choices)
    reserve_percent = forms.FloatField(label=_("Cadangan (%)"), min_value=0, max_value=90,
                                       help_text=_("Bagian setiap satuan sendiri yang tidak dikerahkan."))

    def __init__(self, *args: Any, patterns: Any, pools: list[Pool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = patterns  # type: ignore[attr-defined]
        self.pools = pools
        for p in pools:
            self.fields[f"pool_{p.pk}"] = forms.IntegerField(
                label=p.unit, min_value=0, max_value=MAX_PEOPLE, initial=p.available,
                widget=forms.NumberInput(attrs={"class": "num-input", "aria-label": f"{p.unit}: personel tersedia"}),
            )
            self.fields[f"active_{p.pk}"] = forms.BooleanField(
                label=_("aktif"), required=False, initial=p.active,
                widget=forms.CheckboxInput(attrs={"aria-label": f"{p.unit}: ikut direncanakan"}),
            )

    def pool_rows(self) -> list[dict[str, Any]]:
        return [
            {"pool": p, "available": self[f"pool_{p.pk}"], "active": self[f"active_{p.pk}"],
             "kecamatan": [k.name for k in p.kecamatan.all()]}
            for p in self.pools
        ]

    def overrides(self) -> dict[int, tuple[int, bool]]:
        return {p.pk: (int(self.cleaned_data[f"pool_{p.pk}"]), bool(self.cleaned_data[f"active_{p.pk}"]))
                for p in self.pools}


class PatternForm(forms.Form):
    """A district's own pattern: a name and four numbers per class."""

    name = forms.CharField(label=_("Nama pola"), max_length=120)
    source = forms.CharField(label=_("Sumber / dasar"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS = (("police", _("Polri per pos"), 1), ("max_tps", _("TPS per pos (maks.)"), 1),
              ("tni", _("TNI per pos"), 0), ("linmas", _("Linmas per pos"), 0))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for cls, label in CLASS_CHOICES:
            for key, flabel, low in self.FIELDS:
                self.fields[f"{cls}__{key}"] = forms.IntegerField(
                    label=f"{label}: {flabel}", min_value=low, max_value=999,
                    widget=forms.NumberInput(attrs={"class": "num-input"}),
                )

    @staticmethod
    def initial_from(p: Pattern, copy: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"name": f"{p.name} ({_('salinan')})" if copy else p.name, "source": p.source}
        for cls, values in p.classes.items():
            for key, _l, _low in PatternForm.FIELDS:
                data[f"{cls}__{key}"] = values.get(key, 0)
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [{"cls": cls, "label": label, "fields": [self[f"{cls}__{k}"] for k, _l, _low in self.FIELDS]}
                for cls, label in CLASS_CHOICES]

    def classes(self) -> dict[str, dict[str, int]]:
        return {cls: {k: int(self.cleaned_data[f"{cls}__{k}"]) for k, _l, _low in self.FIELDS}
                for cls, _label in CLASS_CHOICES}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for cls, values in self.classes().items():
                try:
                    ClassPattern(**values)
                except ValueError as exc:
                    raise forms.ValidationError(f"{cls}: {exc}") from exc
        return data


class PostForm(forms.Form):
    police = forms.IntegerField(label=_("Polri"), min_value=0, max_value=999)
    tni = forms.IntegerField(label=_("TNI"), min_value=0, max_value=999)
    linmas = forms.IntegerField(label=_("Linmas"), min_value=0, max_value=999)
