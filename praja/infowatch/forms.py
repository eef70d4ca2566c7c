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

    def __init__(self, *args: Any, regions: Any = None, national: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        if not national:  # only a national scope may keep a source without a region (a national source)
            self.fields["region"].required = True
            self.fields["region"].empty_label = None  # type: ignore[attr-defined]

    def clean_url(self) -> str:
        from praja.infowatch import feeds, netguard

        url = str(self.cleaned_data.get("url") or "").strip()
        if url and not netguard.looks_public(url, feeds.allow_hosts()):
            raise forms.ValidationError(netguard.REFUSED)
        return url


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
    whole_narrative = forms.BooleanField(label=_("Terapkan ke seluruh narasi (juga butir yang bergabung kemudian)"),
                                         required=False, initial=True)

    def clean_factcheck(self) -> FactCheck | None:
        ext = (self.cleaned_data.get("factcheck") or "").strip()
        if not ext:
            return None
        fc = FactCheck.objects.filter(external_id=ext).first()
        if fc is None:
            raise forms.ValidationError(_("Cek fakta dengan ID itu tidak ada."))
        return fc


class FactCheckImportForm(forms.Form):
    """The column mapping of a fact-check file: each left blank is found by its usual names."""

    kolom_klaim = forms.CharField(label=_("Kolom klaim"), max_length=100, required=False)
    kolom_judul = forms.CharField(label=_("Kolom judul"), max_length=100, required=False)
    kolom_id = forms.CharField(label=_("Kolom ID"), max_length=100, required=False)
    kolom_tanggal = forms.CharField(label=_("Kolom tanggal"), max_length=100, required=False)
    kolom_putusan = forms.CharField(label=_("Kolom putusan"), max_length=100, required=False)
    kolom_tautan = forms.CharField(label=_("Kolom tautan"), max_length=100, required=False)
    pemeriksa = forms.CharField(label=_("Pemeriksa fakta (bila tidak ada kolomnya)"), max_length=120,
                                required=False)

    def mapping(self) -> dict[str, str]:
        d = self.cleaned_data
        return {"claim": d.get("kolom_klaim") or "", "title": d.get("kolom_judul") or "", "id": d.get("kolom_id") or "",
                "date": d.get("kolom_tanggal") or "", "verdict": d.get("kolom_putusan") or "",
                "url": d.get("kolom_tautan") or ""}


class NarrativeVerdictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Putusan untuk seluruh narasi"), choices=Verdict.Kind.choices)
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
