"""Infowatch services: the only way items, verdicts and clarifications are written.

- `ingest(...)`: one text from any channel (feed, social import, public report, manual entry): flagged for
  bad input, kept whole, grouped with a near-duplicate instead of stored twice, analysed.
- `analyse(items)`: labels, places, matches against the fact-checks, likelihood, vulnerability, risk.
- `ingest_forwarded(text, url, received_at, report_receipt)`: what the reports app calls for a public
  report of category hoax; `clarifications_for_receipt(receipt)` what its follow-up page reads.
- `record_verdict`, `draft_clarification`, `approve`, `publish`, `withdraw`: the humas workflow; publishing
  sends the `clarification_published` signal (with the receipts of the reports that brought the item).
- `update_narratives(now)`: narratives over time windows and the growth alert.

Risk = likelihood x reach factor x vulnerability, where likelihood is the highest of the harmful labels
(hoax, hate speech, SARA; the hoax label only for texts of article length, see `counted_labels`) and of
the best fact-check match above the threshold, the reach factor is
1 + log10(1 + reach) and vulnerability is the highest class weight among the kecamatan the item names
(a kecamatan's weight: the mean weight of its TPS classes from the risk app; 1 when none is named).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from praja.infowatch import services_analysis as core
from praja.infowatch.models import (
    Channel,
    Clarification,
    FactCheck,
    ForwardedReport,
    Item,
    ItemMatch,
    Lane,
    Narrative,
    NarrativeAlert,
    Source,
    Verdict,
)
from praja.infowatch.services_input import check

# Sent after a clarification is published: sender=Clarification, clarification=..., receipts=[...]
clarification_published = Signal()

HARMFUL_LABELS = ("hoax", "hate_speech", "sara_religion", "sara_race", "sara_group", "provocation")
DEFAULT_CLASS_WEIGHTS = {"aman": 1.0, "kurang_rawan": 2.0, "rawan": 3.0, "sangat_rawan": 4.0, "khusus": 3.0}
ALSO_SEEN_MAX = 100


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "PRAJA_INFOWATCH_" + name, default)


class WorkflowError(Exception):
    """A step the workflow does not allow (approving one's own draft, publishing an unapproved one)."""


# --- ingest ----------------------------------------------------------------------------------------------


@dataclass
class Ingested:
    item: Item
    created: bool  # False: a near-duplicate (or the same feed entry) of an existing item


def _dedupe_window() -> datetime.timedelta:
    return datetime.timedelta(days=int(_setting("DEDUPE_DAYS", 7)))


class SignatureIndex:
    """Signatures of the items in the dedupe window, banded (4 x 16 bits) so a batch finds near-duplicate
    candidates without comparing every pair: two simhashes within 3 bits share at least one band."""

    BANDS = 4

    def __init__(self) -> None:
        self.bands: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def _keys(self, sig: int) -> list[tuple[int, int]]:
        u = sig & ((1 << 64) - 1)
        return [(b, (u >> (16 * b)) & 0xFFFF) for b in range(self.BANDS)]

    def add(self, sig: int, pk: int) -> None:
        for k in self._keys(sig):
            self.bands.setdefault(k, []).append((sig, pk))

    def find(self, sig: int) -> int | None:
        seen: set[int] = set()
        for k in self._keys(sig):
            for other, pk in self.bands.get(k, ()):
                if pk in seen:
                    continue
                seen.add(pk)
                if other == sig or core.near_duplicate(sig, other):
                    return pk
        return None

    @classmethod
    def recent(cls, now: datetime.datetime | None = None) -> SignatureIndex:
        now = now or timezone.now()
        idx = cls()
        qs = Item.objects.filter(signature__isnull=False, received_at__gte=now - _dedupe_window()).order_by("pk")
        for pk, sig in qs.values_list("pk", "signature").iterator(chunk_size=5000):
            if sig is not None:
                idx.add(sig, pk)
        return idx


def find_near_duplicate(sig: int, now: datetime.datetime, index: SignatureIndex | None = None) -> Item | None:
    """The item, received within the dedupe window, whose signature is near `sig`."""
    pk = (index or SignatureIndex.recent(now)).find(sig)
    return Item.objects.filter(pk=pk).first() if pk is not None else None


def ingest(
    *,
    channel: str,
    text: str,
    title: str = "",
    author: str = "",
    url: str = "",
    published_at: datetime.datetime | None = None,
    received_at: datetime.datetime | None = None,
    reach: int = 0,
    source: Source | None = None,
    key: str | None = None,
    region_id: str | None = None,
    user: Any = None,
    flags: Iterable[str] = (),
    broken_encoding: bool = False,
    analyse_now: bool = True,
    index: SignatureIndex | None = None,
) -> Ingested:
    """Store one text (or count it on the near-duplicate it repeats) and, by default, analyse it."""
    now = received_at or timezone.now()
    if key:
        existing = Item.objects.filter(key=key).first()
        if existing is not None:
            return Ingested(existing, False)
    checked = check(f"{title}\n{text}" if title else text, broken_encoding=broken_encoding)
    all_flags = sorted(set(checked.flags) | set(flags))
    sig = core.as_signed64(core.signature(checked.text)) if checked.text else None
    with transaction.atomic():
        if sig is not None:
            dup = find_near_duplicate(sig, now, index)
            if dup is not None:
                dup.copies += 1
                dup.reach += max(0, int(reach))
                if len(dup.also_seen) < ALSO_SEEN_MAX:
                    dup.also_seen = [*dup.also_seen, {
                        "url": url[:1000], "author": author[:200], "at": now.isoformat(), "reach": int(reach),
                        "channel": channel,
                    }]
                dup.save(update_fields=["copies", "reach", "also_seen"])
                if analyse_now:
                    score_risk([dup])
                return Ingested(dup, False)
        item = Item.objects.create(
            channel=channel, source=source, key=key or None, title=title[:500], text=text, author=author[:200],
            url=url[:1000], published_at=published_at, received_at=now, reach=max(0, int(reach)),
            region_id=region_id or (source.region_id if source else None) or _setting("REGION", "") or None,
            flags=all_flags, language=checked.language, signature=sig, created_by=user,
        )
        if index is not None and sig is not None:
            index.add(sig, item.pk)
    if analyse_now:
        analyse([item])
    return Ingested(item, True)


def ingest_manual(text: str, *, title: str = "", url: str = "", author: str = "", reach: int = 0,
                  region_id: str | None = None, user: Any = None) -> Ingested:
    return ingest(channel=Channel.MANUAL, text=text, title=title, url=url, author=author, reach=reach,
                  region_id=region_id, user=user)


def ingest_forwarded(text: str, url: str, received_at: datetime.datetime, report_receipt: str, *,
                     analyse_now: bool = True) -> Item:
    """A public report of category hoax, forwarded by the reports app. The receipt is recorded on the item
    (also when the text repeats an item already known), so the sender can be answered with the published
    clarification. Calling it twice with one receipt changes nothing. ``analyse_now=False``: the caller
    analyses the items of a batch together (``analyse``), which costs a fraction of one at a time."""
    known = ForwardedReport.objects.filter(receipt=report_receipt).select_related("item").first()
    if known is not None:
        return known.item
    result = ingest(channel=Channel.REPORT, text=text, url=url or "", received_at=received_at,
                    analyse_now=analyse_now)
    ForwardedReport.objects.create(item=result.item, receipt=report_receipt, received_at=received_at,
                                   url=(url or "")[:1000])
    return result.item


def clarifications_for_receipt(receipt: str) -> list[Clarification]:
    """The published clarifications of the item a public report (by its receipt) brought, newest first."""
    fr = ForwardedReport.objects.filter(receipt=receipt).select_related("item").first()
    if fr is None:
        return []
    mine = Q(item_id=fr.item_id)
    if fr.item.narrative_id:
        mine |= Q(narrative_id=fr.item.narrative_id)
    return list(Clarification.objects.filter(mine, status=Clarification.Status.PUBLISHED).order_by("-published_at"))


# --- analysis --------------------------------------------------------------------------------------------


def watch_regencies() -> list[str]:
    """Regencies whose kecamatan and desa names are looked for in items (setting, else every regency with
    TPS, at most 20)."""
    configured = _setting("REGENCIES", None)
    if configured:
        return [c.strip() for c in (configured.split(",") if isinstance(configured, str) else configured)]
    return _regencies_with_tps()


def _regencies_with_tps() -> list[str]:
    from praja.territory.models import Region

    cached = core._cache.get("regencies")  # noqa: SLF001 - the analysis module's per-process cache
    if cached is None:
        kec = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code").values_list("code", flat=True)
        cached = sorted({c[:5] for c in kec.iterator(chunk_size=5000)})[:20]
        core._cache["regencies"] = cached  # noqa: SLF001
    return list(cached)


def find_places(text: str) -> list[str]:
    out: list[str] = []
    for regency in watch_regencies():
        gaz = core.gazetteer(regency)
        if gaz is not None:
            out.extend(gaz.find(text))
    return sorted(set(out))


def kecamatan_of(code: str) -> str:
    parts = code.split("/")[0].split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else ""


def kecamatan_vulnerability(kecamatan: Iterable[str]) -> dict[str, tuple[float, str]]:
    """{kecamatan: (weight, class)}: the mean class weight of its scored TPS (risk app) and the class that
    mean rounds down to; unscored kecamatan are absent."""
    from praja.risk.services import tps_classes

    weights = dict(DEFAULT_CLASS_WEIGHTS, **_setting("CLASS_WEIGHTS", {}))
    ordered = ["aman", "kurang_rawan", "rawan", "sangat_rawan"]
    out = {}
    for kec in sorted(set(kecamatan)):
        classes = list(tps_classes(kec).values())
        if not classes:
            continue
        mean = sum(weights.get(c, 1.0) for c in classes) / len(classes)
        klass = ordered[0]
        for c in ordered:
            if mean >= weights[c]:
                klass = c
        out[kec] = (round(mean, 3), klass)
    return out


def reach_factor(reach: int) -> float:
    return 1.0 + math.log10(1 + max(0, reach))


def counted_labels(labels: dict[str, float], text: str) -> dict[str, float]:
    """The labels of ``text`` whose scores count (for its likelihood, the queue and the item page): all but the
    hoax classifier's below PRAJA_INFOWATCH_HOAX_MIN_WORDS words. That classifier was trained on news articles
    (the shortest of 79 words); on posts and headlines its score carries little information (it sets the label
    on about three tweets in four), so a short text is a hoax through its fact-check match."""
    if len(text.split()) >= hoax_setting_words():
        return dict(labels)
    return {k: v for k, v in labels.items() if k != "hoax"}


def hoax_setting_words() -> int:
    return int(_setting("HOAX_MIN_WORDS", 80))


def likelihood(labels: dict[str, float], best_match: float, threshold: float) -> float:
    harmful = [float(labels[k]) for k in HARMFUL_LABELS if k in labels]
    best = max(harmful, default=0.0)
    if best_match >= threshold:
        best = max(best, best_match)
    return round(best, 4)


def text_lane(text: str) -> str:
    try:
        from praja.infowatch.text import lanes

        return lanes.lane(text)
    except ImportError:
        return Lane.MAIN


def relevance_factor(relevance: float) -> float:
    """0.5 for a text with nothing of the election in it, 1.0 for one fully about it."""
    return 0.5 + 0.5 * min(1.0, max(0.0, relevance))


def growth_factor(growth: float) -> float:
    """1 for a narrative that does not grow; 1 + log10(1 + growth) for one that does (growth 1: x1.3, 9: x2)."""
    return 1.0 + math.log10(1.0 + max(0.0, growth))


def score_risk(items: Sequence[Item], vuln: dict[str, tuple[float, str]] | None = None) -> None:
    """risk = likelihood x relevance factor x reach factor x vulnerability x growth factor, where reach and
    growth are the item's narrative's when it has one (a claim spread over many small posts is one big claim)."""
    kecs = {kecamatan_of(p) for it in items for p in it.places} - {""}
    vuln = vuln if vuln is not None else kecamatan_vulnerability(kecs)
    nar_ids = {it.narrative_id for it in items if it.narrative_id}
    nars = {n.pk: n for n in Narrative.objects.filter(pk__in=nar_ids)} if nar_ids else {}
    spreaders = known_spreaders({it.author for it in items if it.author})
    for it in items:
        weights = [vuln[k][0] for k in {kecamatan_of(p) for p in it.places} if k in vuln]
        it.vulnerability = max(weights, default=1.0)
        nar = nars.get(it.narrative_id) if it.narrative_id else None
        it.likelihood = evidence_likelihood(it, nar, spreaders)
        reach = max(it.reach, nar.reach) if nar is not None else it.reach
        growth = nar.growth if nar is not None else 0.0
        it.risk = round(it.likelihood * relevance_factor(it.relevance) * reach_factor(reach) * it.vulnerability
                        * growth_factor(growth), 4)
        if it.pk:
            Item.objects.filter(pk=it.pk).update(vulnerability=it.vulnerability, risk=it.risk,
                                                 likelihood=it.likelihood)


SPREADER_LIKELIHOOD = 0.6  # an account with an earlier post judged hoax or misleading


def known_spreaders(authors: Iterable[str]) -> dict[str, int]:
    """{author: number of their items whose verdict is hoax or misleading} for the given authors (empty names
    are never counted): a known hoax-spreading account is evidence, not style."""
    names = sorted({a for a in authors if a and a.strip()})
    if not names:
        return {}
    rows = (Verdict.objects.filter(item__author__in=names, kind__in=[Verdict.Kind.HOAX, Verdict.Kind.MISLEADING])
            .values_list("item__author", "item_id").distinct())
    out: dict[str, set[int]] = {}
    for author, item_id in rows:
        out.setdefault(author, set()).add(item_id)
    return {a: len(ids) for a, ids in out.items()}


def evidence_likelihood(it: Item, nar: Narrative | None, spreaders: dict[str, int]) -> float:
    """The likelihood resting on evidence: the item's own (labels that count and its fact-check match), raised to
    its narrative's fact-check match (a copy of a debunked claim is that claim) and to SPREADER_LIKELIHOOD when
    its account spread a judged hoax before (in another item)."""
    best = it.likelihood
    if nar is not None and nar.factcheck_id:
        best = max(best, nar.factcheck_score)
    others = spreaders.get(it.author, 0) - (1 if it.pk and it.verdicts.filter(
        kind__in=[Verdict.Kind.HOAX, Verdict.Kind.MISLEADING]).exists() else 0) if it.author in spreaders else 0
    if others > 0:
        best = max(best, SPREADER_LIKELIHOOD)
    return round(best, 4)


def analysis_text(item: Item) -> str:
    return check(f"{item.title}\n{item.text}" if item.title else item.text).text


def analyse(items: Sequence[Item], *, top: int | None = None, results: list[dict[str, Any]] | None = None) -> None:
    """Labels, places, fact-check matches, likelihood and risk of `items` (stored). `results` (from the
    `infowatch.analyse_texts` job, one per item) replace the in-process classification and matching."""
    items = list(items)
    if not items:
        return
    top = top or int(_setting("MATCH_TOP", 5))
    texts = [analysis_text(it) for it in items]
    m = core.matcher()
    thr = core.threshold(m) if m is not None else 1.0
    labels: list[dict[str, float]] | None
    if results is not None:
        labels = None if any(r["labels"] is None for r in results) else [r["labels"] for r in results]
        matches = [[(str(e), float(s)) for e, s in r["matches"]] for r in results]
    else:
        labels = core.classify(texts)
        if m is not None:
            matches = m.match_many(texts, top) if hasattr(m, "match_many") else [m.match(t, top) for t in texts]
        else:
            matches = [[] for _ in texts]
    ranges = prior_shift(labels) if labels is not None else [{} for _ in items]
    ext_ids = {e for ms in matches for e, _s in ms}
    fc = dict(FactCheck.objects.filter(external_id__in=ext_ids).values_list("external_id", "pk")) if ext_ids else {}
    now = timezone.now()
    with transaction.atomic():
        for i, it in enumerate(items):
            text = texts[i]
            it.labels = labels[i] if labels is not None else {}
            it.label_ranges = ranges[i]
            flags = set(it.flags)
            if labels is None:
                flags.add("no_model")
            else:
                flags.discard("no_model")
            it.flags = sorted(flags)
            it.places = find_places(text) if text else []
            kec = sorted({kecamatan_of(p) for p in it.places} - {""})
            if kec and (not it.region_id or all(k.startswith(it.region_id + ".") for k in kec)):
                # the most precise region that holds every place named (a kecamatan, else the regency)
                it.region_id = kec[0] if len(kec) == 1 else (kec[0][:5] if len({k[:5] for k in kec}) == 1
                                                             else it.region_id)
            ItemMatch.objects.filter(item=it).delete()
            rows = [
                ItemMatch(item=it, factcheck_id=fc[e], score=round(float(s), 4), rank=r)
                for r, (e, s) in enumerate(matches[i], start=1) if e in fc and float(s) > 0
            ]
            ItemMatch.objects.bulk_create(rows)
            best = max((r.score for r in rows), default=0.0)
            it.likelihood = likelihood(counted_labels(it.labels, text), best, thr)
            it.lane = text_lane(text)
            it.relevance = round(float(it.labels.get("election", 0.0)), 4)
            it.analysed_at = now
            # one update, not save(): analysis is the system's, not a person's edit (no audit entry per item)
            Item.objects.filter(pk=it.pk).update(labels=it.labels, flags=it.flags, places=it.places,
                                                 region_id=it.region_id, likelihood=it.likelihood,
                                                 lane=it.lane, relevance=it.relevance, analysed_at=now,
                                                 label_ranges=it.label_ranges)
        score_risk(items)


def label_priors() -> dict[str, float]:
    """The label shares the shipped classifier's calibrated scores carry (data/label_priors.json)."""
    import json
    from pathlib import Path

    cached = core._cache.get("label_priors")  # noqa: SLF001
    if cached is None:
        path = Path(__file__).resolve().parent / "data" / "label_priors.json"
        try:
            cached = {k: float(v) for k, v in json.loads(path.read_text())["priors"].items()}
        except (OSError, ValueError, KeyError):
            cached = {}
        core._cache["label_priors"] = cached  # noqa: SLF001
    return dict(cached)


def prior_shift(labels: list[dict[str, float]]) -> list[dict[str, dict[str, float]]]:
    """Adjust, in place, the scores of each label with a known training share to the share of this batch,
    estimated by EM on the unlabelled scores (text/priorshift.py, Saerens et al. 2002); returns per item and
    label the raw score, the adjusted range (bootstrap 5-95 % of the share) and both shares. Batches smaller
    than PRAJA_INFOWATCH_PRIOR_SHIFT_MIN_BATCH (30) and PRAJA_INFOWATCH_PRIOR_SHIFT = False leave scores as
    they are."""
    out: list[dict[str, dict[str, float]]] = [{} for _ in labels]
    if not _setting("PRIOR_SHIFT", True) or not labels:
        return out
    try:
        import numpy as np

        from praja.infowatch.text import priorshift
    except ImportError:
        return out
    min_batch = int(_setting("PRIOR_SHIFT_MIN_BATCH", 30))
    for label, train in label_priors().items():
        idx = [i for i, d in enumerate(labels) if label in d]
        if len(idx) < min_batch:
            continue
        raw = np.array([labels[i][label] for i in idx], dtype=float)
        sh = priorshift.shift(raw, train, min_batch=min_batch)
        for k, i in enumerate(idx):
            labels[i][label] = round(float(sh.adjusted[k]), 4)
            lo, hi = sorted((float(sh.adjusted_low[k]), float(sh.adjusted_high[k])))
            out[i][label] = {"raw": round(float(raw[k]), 4), "low": round(lo, 4), "high": round(hi, 4),
                             "batch_prior": round(sh.batch_prior, 4), "train_prior": train}
    return out


def rescore_all() -> int:
    """Recompute every item's vulnerability and risk (after the risk map changed)."""
    items = list(Item.objects.all())
    score_risk(items)
    return len(items)


# --- verdicts and clarifications -------------------------------------------------------------------------


def record_verdict(item: Item, kind: str, *, factcheck: FactCheck | None = None, note: str = "",
                   user: Any = None, whole_narrative: bool = False) -> Verdict:
    """The analyst's verdict on `item`; with `whole_narrative` (and the item in a narrative) the verdict is the
    narrative's: it reaches every member now and every item that joins the narrative later."""
    if kind not in Verdict.Kind.values:
        raise WorkflowError(f"unknown verdict {kind}")
    if whole_narrative and item.narrative_id:
        nar = Narrative.objects.get(pk=item.narrative_id)
        return record_narrative_verdict(nar, kind, factcheck=factcheck, note=note, user=user, lead=item)
    v = Verdict.objects.create(item=item, kind=kind, factcheck=factcheck, note=note, decided_by=user)
    _mark_reviewed([item.pk])
    return v


def _mark_reviewed(item_ids: Iterable[int]) -> None:
    Item.objects.filter(pk__in=list(item_ids), status=Item.Status.NEW).update(status=Item.Status.REVIEWED)


def record_narrative_verdict(nar: Narrative, kind: str, *, factcheck: FactCheck | None = None, note: str = "",
                             user: Any = None, lead: Item | None = None) -> Verdict:
    """A verdict on a whole narrative: stored on its lead item (or `lead`), copied to every member, kept on the
    narrative so members that join later receive it too (`apply_narrative_decisions`)."""
    if kind not in Verdict.Kind.values:
        raise WorkflowError(f"unknown verdict {kind}")
    members = list(nar.items.order_by("pk"))
    if lead is None:
        lead = max(members, key=lambda it: (it.reach, -it.pk)) if members else None
    if lead is None:
        raise WorkflowError("narasi tanpa butir / a narrative without items")
    with transaction.atomic():
        v = Verdict.objects.create(item=lead, kind=kind, factcheck=factcheck or nar.factcheck, note=note,
                                   decided_by=user, narrative=nar)
        nar.verdict = v
        nar.save(update_fields=["verdict"])
        _mark_reviewed([lead.pk])
        apply_narrative_decisions([nar])
    return v


def apply_narrative_decisions(narratives: Iterable[Narrative]) -> int:
    """Give each member of each narrative that carries a verdict that verdict (once; the copy says it came
    through the narrative) and mark it reviewed. Returns the number of verdicts copied."""
    made = 0
    for nar in narratives:
        if nar.verdict_id is None:
            continue
        v = Verdict.objects.get(pk=nar.verdict_id)
        have = set(Verdict.objects.filter(narrative=nar, decided_at__gte=v.decided_at).values_list("item_id",
                                                                                                   flat=True))
        missing = [pk for pk in nar.items.values_list("pk", flat=True) if pk not in have]
        Verdict.objects.bulk_create([
            Verdict(item_id=pk, kind=v.kind, factcheck_id=v.factcheck_id, narrative=nar, note=v.note,
                    decided_by_id=v.decided_by_id, decided_at=v.decided_at) for pk in missing
        ])
        _mark_reviewed(missing)
        made += len(missing)
    return made


def draft_clarification(item: Item | None, title: str, body: str, *, user: Any = None,
                        verdict: Verdict | None = None) -> Clarification:
    if item is not None and verdict is None:
        verdict = item.latest_verdict()
    return Clarification.objects.create(item=item, verdict=verdict, title=title, body=body, drafted_by=user,
                                        narrative_id=item.narrative_id if item is not None else None)


def may_self_approve() -> bool:
    return bool(_setting("SELF_APPROVE", False))


def approve(c: Clarification, user: Any) -> Clarification:
    if c.status != Clarification.Status.DRAFT:
        raise WorkflowError("hanya draf yang dapat disetujui / only a draft can be approved")
    if not may_self_approve() and user is not None and c.drafted_by_id == user.pk:
        raise WorkflowError(
            "penyusun tidak dapat menyetujui drafnya sendiri / the drafter cannot approve their own draft"
        )
    c.status = Clarification.Status.APPROVED
    c.approved_by = user
    c.approved_at = timezone.now()
    c.save(update_fields=["status", "approved_by", "approved_at"])
    return c


def return_draft(c: Clarification, user: Any, note: str) -> Clarification:
    """The approver sends the draft back to its drafter with a note (four eyes: never one's own draft)."""
    if c.status != Clarification.Status.DRAFT:
        raise WorkflowError("hanya draf yang dapat dikembalikan / only a draft can be returned")
    if not may_self_approve() and user is not None and c.drafted_by_id == user.pk:
        raise WorkflowError("penyusun tidak dapat mengembalikan drafnya sendiri / the drafter cannot return "
                            "their own draft")
    if not note.strip():
        raise WorkflowError("tulis alasan pengembalian / say why the draft is returned")
    c.status = Clarification.Status.RETURNED
    c.return_note = note.strip()[:2000]
    c.save(update_fields=["status", "return_note"])
    return c


def resubmit(c: Clarification) -> Clarification:
    """The drafter saved a returned draft again: it waits for approval once more."""
    if c.status == Clarification.Status.RETURNED:
        c.status = Clarification.Status.DRAFT
        c.save(update_fields=["status"])
    return c


def publish(c: Clarification, user: Any = None) -> Clarification:
    if c.status != Clarification.Status.APPROVED:
        raise WorkflowError("hanya klarifikasi yang disetujui yang dapat diterbitkan / only an approved "
                            "clarification can be published")
    c.status = Clarification.Status.PUBLISHED
    c.published_at = timezone.now()
    c.publisher_name = str(_setting("PUBLISHER", "Humas Polres"))
    c.save(update_fields=["status", "published_at", "publisher_name"])
    items = Q(item_id=c.item_id) | (Q(item__narrative_id=c.narrative_id) if c.narrative_id else Q(pk__in=[]))
    receipts = list(ForwardedReport.objects.filter(items).values_list("receipt", flat=True)) \
        if c.item_id else []
    transaction.on_commit(lambda: clarification_published.send(Clarification, clarification=c, receipts=receipts))
    return c


def withdraw(c: Clarification) -> Clarification:
    c.status = Clarification.Status.WITHDRAWN
    c.save(update_fields=["status"])
    return c


def published() -> Any:
    return Clarification.objects.filter(status=Clarification.Status.PUBLISHED).select_related("verdict")


# --- narratives ------------------------------------------------------------------------------------------


def window_hours() -> int:
    return int(_setting("NARRATIVE_WINDOW_HOURS", 24))


def _group_items(items: list[Item]) -> list[list[Item]]:
    """Items that state one claim, grouped: pairs above the claim matcher's same-claim threshold (the matcher
    fitted on the items themselves, `narratives.claim_similarity_edges`), joined with items whose best
    fact-check match is the same one above its threshold. Paraphrases and edited copies (numbers, names,
    places changed) land in one group; near-duplicates are already one item with copies."""
    if not items:
        return []
    texts = [analysis_text(it) for it in items]
    edges: list[tuple[int, int, float]] = []
    try:
        from praja.infowatch.text import narratives as nar

        threshold = float(_setting("NARRATIVE_SIMILARITY", nar.DEFAULT_CLAIM_SIMILARITY))
        edges = nar.claim_similarity_edges(texts, background=[t for _e, t in core._claims_from_db()],  # noqa: SLF001
                                           threshold=threshold)

        def claim_groups(n: int, edges: Sequence[tuple[int, int, float]]) -> list[list[int]]:
            return nar.claim_groups(n, edges, threshold)
    except ImportError:
        claim_groups = _plain_groups
    thr = core.current_threshold()
    first_by_fc: dict[int, int] = {}
    index = {it.pk: i for i, it in enumerate(items)}
    for item_id, fc_id in ItemMatch.objects.filter(item__in=items, rank=1, score__gte=thr).values_list(
            "item_id", "factcheck_id"):
        i = index[item_id]
        if fc_id in first_by_fc:
            edges.append((first_by_fc[fc_id], i, 1.0))
        else:
            first_by_fc[fc_id] = i
    return [[items[i] for i in g] for g in claim_groups(len(items), edges)]


def _plain_groups(n: int, edges: Sequence[tuple[int, int, float]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b, _s in edges:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(find(i), []).append(i)
    return list(out.values())


def _narrative_for(members: list[Item], taken: set[int]) -> Narrative | None:
    """The existing narrative this group continues: the one most of its members already belong to (not yet
    given to another group in this pass), so a narrative keeps its identity, its verdict and its
    clarification as it grows."""
    counts: dict[int, int] = {}
    for it in members:
        if it.narrative_id and it.narrative_id not in taken:
            counts[it.narrative_id] = counts.get(it.narrative_id, 0) + 1
    if not counts:
        return None
    best = max(sorted(counts), key=lambda k: counts[k])
    return Narrative.objects.filter(pk=best).first()


def update_narratives(now: datetime.datetime | None = None) -> list[NarrativeAlert]:
    """Group the recent items (PRAJA_INFOWATCH_NARRATIVE_DAYS) into narratives by claim similarity, store their
    volume and reach per window, their best fact-check, lane and election relevance; carry each narrative's
    verdict to members that joined; re-score the members' risk; and raise an alert for each narrative touching a
    rawan or sangat rawan kecamatan whose last window grew by PRAJA_INFOWATCH_ALERT_GROWTH (and has at least
    PRAJA_INFOWATCH_ALERT_MIN_VOLUME items)."""
    now = now or timezone.now()
    hours = window_hours()
    days = int(_setting("NARRATIVE_DAYS", 7))
    since = now - datetime.timedelta(days=days)
    items = list(Item.objects.filter(received_at__gte=since, analysed_at__isnull=False)
                 .exclude(status=Item.Status.DISMISSED).order_by("pk"))
    width = datetime.timedelta(hours=hours)
    n_windows = max(1, int(datetime.timedelta(days=days) / width))
    start0 = now - n_windows * width
    growth_min = float(_setting("ALERT_GROWTH", 2.0))
    min_volume = int(_setting("ALERT_MIN_VOLUME", 5))
    groups = [g for g in _group_items(items) if len(g) > 1 or g[0].copies > 1 or g[0].narrative_id]
    all_kec = {kecamatan_of(p) for its in groups for it in its for p in it.places} - {""}
    vuln = kecamatan_vulnerability(all_kec)
    thr = core.current_threshold()
    alerts = []
    taken: set[int] = set()
    touched: list[Narrative] = []
    for members in groups:
        series: list[dict[str, Any]] = [
            {"start": (start0 + i * width).isoformat(), "volume": 0, "reach": 0} for i in range(n_windows)
        ]
        for it in members:
            idx = int((it.when - start0) / width) if it.when >= start0 else 0
            idx = min(max(idx, 0), n_windows - 1)
            series[idx]["volume"] += it.copies
            series[idx]["reach"] += it.reach
        last, prev = series[-1]["volume"], (series[-2]["volume"] if n_windows > 1 else 0)
        growth = float(last) / prev if prev else float(last)
        places = sorted({kecamatan_of(p) for it in members for p in it.places} - {""})
        rawan = [k for k in places if k in vuln and vuln[k][1] in ("rawan", "sangat_rawan")]
        lead = max(members, key=lambda it: (it.copies, it.reach, -it.pk))
        best = (ItemMatch.objects.filter(item__in=members, score__gte=thr).order_by("-score", "rank", "pk")
                .first())
        lanes = [it.lane for it in members]
        values = {
            "title": (lead.title or analysis_text(lead))[:300] or f"#{lead.pk}",
            "first_seen": min(it.when for it in members), "last_seen": max(it.when for it in members),
            "volume": sum(it.copies for it in members), "reach": sum(it.reach for it in members),
            "growth": round(growth, 3), "series": series, "places": places, "rawan_places": rawan,
            "lane": Lane.SCAM if lanes.count(Lane.SCAM) * 2 > len(lanes) else Lane.MAIN,
            "relevance": max((it.relevance for it in members), default=0.0),
            "factcheck_id": best.factcheck_id if best else None, "factcheck_score": best.score if best else 0.0,
        }
        nar = _narrative_for(members, taken)
        if nar is None:
            nar = Narrative.objects.create(key=f"n{min(m.pk for m in members)}-{now.timestamp():.0f}", **values)
        else:
            for k, v in values.items():
                setattr(nar, k, v)
            nar.save()
        taken.add(nar.pk)
        touched.append(nar)
        Item.objects.filter(pk__in=[it.pk for it in members]).update(narrative=nar)
        for it in members:
            it.narrative_id = nar.pk
        if rawan and last >= min_volume and growth >= growth_min:
            window_start = start0 + (n_windows - 1) * width
            alert, created = NarrativeAlert.objects.get_or_create(
                narrative=nar, window_start=window_start,
                defaults={"growth": round(growth, 3), "volume": last, "places": rawan},
            )
            if created:
                alerts.append(alert)
    apply_narrative_decisions(touched)
    score_risk([it for g in groups for it in g], vuln)
    return alerts


def after_input(item_ids: Iterable[int], *, reason: str = "", sync: bool = False) -> None:
    """What follows every import and every fetch, without a hand on the lever: the new items are analysed, the
    narratives regrouped (new members receive the narrative's verdict) and the queue re-scored, as the job
    ``infowatch.after_input`` (praja/jobs.py) once the new items are committed."""
    from praja import jobs

    ids = sorted(set(item_ids))
    if not ids:
        return
    if sync:  # the command line: the process must not end before the work is done
        from praja.infowatch.tasks import after_input as run

        run(ids, reason)
        return

    def go() -> None:
        jobs.submit("infowatch.after_input", ids, reason)

    if jobs.eager():
        go()
    else:
        transaction.on_commit(go)


def open_alerts() -> Any:
    return NarrativeAlert.objects.filter(acknowledged_at__isnull=True).select_related("narrative")
