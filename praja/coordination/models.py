"""Coordination meetings (rakor), who attended for which agency, their decisions, and the commitments
that decisions become: an owner agency, a due date, and the evidence that closes them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praja.accounts.models import Agency, Person
from praja.territory.models import Region

DEFAULT_DUE_SOON_DAYS = 3
DEFAULT_ACTIVITY_PHOTOS = 5


def activity_photos_max() -> int:
    """How many photos one daily activity report may carry (setting)."""
    return int(getattr(settings, "PRAJA_ACTIVITY_PHOTOS_MAX", DEFAULT_ACTIVITY_PHOTOS))


def due_soon_days() -> int:
    """Days before the due date from which an open commitment counts as "due soon" (setting)."""
    return int(getattr(settings, "PRAJA_COMMITMENT_DUE_SOON_DAYS", DEFAULT_DUE_SOON_DAYS))


class Meeting(models.Model):
    title = models.CharField(_("judul"), max_length=200)
    held_at = models.DateTimeField(_("waktu"))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(_("pimpinan rapat"), max_length=160)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("wilayah"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("notulen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("rakor")
        verbose_name_plural = _("rakor")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_at:%d-%m-%Y})"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class Attendance(models.Model):
    """Who attended for which agency; a religious or customary leader, FKUB or the media attend as a
    stakeholder (with or without an agency they speak for)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("instansi")
    )
    stakeholder = models.ForeignKey(
        "Stakeholder", on_delete=models.PROTECT, null=True, blank=True, related_name="attendances",
        verbose_name=_("pemangku kepentingan"),
    )
    person_name = models.CharField(_("nama"), max_length=160)
    position = models.CharField(_("jabatan"), max_length=120, blank=True)

    class Meta:
        ordering = ["agency__name", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(stakeholder__isnull=False),
                name="coord_attendance_agency_or_stakeholder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.represents})"

    @property
    def represents(self) -> str:
        """The agency attended for, else the stakeholder's organisation, else what kind of stakeholder."""
        if self.agency is not None:
            return self.agency.name
        if self.stakeholder is not None:
            return self.stakeholder.organisation or str(self.stakeholder.get_kind_display())
        return ""

    @property
    def region_code(self) -> str:
        return self.meeting.region_id or ""


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("nomor"))
    text = models.TextField(_("keputusan"))

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="coord_decision_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"

    @property
    def region_code(self) -> str:
        return self.meeting.region_id or ""


class Commitment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("terbuka")
        DONE = "done", _("selesai")

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="commitment")
    owner = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("instansi penanggung jawab")
    )
    due_date = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("bukti"), blank=True)
    evidence_file = models.FileField(_("berkas bukti"), upload_to="coordination/evidence/%Y/%m/", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.owner}: {self.decision}"

    @property
    def region_code(self) -> str:
        return self.decision.meeting.region_id or ""

    def state(self, today: datetime.date | None = None) -> str:
        """open, due_soon, overdue or done: what the board shows."""
        if self.status == self.Status.DONE:
            return "done"
        today = today or timezone.localdate()
        if self.due_date < today:
            return "overdue"
        if self.due_date <= today + datetime.timedelta(days=due_soon_days()):
            return "due_soon"
        return "open"


STATE_LABELS = {
    "open": _("terbuka"),
    "due_soon": _("segera jatuh tempo"),
    "overdue": _("lewat tenggat"),
    "done": _("selesai dengan bukti"),
}


class Election(models.Model):
    """An election whose stages the calendar shows (Pilkada 2024, a re-vote, Pilkada 2029, ...)."""

    slug = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(_("urutan"))
    name = models.CharField(_("tahapan"), max_length=200)
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"))
    posture = models.TextField(_("postur pengamanan"), blank=True)
    checklist = models.JSONField(_("daftar periksa"), default=list, blank=True)
    voting_day = models.BooleanField(_("hari pemungutan suara"), default=False)

    class Meta:
        ordering = ["election", "start", "order"]

    def __str__(self) -> str:
        return self.name

    def is_current(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class Operation(models.Model):
    """A police operation for the election (Operasi Mantap Praja Semeru 2024) and its period."""

    name = models.CharField(_("nama operasi"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"))

    class Meta:
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class Line(models.Model):
    """A line of activity of the operation (pre-emptive, preventive, law enforcement, ...)."""

    class Kind(models.TextChoices):
        PREEMPTIVE = "preemptive", _("Pre-emtif")
        PREVENTIVE = "preventive", _("Preventif")
        ENFORCEMENT = "enforcement", _("Penegakan hukum")
        PUBLIC_RELATIONS = "public_relations", _("Hubungan masyarakat")
        SUPPORT = "support", _("Dukungan operasi")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("bidang"), max_length=20, choices=Kind.choices)
    task_force = models.CharField(_("satuan tugas"), max_length=200, blank=True)

    class Meta:
        ordering = ["operation", "pk"]
        constraints = [models.UniqueConstraint(fields=["operation", "kind"], name="coord_line_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def region_code(self) -> str:
        return self.operation.region_id or ""


class ActivityReport(models.Model):
    """A daily activity report of one line: what was done, where, by how many people."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="reports", verbose_name=_("bidang"))
    day = models.DateField(_("tanggal"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    what = models.TextField(_("kegiatan"))
    place = models.CharField(_("lokasi"), max_length=200)
    people = models.PositiveIntegerField(_("jumlah personel"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.line} {self.day}: {self.what[:40]}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class LineMember(models.Model):
    """A person of a line's task force and what they do in it (Kasatgas, Wakasatgas, anggota...)."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="members", verbose_name=_("bidang"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("personel"))
    position = models.CharField(_("jabatan dalam satgas"), max_length=120, blank=True)

    class Meta:
        ordering = ["line", "pk"]
        constraints = [models.UniqueConstraint(fields=["line", "person"], name="coord_line_member_once")]
        verbose_name = _("anggota satgas")
        verbose_name_plural = _("anggota satgas")

    def __str__(self) -> str:
        return f"{self.line}: {self.person}"

    @property
    def region_code(self) -> str:
        return self.line.operation.region_id or ""


class ActivityPhoto(models.Model):
    """One photo of a daily activity report (a report may carry several, up to a setting)."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("foto"), upload_to="coordination/activity/%Y/%m/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.file.name or ""

    @property
    def region_code(self) -> str:
        return self.report.region_id or ""


class Stakeholder(models.Model):
    """Someone the operation speaks with: an agency's spokesperson, a religious or customary leader, FKUB, the
    media. Their phone and e-mail are personal data: masked in lists (praja/base/masking.py), shown whole
    only on the person's page to those who may see people (`accounts.view_people`)."""

    class Kind(models.TextChoices):
        AGENCY = "instansi", _("Juru bicara instansi")
        RELIGIOUS = "agama", _("Tokoh agama")
        CUSTOMARY = "adat", _("Tokoh adat")
        FKUB = "fkub", _("FKUB (Forum Kerukunan Umat Beragama)")
        COMMUNITY = "masyarakat", _("Tokoh masyarakat / pemuda")
        MEDIA = "media", _("Media")
        OTHER = "lain", _("Lainnya")

    name = models.CharField(_("nama"), max_length=160)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    position = models.CharField(_("jabatan/peran"), max_length=160, blank=True)
    organisation = models.CharField(_("organisasi/lembaga"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("instansi yang diwakili"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("pemangku kepentingan")
        verbose_name_plural = _("pemangku kepentingan")

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id or ""
