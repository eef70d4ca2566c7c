"""The durable job queue: one row per submitted job (praja/jobs.py is the interface; docs/architecture.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A job as the queue keeps it. Rows are written with queryset updates (no per-save audit entry): the
    work a job does is audited as the person who submitted it (`actor`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    name = models.CharField(_("tugas"), max_length=100, db_index=True)
    args = models.JSONField(_("argumen"), default=list)
    title = models.CharField(_("judul"), max_length=200, blank=True, help_text="what the person sees")
    key = models.CharField(_("kunci"), max_length=200, blank=True, db_index=True,
                           help_text="what the job is about (its progress key), e.g. deployment.plan:7")
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("percobaan paling banyak"), default=1)
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    progress_label = models.CharField(max_length=100, blank=True)
    error = models.TextField(_("galat"), blank=True)
    retryable = models.BooleanField(
        _("dapat diulang"), default=False,
        help_text="failed because its worker stopped (not because of the work itself): may be run again",
    )
    result = models.JSONField(_("hasil"), null=True, blank=True)
    file = models.CharField(_("berkas"), max_length=500, blank=True, help_text="under MEDIA_ROOT")
    actor = models.JSONField(null=True, blank=True, help_text="the audit actor of the submitter")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid:process start of the worker")

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        indexes = [models.Index(fields=["state", "id"], name="jobqueue_state_id")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def pct(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0
