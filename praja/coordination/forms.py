from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praja.accounts.models import Agency
from praja.coordination.models import ActivityReport, Attendance, Commitment, Decision, Meeting
from praja.territory.models import Region

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class MeetingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Meeting
        fields = ["title", "held_at", "place", "chair", "region", "agenda", "minutes"]
        widgets = {
            "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]


class AttendanceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Attendance
        fields = ["agency", "person_name", "position"]

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class CommitmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Commitment
        fields = ["owner", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = agencies  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    evidence = forms.CharField(label=_("Bukti"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label=_("Berkas bukti (opsional)"), required=False)

    def clean_evidence_file(self) -> Any:
        f = self.cleaned_data.get("evidence_file")
        if f and f.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maks. 10 MB)."))
        return f


def agencies_for(scope: Any) -> Any:
    from praja.accounts import visibility

    return visibility.agencies(Agency.objects.all(), scope).order_by("name")


def regions_for(scope: Any) -> Any:
    from praja.accounts import visibility

    return visibility.regions(Region.objects.filter(level__in=[1, 2, 3]), scope).order_by("code")


class ActivityReportForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ActivityReport
        fields = ["line", "day", "region", "what", "place", "people", "photo"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}),
            "what": forms.Textarea(attrs={"rows": 3}),
            "people": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        }

    def __init__(self, *args: Any, lines: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    def clean_photo(self) -> Any:
        f = self.cleaned_data.get("photo")
        if f and getattr(f, "size", 0) > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maks. 10 MB)."))
        return f


class StakeholderForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        from praja.coordination.models import Stakeholder

        model = Stakeholder
        fields = ["name", "kind", "position", "organisation", "agency", "region", "phone", "email", "notes", "active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, regions: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
