"""Drill mode (latihan): a voting day replayed on a running Praja at a chosen speed.

Everything a drill writes is tagged with it: reports carry ``Report.drill`` (set by a pre_save hook while the
drill engine writes, praja/base/drillctx.py), posts reported manned are ``DrillPost`` rows of the drill, never
the real plan's ``Post.manned_at``. Deleting the drill deletes all of it (``praja latihan hapus``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VOTING_DAY = datetime.date(2024, 11, 27)
START = datetime.time(5, 30)
END = datetime.time(16, 0)


class Drill(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("berjalan")
        STOPPED = "stopped", _("dihentikan")
        DONE = "done", _("selesai")

    name = models.CharField(_("nama latihan"), max_length=120, default="Latihan hari pemungutan suara")
    regency = models.CharField(_("kabupaten/kota"), max_length=13, default="35.07")
    day = models.DateField(_("hari yang dilatih"), default=VOTING_DAY)
    # drill seconds per real second: 60 plays an hour of the day in a minute
    speed = models.PositiveIntegerField(_("kecepatan"), default=60)
    seed = models.PositiveIntegerField(default=2024)
    # the deployment plan whose posts report in (its posts are never changed: see DrillPost)
    plan = models.ForeignKey("deployment.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    surge_kecamatan = models.CharField(_("kecamatan yang melonjak"), max_length=13, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("dimulai (waktu nyata)"), default=timezone.now)
    stopped_clock = models.DateTimeField(null=True, blank=True)  # the drill's clock when it was stopped
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("latihan")
        verbose_name_plural = _("latihan")

    def __str__(self) -> str:
        return f"{self.name} ({self.day:%d-%m-%Y})"

    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day, START))

    def end_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day, END))

    def clock(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The drill's clock: the day's start plus the real time elapsed times the speed, never past the end."""
        if self.status != self.Status.RUNNING and self.stopped_clock is not None:
            return self.stopped_clock
        now = now or timezone.now()
        elapsed = max(0.0, (now - self.started_at).total_seconds()) * self.speed
        return min(self.end_at(), self.start_at() + datetime.timedelta(seconds=elapsed))


class DrillEvent(models.Model):
    """One thing that happens at a moment of the drill's day (a report arrives, a post reports in...)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("laporan masuk")
        POST = "post", _("pos melapor terisi")
        REFER = "refer", _("perkara diteruskan ke Gakkumdu")
        SOCIAL = "social", _("unggahan media sosial")

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("waktu latihan"), db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    payload: models.JSONField[Any, Any] = models.JSONField(default=dict)
    done = models.BooleanField(default=False)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%H:%M}"


class DrillPost(models.Model):
    """A post of the plan reported manned in the drill (the real post is never touched)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="posts")
    post = models.ForeignKey("deployment.Post", on_delete=models.CASCADE, related_name="+")
    manned_at = models.DateTimeField(_("dilaporkan terisi"))
    people = models.PositiveSmallIntegerField(_("personel hadir"))
    required = models.PositiveSmallIntegerField(_("personel menurut rencana"))

    class Meta:
        ordering = ["manned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["drill", "post"], name="ops_drillpost_once")]

    def __str__(self) -> str:
        return f"{self.post_id} {self.people}/{self.required}"

    @property
    def understrength(self) -> bool:
        return self.people < self.required
