"""Forms of the handler pages (one per step of handling.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praja.accounts.models import Agency
from praja.reports.models import LegalPath, Severity


def _text(label: Any, required: bool = True, rows: int = 2, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


class VerifyForm(forms.Form):
    severity = forms.TypedChoiceField(label=_("Tingkat"), choices=Severity.choices, coerce=int)
    note = _text(_("Catatan verifikasi"), required=False)


class ReasonForm(forms.Form):
    reason = _text(_("Alasan"))


class NoteForm(forms.Form):
    text = _text(_("Catatan"), rows=3)


class QuestionForm(forms.Form):
    text = _text(_("Pertanyaan untuk pelapor (terlihat oleh pelapor)"), rows=2)


class AgencyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class AssignForm(forms.Form):
    agency = AgencyChoice(label=_("Tugaskan ke"), queryset=Agency.objects.none())
    note = _text(_("Catatan"), required=False)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class ReferForm(forms.Form):
    path = forms.ChoiceField(label=_("Jalur hukum"), choices=LegalPath.choices)
    recipient = AgencyChoice(label=_("Penerima (kosongkan: penerima jalur di wilayah laporan)"),
                             queryset=Agency.objects.none(), required=False)
    note = _text(_("Catatan"), required=False)
    acknowledge_late = forms.BooleanField(
        label=_("Saya sudah memeriksa batas 7 hari pelaporan"), required=False)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["recipient"].queryset = agencies  # type: ignore[attr-defined]


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Tahap berikutnya"), choices=())
    note = _text(_("Catatan"), required=False)

    def __init__(self, *args: Any, stages: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages or []  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    respondents = _text(_("Terlapor/tersangka"), required=False)
    arrests = forms.IntegerField(label=_("Jumlah penangkapan"), required=False, min_value=0)
    steps_taken = _text(_("Langkah yang diambil"), required=False)
    case_number = forms.CharField(label=_("Nomor perkara/LP"), required=False, max_length=80)
    court_number = forms.CharField(label=_("Nomor putusan pengadilan"), required=False, max_length=80)
    outcome = _text(_("Hasil"), required=False)


class IdentityRequestForm(forms.Form):
    reason = _text(_("Alasan meminta identitas pelapor (dibaca kustodian, tercatat di riwayat)"), rows=3)


class IdentityDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Keputusan"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Setujui")), ("0", _("Tolak"))])
    note = _text(_("Catatan keputusan"), required=False)


class LinkForm(forms.Form):
    receipt = forms.CharField(label=_("Kode tanda terima laporan terkait"), max_length=24)
    kind = forms.ChoiceField(label=_("Jenis"),
                             choices=[("terkait", _("Terkait")), ("duplikat", _("Kemungkinan duplikat"))])
    reason = forms.CharField(label=_("Keterangan"), max_length=200, required=False)
