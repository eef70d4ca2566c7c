"""Forms of the infowatch pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from praja.infowatch.models import Clarification, FactCheck, Source, Verdict


class SourceForm(forms.ModelForm):  # type: ignore[type-arg]
    # A feed address typed without a scheme is read as https:// (Django 6's default; said here so 5.2 agrees).
    url = forms.URLField(label=capfirst(_("alamat umpan (RSS/Atom)")), max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["name", "url", "region", "active"]

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class ManualItemForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=500, required=False)
    text = forms.CharField(label=_("Isi"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    url = forms.URLField(label=_("Tautan"), max_length=1000, required=False, assume_scheme="https")
    author = forms.CharField(label=_("Penulis/akun"), max_length=200, required=False)
    reach = forms.IntegerField(label=_("Jangkauan"), min_value=0, required=False, initial=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or data.get("title") or data.get("url")):
            raise forms.ValidationError(_("Isi, judul atau tautan wajib diisi."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas JSON lines atau CSV (text, author, time, url, reach)"))


class VerdictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Putusan"), choices=Verdict.Kind.choices)
    factcheck = forms.CharField(label=_("ID cek fakta (opsional)"), max_length=100, required=False)
    note = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_factcheck(self) -> FactCheck | None:
        ext = (self.cleaned_data.get("factcheck") or "").strip()
        if not ext:
            return None
        fc = FactCheck.objects.filter(external_id=ext).first()
        if fc is None:
            raise forms.ValidationError(_("Cek fakta dengan ID itu tidak ada."))
        return fc


class ClarificationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Clarification
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
