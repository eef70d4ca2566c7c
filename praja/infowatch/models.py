"""Infowatch: what is being said (items from feeds, social exports, public reports and manual entry), the
debunks it may match (fact-checks), the analyst's verdict, and the clarification humas publishes.

- `Source`: an RSS/Atom feed an analyst watches, with the state of polite fetching (ETag, Last-Modified,
  failures and the backoff they cause).
- `Item`: one text, kept whole as received (nothing lost), with the flags bad input earned (markup, empty,
  too long, other language, broken encoding), the labels and scores of the classifiers, the places it
  names, its near-duplicate copies (counted on the first one, never stored twice) and its risk.
- `FactCheck` / `ItemMatch`: the debunked claims and which of them an item resembles, with scores.
- `Verdict`: hoax, misleading, true or unverified, optionally linked to a fact-check.
- `Clarification`: drafted (humas), approved (a second person with `infowatch.approve`), published on
  Info Resmi and in the RSS/Atom/JSON feeds.
- `Narrative` / `NarrativeAlert`: items grouped over time windows; an alert when one touching a rawan or
  sangat rawan kecamatan grows past the threshold.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praja.territory.models import Region


class Source(models.Model):
    name = models.CharField(_("nama"), max_length=160)
    url = models.URLField(_("alamat umpan (RSS/Atom)"), max_length=500, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("wilayah")
    )
    active = models.BooleanField(_("aktif"), default=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=40, blank=True)  # "ok", "304", "http 500", "timeout", ...
    last_error = models.CharField(max_length=300, blank=True)
    last_new_items = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)  # consecutive
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sumber")
        verbose_name_plural = _("sumber")

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class Channel(models.TextChoices):
    FEED = "feed", _("Umpan berita")
    SOCIAL = "social", _("Media sosial (impor)")
    REPORT = "report", _("Laporan masyarakat")
    MANUAL = "manual", _("Masukan manual")


class Lane(models.TextChoices):
    MAIN = "main", _("Pemilu dan lainnya")
    SCAM = "scam", _("Penipuan dan spam")


class DrillAwareManager(models.Manager[Any]):
    """Real rows only, unless a drill is viewed or written (praja/base/drillctx.py `tagged_q`): a drill's social
    posts and the narrative they grow into never reach a real page, figure or job."""

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path

    def get_queryset(self) -> models.QuerySet[Any]:
        from praja.base import drillctx

        return super().get_queryset().filter(drillctx.tagged_q(self.path))


class Item(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Baru")
        REVIEWED = "reviewed", _("Sudah ditinjau")
        DISMISSED = "dismissed", _("Diabaikan")

    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    key = models.CharField(max_length=300, null=True, blank=True, unique=True)  # feed guid / import key
    title = models.CharField(_("judul"), max_length=500, blank=True)
    text = models.TextField(_("isi"), blank=True)
    author = models.CharField(_("penulis/akun"), max_length=200, blank=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("waktu terbit"), null=True, blank=True)
    received_at = models.DateTimeField(_("waktu diterima"), default=timezone.now)
    reach = models.BigIntegerField(_("jangkauan"), default=0)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("wilayah")
    )
    language = models.CharField(max_length=12, blank=True)  # "id", "other", ""
    flags = models.JSONField(default=list, blank=True)  # markup, empty, long, language, encoding, ...
    labels = models.JSONField(default=dict, blank=True)  # label -> score 0..1
    # label -> {"raw", "low", "high", "batch_prior", "train_prior"}: scores adjusted to the batch's label share
    label_ranges = models.JSONField(default=dict, blank=True)
    places = models.JSONField(default=list, blank=True)  # region codes (kecamatan/desa) named
    signature = models.BigIntegerField(null=True, blank=True, db_index=True)
    copies = models.PositiveIntegerField(_("salinan"), default=1)  # this item + its near-duplicates
    also_seen = models.JSONField(default=list, blank=True)  # [{url, author, at, reach, channel}] of copies
    analysed_at = models.DateTimeField(null=True, blank=True)
    likelihood = models.FloatField(default=0.0)
    vulnerability = models.FloatField(default=1.0)
    risk = models.FloatField(default=0.0, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    lane = models.CharField(_("jalur"), max_length=10, choices=Lane.choices, default=Lane.MAIN, db_index=True)
    relevance = models.FloatField(default=0.0)  # election relevance (the election label's score), 0..1
    narrative = models.ForeignKey(
        "Narrative", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written by a drill (latihan, praja/ops): seen only while that drill is viewed (DrillAwareManager)
    drill = models.ForeignKey("ops.Drill", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              editable=False, db_index=False)  # partial index below (see Report.drill)

    objects = DrillAwareManager()

    class Meta:
        ordering = ["-risk", "-received_at", "-pk"]
        indexes = [models.Index(fields=["drill"], name="item_drill", condition=models.Q(drill__isnull=False))]
        verbose_name = _("butir informasi")
        verbose_name_plural = _("butir informasi")

    def __str__(self) -> str:
        return (self.title or self.text)[:80] or f"#{self.pk}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def when(self):  # type: ignore[no-untyped-def]
        return self.published_at or self.received_at

    def latest_verdict(self) -> Verdict | None:
        return self.verdicts.order_by("-decided_at", "-pk").first()


class ForwardedReport(models.Model):
    """A public report (reports app, category hoax) that brought this item: its receipt, so the sender can
    be answered once a clarification is published. Several reports may bring one item (near-duplicates)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="forwarded")
    receipt = models.CharField(_("tanda terima laporan"), max_length=64, unique=True)
    received_at = models.DateTimeField()
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return self.receipt

    @property
    def region_code(self) -> str:
        return self.item.region_id or ""


class FactCheck(models.Model):
    external_id = models.CharField(_("ID eksternal"), max_length=100, unique=True)
    title = models.CharField(_("judul"), max_length=500, blank=True)
    claim = models.TextField(_("klaim"), blank=True)
    verdict = models.CharField(_("putusan"), max_length=60, blank=True)
    published_on = models.DateField(_("tanggal"), null=True, blank=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    publisher = models.CharField(_("pemeriksa fakta"), max_length=120, blank=True)
    origin = models.CharField(_("sumber data"), max_length=160, blank=True)  # "umpan: ...", "impor: file", "demo"
    claim_key = models.CharField(max_length=40, blank=True, db_index=True)  # de-duplication across sources
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "external_id"]
        verbose_name = _("cek fakta")
        verbose_name_plural = _("cek fakta")

    def __str__(self) -> str:
        return f"{self.external_id}: {self.title or self.claim[:60]}"

    @property
    def match_text(self) -> str:
        return " ".join(p for p in (self.title, self.claim) if p)


class FactCheckFeed(models.Model):
    """The fetching state of one fact-checker's feed named in PRAJA_INFOWATCH_FACTCHECK_FEEDS (the list itself
    lives in the settings; this row only remembers ETag, failures and the backoff)."""

    url = models.URLField(max_length=500, unique=True)
    name = models.CharField(max_length=160)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=40, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_new = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    next_fetch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemMatch(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="matches")
    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["item", "rank"]
        constraints = [models.UniqueConstraint(fields=["item", "factcheck"], name="infowatch_match_unique")]

    def __str__(self) -> str:
        return f"#{self.item_id} ~ {self.factcheck_id} ({self.score:.3f})"

    @property
    def region_code(self) -> str:
        return self.item.region_id or ""


class Verdict(models.Model):
    class Kind(models.TextChoices):
        HOAX = "hoax", _("Hoaks")
        MISLEADING = "misleading", _("Menyesatkan")
        TRUE = "true", _("Benar")
        UNVERIFIED = "unverified", _("Belum terverifikasi")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="verdicts")
    kind = models.CharField(_("putusan"), max_length=12, choices=Kind.choices)
    factcheck = models.ForeignKey(
        FactCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cek fakta")
    )
    narrative = models.ForeignKey(  # set when the verdict was given on (or reached the item through) a narrative
        "Narrative", on_delete=models.SET_NULL, null=True, blank=True, related_name="verdicts"
    )
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (#{self.item_id})"

    @property
    def region_code(self) -> str:
        return self.item.region_id or ""


class Clarification(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        APPROVED = "approved", _("Disetujui")
        PUBLISHED = "published", _("Terbit")
        WITHDRAWN = "withdrawn", _("Ditarik")
        RETURNED = "returned", _("Dikembalikan")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="clarifications")
    narrative = models.ForeignKey(  # the clarification answers the whole narrative of its item
        "Narrative", on_delete=models.SET_NULL, null=True, blank=True, related_name="clarifications"
    )
    return_note = models.TextField(_("catatan pengembalian"), blank=True)
    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi klarifikasi"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publisher_name = models.CharField(_("diterbitkan oleh"), max_length=160, blank=True)

    class Meta:
        ordering = ["-published_at", "-drafted_at", "-pk"]
        verbose_name = _("klarifikasi")
        verbose_name_plural = _("klarifikasi")

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.item.region_id if self.item_id and self.item and self.item.region_id else ""

    @property
    def verdict_label(self) -> str:
        return self.verdict.get_kind_display() if self.verdict else ""


class Narrative(models.Model):
    key = models.CharField(max_length=64, unique=True)
    title = models.CharField(_("judul"), max_length=300)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    volume = models.PositiveIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    growth = models.FloatField(default=0.0)  # last window's volume / the window before (>= 1: growing)
    series = models.JSONField(default=list)  # [{start, volume, reach}] per window, oldest first
    places = models.JSONField(default=list)  # kecamatan codes
    rawan_places = models.JSONField(default=list)  # of those, the rawan / sangat rawan ones
    lane = models.CharField(max_length=10, choices=Lane.choices, default=Lane.MAIN)
    relevance = models.FloatField(default=0.0)  # the highest election relevance of its members
    factcheck = models.ForeignKey(  # the best fact-check any member matches at or above the threshold
        FactCheck, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    factcheck_score = models.FloatField(default=0.0)
    verdict = models.ForeignKey(  # the decision on the narrative: reaches every member, and those that join
        Verdict, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    drill = models.ForeignKey("ops.Drill", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              editable=False, db_index=False)  # partial index below (see Report.drill)

    objects = DrillAwareManager()

    class Meta:
        ordering = ["-growth", "-volume"]
        indexes = [models.Index(fields=["drill"], name="narrative_drill", condition=models.Q(drill__isnull=False))]
        verbose_name = _("narasi")
        verbose_name_plural = _("narasi")

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.places[0] if self.places else ""


class NarrativeAlert(models.Model):
    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="alerts")
    window_start = models.DateTimeField()
    growth = models.FloatField()
    volume = models.PositiveIntegerField()
    places = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = DrillAwareManager("narrative__")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["narrative", "window_start"], name="infowatch_alert_once_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.narrative_id} x{self.growth}"

    @property
    def region_code(self) -> str:
        return self.places[0] if self.places else ""
