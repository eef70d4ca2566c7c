"""The TPS edit form: used by the edit page and by the API's PATCH, so both validate alike."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext

from praja.territory.models import TPS

# Indonesia's extent with a margin (outermost islands: Sabang to Merauke, Miangas to Rote).
LAT_BOUNDS = (-11.5, 6.5)
LNG_BOUNDS = (94.5, 141.5)
# A TPS further than this from its desa's centre is probably a typo: accepted, with a warning.
FAR_FROM_DESA_KM = 15.0


def _distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


class TPSForm(forms.ModelForm):  # type: ignore[type-arg]
    """Voters, address and coordinates of one TPS. Editing a generated value clears its generated flag."""

    class Meta:
        model = TPS
        fields = ["voters", "address", "lat", "lng"]
        widgets = {
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lng": forms.NumberInput(attrs={"step": "any"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        bounds = settings.PRAJA
        self.fields["voters"].widget.attrs.update(
            {"min": bounds["TPS_MIN_VOTERS"], "max": bounds["TPS_MAX_VOTERS"]}
        )

    def clean_voters(self) -> int:
        voters = self.cleaned_data["voters"]
        lo, hi = settings.PRAJA["TPS_MIN_VOTERS"], settings.PRAJA["TPS_MAX_VOTERS"]
        if voters is None or not lo <= voters <= hi:
            raise forms.ValidationError(
                gettext("Jumlah pemilih harus antara %(min)s dan %(max)s."),
                params={"min": lo, "max": hi},
                code="voters_out_of_bounds",
            )
        legal = settings.PRAJA.get("TPS_LEGAL_MAX_VOTERS")
        if legal and voters > legal:
            self.warnings.append(
                gettext("Jumlah pemilih %(n)s melebihi batas %(legal)s pemilih per TPS.")
                % {"n": voters, "legal": legal}
            )
        return int(voters)

    def clean_lat(self) -> float | None:
        lat = self.cleaned_data.get("lat")
        if lat is not None and not LAT_BOUNDS[0] <= lat <= LAT_BOUNDS[1]:
            raise forms.ValidationError(
                gettext("Lintang harus antara %(a)s dan %(b)s (wilayah Indonesia)."),
                params={"a": LAT_BOUNDS[0], "b": LAT_BOUNDS[1]},
                code="lat_out_of_bounds",
            )
        return lat

    def clean_lng(self) -> float | None:
        lng = self.cleaned_data.get("lng")
        if lng is not None and not LNG_BOUNDS[0] <= lng <= LNG_BOUNDS[1]:
            raise forms.ValidationError(
                gettext("Bujur harus antara %(a)s dan %(b)s (wilayah Indonesia)."),
                params={"a": LNG_BOUNDS[0], "b": LNG_BOUNDS[1]},
                code="lng_out_of_bounds",
            )
        return lng

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("lng")
        if "lat" in data and "lng" in data and (lat is None) != (lng is None):
            raise forms.ValidationError(
                gettext("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."),
                code="coordinates_pair",
            )
        desa = self.instance.desa if self.instance.desa_id else None
        if lat is not None and lng is not None and desa is not None and desa.centroid_lat is not None:
            d = _distance_km(lat, lng, desa.centroid_lat, desa.centroid_lng or 0.0)
            if d > FAR_FROM_DESA_KM:
                self.warnings.append(
                    gettext("Koordinat berjarak %(d).1f km dari titik tengah desa %(desa)s: periksa kembali.")
                    % {"d": d, "desa": desa.name}
                )
        return data

    def save(self, commit: bool = True) -> TPS:
        tps: TPS = super().save(commit=False)
        if "voters" in self.changed_data:
            tps.voters_generated = False
        if "lat" in self.changed_data or "lng" in self.changed_data:
            tps.location_generated = False
        if commit:
            tps.save()
        return tps
