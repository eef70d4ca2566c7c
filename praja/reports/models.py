"""Incident and violation reports: what was reported, where, by which channel, and everything that
happened to it since (the timeline, which is only ever appended to).

The reporter's identity and contact never sit in the database in the clear: ``Report.reporter_sealed``
holds them encrypted with a key kept outside the database (praja/reports/sealing.py); a handler reads
them only through an approved ``IdentityRequest``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praja.accounts.models import Agency
from praja.territory.models import TPS, Region


class Category(models.TextChoices):
    """Bawaslu's vulnerability variables (DOMAIN.md section 2) plus violence/riots and hoaxes."""

    RIGHT_TO_VOTE = "hak_pilih", _("Penggunaan hak pilih")
    SECURITY = "keamanan", _("Keamanan")
    MONEY_POLITICS = "politik_uang", _("Politik uang")
    SARA = "sara", _("Politisasi SARA")
    NEUTRALITY = "netralitas", _("Netralitas (ASN, TNI-Polri, kepala desa)")
    LOGISTICS = "logistik", _("Logistik pemilihan")
    TPS_LOCATION = "lokasi_tps", _("Lokasi TPS")
    POWER_INTERNET = "listrik_internet", _("Listrik dan internet")
    VIOLENCE = "kekerasan", _("Kekerasan dan kerusuhan")
    HOAX = "hoaks", _("Hoaks / disinformasi")


class Severity(models.IntegerChoices):
    LOW = 1, _("Rendah")
    MEDIUM = 2, _("Sedang")
    HIGH = 3, _("Tinggi")
    CRITICAL = 4, _("Kritis")


class Channel(models.TextChoices):
    PUBLIC_WEB = "web_publik", _("Formulir publik")
    OFFICER_WEB = "web_petugas", _("Formulir petugas")
    API = "api", _("API")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    IMPORT = "impor", _("Impor berkas")
    STAFF = "staf", _("Staf (halaman penanganan)")


class Status(models.TextChoices):
    NEW = "baru", _("Baru")
    VERIFIED = "terverifikasi", _("Terverifikasi")
    REJECTED = "ditolak", _("Ditolak")
    ASSIGNED = "ditugaskan", _("Ditugaskan")
    REFERRED = "diteruskan", _("Diteruskan (jalur hukum)")
    OUTCOME = "ada_hasil", _("Hasil tercatat")
    CLOSED = "ditutup", _("Ditutup")


class SubjectKind(models.TextChoices):
    """Who the report is about, when it is about a person whose neutrality the law protects."""

    NONE = "", _("Tidak ada / umum")
    POLICE = "polri", _("Anggota Polri")
    MILITARY = "tni", _("Anggota TNI")
    CIVIL_SERVANT = "asn", _("Aparatur sipil negara (ASN)")
    VILLAGE_HEAD = "kades", _("Kepala desa / perangkat desa")
    ELECTION_BODY = "penyelenggara", _("Penyelenggara pemilihan (KPU/Bawaslu/KPPS)")
    CANDIDATE = "paslon", _("Pasangan calon / tim kampanye")
    OTHER = "lain", _("Lainnya")


class LegalPath(models.TextChoices):
    """Where a finding goes under the law (DOMAIN.md section 4); recipients and deadlines are settings."""

    ADMINISTRATIVE = "administrasi", _("Pelanggaran administrasi (KPU)")
    CRIMINAL = "pidana", _("Tindak pidana pemilihan (Sentra Gakkumdu)")
    ETHICS = "etik", _("Kode etik penyelenggara (DKPP)")
    CIVIL_SERVANT = "asn", _("Netralitas ASN (KASN/BKN)")
    POLICE = "polri", _("Disiplin/etik Polri (Propam)")
    MILITARY = "tni", _("Disiplin TNI (POM TNI)")
    VILLAGE_HEAD = "kades", _("Kepala desa (Pemda)")


class Report(models.Model):
    # What the sender holds: the receipt is shown once; the PIN is stored only as a keyed hash.
    receipt = models.CharField(_("kode tanda terima"), max_length=24, unique=True)
    pin_hash = models.CharField(max_length=128, blank=True)
    # Idempotency: a client (offline queue, API partner, gateway message id) sends the same key again
    # after a lost answer; the report is stored once and the same receipt is answered.
    client_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    channel = models.CharField(_("saluran"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("tingkat"), choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("uraian"), max_length=10000)
    occurred_at = models.DateTimeField(_("waktu kejadian"), null=True, blank=True)
    received_at = models.DateTimeField(_("waktu diterima"), default=timezone.now, db_index=True)

    # Where: the most precise of TPS, desa, kecamatan (region) and a point. The point is protected: only
    # the case handlers see it; public and partner views show the desa.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("wilayah")
    )
    tps = models.ForeignKey(TPS, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="TPS")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    place_text = models.CharField(_("keterangan tempat"), max_length=200, blank=True)

    # Whom it is about: a protected subject is routed outside its own unit.
    subject_kind = models.CharField(_("terlapor"), max_length=16, choices=SubjectKind.choices, blank=True)
    subject_unit = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("satuan/instansi terlapor"),
    )
    subject_text = models.CharField(_("keterangan terlapor"), max_length=200, blank=True)

    # Who sent it: sealed (encrypted outside-the-database key). Empty when anonymous.
    anonymous = models.BooleanField(_("anonim"), default=False)
    reporter_sealed = models.TextField(blank=True)
    # Keyed hash of the sender's phone number, for the per-number rate limit and SMS answers (never the number).
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    partner = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("mitra pengirim")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Handling
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    status_reason = models.TextField(_("alasan"), blank=True)
    assigned_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ditugaskan ke")
    )
    # The person who has taken the report ("my queue"); empty: the assigned agency's queue.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("penangan"),
    )
    verified_at = models.DateTimeField(_("waktu verifikasi"), null=True, blank=True)
    legal_path = models.CharField(_("jalur hukum"), max_length=16, choices=LegalPath.choices, blank=True)
    referred_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("diteruskan ke")
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    # Where a report about a protected person was routed at intake (its path's recipient and Bawaslu:
    # handling.route_at_intake); it waits in those agencies' queue until it is taken, assigned or referred.
    routed_to = models.ManyToManyField(Agency, blank=True, related_name="+", verbose_name=_("dirutekan ke"))
    # The current stage's deadline along the legal path (calendar days, DOMAIN.md section 4).
    stage = models.CharField(_("tahap"), max_length=40, blank=True)
    stage_started_at = models.DateTimeField(_("tahap dimulai"), null=True, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True, db_index=True)

    # Outcome (police path, as ECLK IncidentManagement keeps it)
    respondents = models.TextField(_("terlapor/tersangka"), blank=True)
    arrests = models.PositiveIntegerField(_("jumlah penangkapan"), null=True, blank=True)
    steps_taken = models.TextField(_("langkah yang diambil"), blank=True)
    case_number = models.CharField(_("nomor perkara/LP"), max_length=80, blank=True)
    court_number = models.CharField(_("nomor putusan pengadilan"), max_length=80, blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    # Made up for the demo district (praja/reports/demo.py), never a real report.
    generated = models.BooleanField(_("dibangkitkan (demo)"), default=False)
    # Written by a drill (latihan, praja/ops): kept out of every real figure (praja/base/drillctx.py). No plain
    # index: every real query filters `drill_id IS NULL`, true of nearly every row, and SQLite (no statistics)
    # would walk such an index over the whole table (the dashboard's report counts went from ~10 to ~50 ms on
    # 100,000 reports); the partial index `report_drill` holds the drill's rows only.
    drill = models.ForeignKey("ops.Drill", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("latihan"), db_index=False)
    # When the after-intake work (routing, duplicate linking, hoax forwarding: praja/reports/afterwork.py) was
    # done; null until then, so a sweep finds the reports whose work a killed server never did (migration 0004).
    after_done_at = models.DateTimeField(_("pekerjaan sesudah penerimaan selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            models.Index(fields=["status", "due_at"], name="report_status_due"),
            models.Index(fields=["tps", "category", "received_at"], name="report_tps_cat_time"),
            # the duplicate finder's newest texts of a category in a kecamatan (duplicates.candidates_text): the
            # kecamatan is the first 8 characters of the region code ("35.07.01")
            models.Index(Substr("region_id", 1, 8), F("category"), F("received_at").desc(), name="report_kec_cat_time"),
            # only the reports still waiting for their after-intake work (a few at any time): the sweep's index
            models.Index(fields=["id"], name="report_after_pending", condition=models.Q(after_done_at__isnull=True)),
            models.Index(fields=["drill"], name="report_drill", condition=models.Q(drill__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.receipt} {self.title[:60]}"

    @property
    def region_code(self) -> str:
        """The most precise region code known (TPS's desa, else the region)."""
        if self.tps_id:
            return str(self.tps_id).split("/")[0]
        return self.region_id or ""


class TimelineQuerySet(models.QuerySet["TimelineEntry"]):
    """Timeline rows are only ever added: a bulk ``update()`` or ``delete()`` raises like the instance's own."""

    def update(self, **kwargs: object) -> int:
        raise ValueError("timeline entries are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("timeline entries are never deleted")

    def update_or_create(self, *args: object, **kwargs: object) -> tuple[TimelineEntry, bool]:
        raise ValueError("timeline entries are never changed")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise ValueError("timeline entries are never changed")

    def delete_drill(self) -> int:
        """Delete the entries of drill reports (``Report.drill``) only, when a drill is cleared (praja/ops/drill.py).
        A real report's entries are never matched."""
        return models.QuerySet.delete(self.filter(report__drill__isnull=False))[0]

    def date_generated(self, at: object) -> int:
        """Set the time of entries of demo reports (``Report.generated``) only: the demo builder dates its
        made-up history (praja/reports/demo.py). A real report's entries are never matched."""
        return models.QuerySet.update(self.filter(report__generated=True), at=at)


class TimelineEntry(models.Model):
    """One thing that happened to a report: never edited, never deleted (neither one by one nor in bulk)."""

    class Kind(models.TextChoices):
        CREATED = "dibuat", _("Laporan diterima")
        STATUS = "status", _("Perubahan status")
        NOTE = "catatan", _("Catatan")
        ASSIGNED = "penugasan", _("Penugasan")
        REFERRED = "rujukan", _("Diteruskan")
        OUTCOME = "hasil", _("Hasil")
        REOPENED = "dibuka_kembali", _("Dibuka kembali")
        LINKED = "tautan", _("Ditautkan")
        QUESTION = "pertanyaan", _("Pertanyaan untuk pelapor")
        ANSWER = "jawaban", _("Jawaban pelapor")
        ATTACHMENT = "lampiran", _("Lampiran")
        IDENTITY_REQUEST = "minta_identitas", _("Permintaan identitas pelapor")
        IDENTITY_DECISION = "putusan_identitas", _("Keputusan permintaan identitas")
        IDENTITY_VIEW = "lihat_identitas", _("Identitas pelapor dilihat")
        PROTECTED_VIEW = "lihat_terlindung", _("Data terlindung dilihat")
        ROUTED = "rute", _("Rute netralitas")
        STAGE = "tahap", _("Tahap jalur hukum")
        TAKEN = "diambil", _("Diambil penangan")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=160, blank=True)  # "pelapor", "sistem", a partner, a gateway
    channel = models.CharField(max_length=16, blank=True)  # web, api, sms, whatsapp, cli, ...
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Visible to the sender on the receipt page (questions, answers, public status changes).
    visible_to_sender = models.BooleanField(default=False)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("timeline entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("timeline entries are never deleted")

    @property
    def region_code(self) -> str:
        return self.report.region_code

    @property
    def from_status_label(self) -> str:
        return str(Status(self.from_status).label) if self.from_status in Status.values else self.from_status

    @property
    def to_status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else self.to_status


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="reports/%Y/%m/")
    # A copy without location metadata (EXIF GPS etc.), the only one shown outside the case.
    public_file = models.FileField(upload_to="reports/public/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Sent by the reporter (form, follow page, API); False when a handler or the filing officer added it
    # later from the report's page: the public follow page lists only the sender's own.
    from_sender = models.BooleanField(_("dari pelapor"), default=True)

    def __str__(self) -> str:
        return f"{self.original_name} ({self.size} B)"

    @property
    def region_code(self) -> str:
        return self.report.region_code


class ReportLink(models.Model):
    """Two reports that are duplicates or related: linked, never merged."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplikat", _("Kemungkinan duplikat")
        RELATED = "terkait", _("Terkait")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "other"], name="report_link_once")]

    def __str__(self) -> str:
        return f"{self.report_id} ~ {self.other_id} ({self.kind})"

    @property
    def region_code(self) -> str:
        return self.report.region_code


class IdentityRequest(models.Model):
    """A handler asks to see the reporter's identity, stating why; a custodian decides."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="identity_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("alasan"))
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)
    decision_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.report_id} {self.requested_at:%Y-%m-%d %H:%M} {self.approved}"

    @property
    def region_code(self) -> str:
        return self.report.region_code


class IdentityApproval(models.Model):
    """One custodian's approval of an identity request. A request is approved by two custodians of two different
    agencies (e.g. Bawaslu and Sentra Gakkumdu), neither of them the requester (identity.decide)."""

    request = models.ForeignKey(IdentityRequest, on_delete=models.PROTECT, related_name="approvals")
    custodian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "custodian"], name="identity_approval_once")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.custodian_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def region_code(self) -> str:
        return self.request.report.region_code


class PartnerToken(models.Model):
    """An API token of a partner agency (stored as a hash; the token is shown once)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.agency.region_id or ""
