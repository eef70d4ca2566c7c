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
    """An attendee for an agency, or a stakeholder from the registry (name and position filled from it)."""

    class Meta:
        model = Attendance
        fields = ["agency", "stakeholder", "person_name", "position"]

    def __init__(self, *args: Any, agencies: Any, stakeholders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if stakeholders is None:
            from praja.coordination.models import Stakeholder

            stakeholders = Stakeholder.objects.none()
        self.fields["stakeholder"].queryset = stakeholders  # type: ignore[attr-defined]
        self.fields["person_name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, stakeholder = data.get("agency"), data.get("stakeholder")
        if agency is None and stakeholder is None:
            raise forms.ValidationError(_("Pilih instansi atau pemangku kepentingan yang hadir."))
        if stakeholder is not None:
            data["person_name"] = data.get("person_name") or stakeholder.name
            data["position"] = data.get("position") or stakeholder.position
            if agency is None and stakeholder.agency_id is not None:
                data["agency"] = stakeholder.agency
        if not data.get("person_name"):
            self.add_error("person_name", _("Isi nama peserta."))
        return data


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
        return check_evidence(f) if f else f


# Evidence of a closed commitment: a document or a photo, read from the file's first bytes (issue 14: an HTML
# file was stored and served). Office files are ZIP (docx, xlsx, pptx, odt, ods) or OLE (doc, xls) containers:
# those are taken only under their own extension.
EVIDENCE_ZIP_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
EVIDENCE_OLE_EXTENSIONS = {"doc", "xls", "ppt"}


def evidence_kind(head: bytes, name: str) -> str:
    """'image/...', 'application/pdf', 'office' or '' (not a document or image type Praja keeps as evidence)."""
    from praja.reports.attachments import IMAGE_FORMATS, sniff

    kind = sniff(head)
    if kind in IMAGE_FORMATS or kind == "application/pdf":
        return kind
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(b"PK\x03\x04") and ext in EVIDENCE_ZIP_EXTENSIONS:
        return "office"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and ext in EVIDENCE_OLE_EXTENSIONS:
        return "office"
    return ""


def check_evidence(f: Any) -> Any:
    """The evidence file if it is a document (PDF, Office) or a readable photo, else a ValidationError naming it."""
    name = str(getattr(f, "name", "") or "berkas")
    head = f.read(16)
    f.seek(0)
    kind = evidence_kind(head, name)
    if not kind:
        raise forms.ValidationError(
            _("%(name)s bukan jenis berkas bukti yang diterima (yang diterima: PDF, JPG, PNG, WEBP, DOCX, XLSX, "
              "PPTX, ODT, ODS, DOC, XLS).") % {"name": name}
        )
    if kind.startswith("image/"):
        return check_photo(f)
    return f


def agencies_for(scope: Any) -> Any:
    from praja.accounts import visibility

    return visibility.agencies(Agency.objects.all(), scope).order_by("name")


def regions_for(scope: Any) -> Any:
    from praja.accounts import visibility

    return visibility.regions(Region.objects.filter(level__in=[1, 2, 3]), scope).order_by("code")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by its bytes (JPEG, PNG or WebP that decodes), its size
    (10 MB) and their number (`PRAJA_ACTIVITY_PHOTOS_MAX`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        from praja.coordination.models import activity_photos_max

        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        limit = activity_photos_max()
        if len(files) > limit:
            raise forms.ValidationError(
                _("Terlalu banyak foto: %(n)s (maks. %(max)s).") % {"n": len(files), "max": limit}
            )
        return [check_photo(super(MultiplePhotoField, self).clean(f, initial)) for f in files]


def check_photo(f: Any) -> Any:
    """The uploaded file if it is a readable photo within the size limit, else a ValidationError naming it."""
    from praja.reports.attachments import IMAGE_FORMATS, AttachmentError, check_dimensions, open_image, sniff

    name = getattr(f, "name", "") or "foto"
    if getattr(f, "size", 0) > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError(_("%(name)s terlalu besar (maks. 10 MB).") % {"name": name})
    head = f.read(16)
    f.seek(0)
    kind = sniff(head)
    if kind not in IMAGE_FORMATS:
        raise forms.ValidationError(_("%(name)s bukan foto (JPEG, PNG atau WebP).") % {"name": name})
    data = f.read()
    try:
        check_dimensions(data, kind, name)  # a decompression bomb is refused by its header, never decoded
    except AttachmentError as exc:
        f.seek(0)
        raise forms.ValidationError(str(exc)) from exc
    try:
        open_image(data).load()
    except Exception as exc:  # noqa: BLE001 - any decoder error means "not a readable photo"
        raise forms.ValidationError(_("%(name)s rusak atau bukan gambar.") % {"name": name}) from exc
    finally:
        f.seek(0)
    return f


class ActivityReportForm(forms.ModelForm):  # type: ignore[type-arg]
    photos = MultiplePhotoField(label=_("Foto"), required=False)

    class Meta:
        model = ActivityReport
        fields = ["line", "day", "region", "what", "place", "people"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}),
            "what": forms.Textarea(attrs={"rows": 3}),
            "people": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        }

    def __init__(self, *args: Any, lines: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class LineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        from praja.coordination.models import Line

        model = Line
        fields = ["task_force"]


class LineMemberForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        from praja.coordination.models import LineMember

        model = LineMember
        fields = ["person", "position"]

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


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
