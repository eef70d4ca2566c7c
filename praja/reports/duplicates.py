"""Duplicates and related reports: linked, never merged.

A new report is linked to an earlier one when
- it is about the same TPS (or, without a TPS, the same desa) and category within
  ``DUPLICATE_WINDOW_HOURS`` hours ("kemungkinan duplikat"), or
- its text is near-identical (similarity >= ``DUPLICATE_TEXT_SIMILARITY``) to a report of the same category
  and kecamatan (any place, when the new report names none) of the last ``DUPLICATE_TEXT_HOURS`` hours (the
  same message sent twice, or forwarded by several people).

Both reports keep everything they have; the link is shown on both and written into both timelines.
Runs after every intake (registered in apps.py), inside the sender's request, so it is kept cheap: two
indexed queries of a few rows, the newest ``MAX_TEXT_CANDIDATES`` texts (their first ``TEXT_PREFIX``
characters) ruled out by a word-set overlap before difflib runs, at most ``MAX_LINKS`` links made in one
transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from praja.reports import legal
from praja.reports.models import Report, ReportLink, TimelineEntry

MAX_TEXT_CANDIDATES = 30
KECAMATAN_LEN = len("35.07.01")
MAX_PLACE_CANDIDATES = 5
MAX_LINKS = 3  # per new report: enough to send a handler to the cluster
TEXT_PREFIX = 600  # characters compared
# Word-set overlap (Jaccard) below which two texts cannot reach the similarity threshold in practice.
WORD_OVERLAP_SLACK = 0.2


def window_hours() -> float:
    return float(legal.conf().get("DUPLICATE_WINDOW_HOURS", 6))


def text_hours() -> float:
    return float(legal.conf().get("DUPLICATE_TEXT_HOURS", 72))


def threshold() -> float:
    return float(legal.conf().get("DUPLICATE_TEXT_SIMILARITY", 0.85))


_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    return " ".join(_WORD.findall((text or "").lower()))[:TEXT_PREFIX]


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def similarity(a: str, b: str, wa: frozenset[str] | None = None, wb: frozenset[str] | None = None) -> float:
    """0..1 similarity of two normalised texts: a word-set overlap first (cheap), then difflib's bounds,
    then its ratio."""
    if not a or not b:
        return 0.0
    wa = words(a) if wa is None else wa
    wb = words(b) if wb is None else wb
    union = len(wa | wb)
    if not union or len(wa & wb) / union < threshold() - WORD_OVERLAP_SLACK:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < threshold() or m.quick_ratio() < threshold():
        return 0.0
    return m.ratio()


def candidates_same_place(report: Report) -> list[tuple[int, str]]:
    t0 = report.received_at - datetime.timedelta(hours=window_hours())
    qs = Report.objects.filter(category=report.category, received_at__gte=t0, received_at__lte=report.received_at)
    if report.tps_id:
        qs = qs.filter(tps_id=report.tps_id)
    elif report.region_id and report.region_id.count(".") == 3:  # a desa
        qs = qs.filter(Q(region_id=report.region_id) | Q(tps__code__startswith=report.region_id + "/"))
    else:
        return []
    return list(qs.exclude(pk=report.pk).order_by("-received_at").values_list("pk", "receipt")[:MAX_PLACE_CANDIDATES])


def place_candidates_by_tps(reports: Sequence[Report]) -> dict[int, list[tuple[int, str]]]:
    """``candidates_same_place`` of every report of a batch that names a TPS, in ONE statement on PostgreSQL (a
    LATERAL subquery per report with the same filter, order and limit, read from the index on TPS, category
    and time): {report id: [(id, receipt), ...]}, an empty list for a report without any. {} on other
    databases and for reports without a TPS: the caller asks ``candidates_same_place`` for those. Before, the
    after-intake work of a batch of 20 sent 20 such SELECTs (half of its CPU)."""
    from django.db import connection

    with_tps = [r for r in reports if r.tps_id]
    if connection.vendor != "postgresql" or not with_tps:
        return {}
    q = connection.ops.quote_name
    col = {f.name: q(f.column) for f in Report._meta.concrete_fields}
    hours = datetime.timedelta(hours=window_hours())
    params: list[Any] = []
    for r in with_tps:
        params += [r.pk, r.category, r.tps_id, r.received_at - hours, r.received_at]
    values = ", ".join(["(%s::bigint, %s::text, %s::text, %s::timestamptz, %s::timestamptz)"] * len(with_tps))
    sql = (f"SELECT b.id, c.id, c.receipt FROM (VALUES {values}) AS b(id, category, tps, t0, t1) "
           f"CROSS JOIN LATERAL (SELECT o.{col['id']} AS id, o.{col['receipt']} AS receipt, "
           f"o.{col['received_at']} AS at FROM {q(Report._meta.db_table)} o "
           f"WHERE o.{col['tps']} = b.tps AND o.{col['category']} = b.category AND o.{col['received_at']} >= b.t0 "
           f"AND o.{col['received_at']} <= b.t1 AND o.{col['id']} <> b.id "
           f"ORDER BY o.{col['received_at']} DESC LIMIT %s) c ORDER BY b.id, c.at DESC")
    out: dict[int, list[tuple[int, str]]] = {r.pk: [] for r in with_tps}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, MAX_PLACE_CANDIDATES])
        for pk, other, receipt in cursor.fetchall():
            out[pk].append((other, receipt))
    return out


def candidates_text(report: Report) -> list[tuple[tuple[int, str], float]]:
    t0 = report.received_at - datetime.timedelta(hours=text_hours())
    mine = normalise(f"{report.title} {report.description}")
    mine_words = words(mine)
    out: list[tuple[tuple[int, str], float]] = []
    qs = Report.objects.filter(category=report.category, received_at__gte=t0, received_at__lte=report.received_at)
    kecamatan = (report.region_id or "")[:KECAMATAN_LEN]
    if len(kecamatan) == KECAMATAN_LEN:  # on voting day the newest texts of a category nationwide span seconds
        # the expression of the index report_kec_cat_time: the newest rows of this kecamatan and category are
        # read straight from it, not found among every category's and kecamatan's rows of the window
        qs = qs.annotate(kec=Substr("region_id", 1, KECAMATAN_LEN)).filter(kec=kecamatan)
    rows = (qs.exclude(pk=report.pk).annotate(head=Substr("description", 1, TEXT_PREFIX)).order_by("-received_at")
            .values_list("pk", "receipt", "title", "head")[:MAX_TEXT_CANDIDATES])
    for pk, receipt, title, head in rows:
        score = similarity(mine, normalise(f"{title} {head}"), mine_words)
        if score >= threshold():
            out.append(((pk, receipt), score))
    return out


def link(report: Report, other: Report, kind: str, reason: str, *, user: Any = None, label: str = "") -> bool:
    """Link two reports both ways (and note it in both timelines); False when they were linked already."""
    if report.pk == other.pk:
        return False
    try:
        with transaction.atomic():
            ReportLink.objects.create(report=report, other=other, kind=kind, reason=reason[:200], created_by=user)
            ReportLink.objects.create(report=other, other=report, kind=kind, reason=reason[:200], created_by=user)
            for a, b in ((report, other), (other, report)):
                TimelineEntry.objects.create(
                    report=a, kind=TimelineEntry.Kind.LINKED, actor=user, actor_label=label or _("sistem"),
                    channel="web" if user else "sistem", text=reason[:200],
                    data={"other": b.pk, "receipt": b.receipt, "kind": kind},
                )
    except IntegrityError:
        return False
    return True


class LinkWrites:
    """The links and timeline entries of a whole after-intake batch, written together by ``flush`` (two INSERTs
    for the batch instead of two per report), with the links its reports already had (one SELECT for the batch
    instead of one per report) and those made in the batch, so none is made twice."""

    def __init__(self, report_ids: Sequence[int]) -> None:
        self.links: list[ReportLink] = []
        self.entries: list[TimelineEntry] = []
        self.pairs: set[tuple[int, int]] = set(
            ReportLink.objects.filter(report_id__in=list(report_ids)).values_list("report_id", "other_id"))

    def flush(self) -> None:
        if self.links:
            with transaction.atomic():
                ReportLink.objects.bulk_create(self.links, ignore_conflicts=True)
                TimelineEntry.objects.bulk_create(self.entries)
        self.links, self.entries = [], []


def find_and_link(report: Report, same_place: list[tuple[int, str]] | None = None,
                  writes: LinkWrites | None = None) -> list[int]:
    """Link the report to its likely duplicates (at most MAX_LINKS, in one transaction); answer the ids.
    ``same_place``: its same-place candidates when the caller read them already (``place_candidates_by_tps``);
    ``writes``: the batch's writes, to which the links are added (the caller flushes them) instead of written."""
    found: list[tuple[int, str, str]] = []  # (id, receipt, reason)
    seen: set[int] = set()
    place = report.tps_id or report.region_id
    for pk, receipt in candidates_same_place(report) if same_place is None else same_place:
        found.append((pk, receipt, _("Tempat (%(p)s) dan kategori sama dalam %(h)s jam") % {
            "p": place, "h": f"{window_hours():g}"}))
        seen.add(pk)
    if len(found) < MAX_LINKS:
        for (pk, receipt), score in candidates_text(report):
            if pk not in seen:
                found.append((pk, receipt, _("Teks hampir sama (kemiripan %(s)s%%)") % {"s": int(score * 100)}))
                seen.add(pk)
    found = found[:MAX_LINKS]
    if not found:
        return []
    if writes is None:
        already = set(ReportLink.objects.filter(report=report, other_id__in=[f[0] for f in found])
                      .values_list("other_id", flat=True))
    else:
        already = {other for mine, other in writes.pairs if mine == report.pk}
    found = [f for f in found if f[0] not in already]
    if not found:
        return []
    kind = ReportLink.Kind.DUPLICATE
    links, entries = [], []
    for pk, receipt, reason in found:
        links += [ReportLink(report_id=report.pk, other_id=pk, kind=kind, reason=reason[:200]),
                  ReportLink(report_id=pk, other_id=report.pk, kind=kind, reason=reason[:200])]
        for a, b, b_receipt in ((report.pk, pk, receipt), (pk, report.pk, report.receipt)):
            entries.append(TimelineEntry(report_id=a, kind=TimelineEntry.Kind.LINKED, actor_label=_("sistem"),
                                         channel="sistem", text=reason[:200],
                                         data={"other": b, "receipt": b_receipt, "kind": kind}))
    if writes is not None:
        writes.links += links
        writes.entries += entries
        writes.pairs |= {(link.report_id, link.other_id) for link in links}
        return [f[0] for f in found]
    with transaction.atomic():
        ReportLink.objects.bulk_create(links, ignore_conflicts=True)
        TimelineEntry.objects.bulk_create(entries)
    return [f[0] for f in found]


def on_intake(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).only(*FIELDS).first()
    if report is not None:
        find_and_link(report)


# The fields the after-intake work reads (one SELECT, shared by routing and duplicates).
FIELDS = ("pk", "receipt", "category", "title", "description", "received_at", "tps_id", "region_id",
          "subject_kind", "subject_unit_id")
