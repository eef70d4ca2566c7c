"""The analyst and humas pages (/info/): the queue ordered by risk, an item with its labels, reasons,
places and matches, verdicts, clarifications (draft -> approved by another person -> published), sources,
fact-checks, imports, manual entry, narratives and their alerts.

Every page needs `infowatch.analyse`; approving and publishing need `infowatch.approve`. Items are seen
inside the person's scope (their region, the regions above it; items with no region only nationally);
anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from praja.accounts import visibility
from praja.base import extensions
from praja.base.access import capability_required, has_capability
from praja.base.roles import INFOWATCH_ANALYSE, INFOWATCH_APPROVE
from praja.base.scope import Scope
from praja.infowatch import factchecks as fcmod
from praja.infowatch import feeds, services
from praja.infowatch import services_analysis as core
from praja.infowatch.forms import (
    ClarificationForm,
    FactCheckImportForm,
    ImportForm,
    ManualItemForm,
    NarrativeVerdictForm,
    SourceForm,
    VerdictForm,
)
from praja.infowatch.importers import import_posts
from praja.infowatch.models import (
    Clarification,
    FactCheck,
    FactCheckFeed,
    Item,
    ItemMatch,
    Lane,
    Narrative,
    NarrativeAlert,
    Source,
)
from praja.infowatch.services_input import FLAG_LABELS
from praja.territory.models import Region
from praja.uploads import csv_template, upload_problem

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

LABEL_NAMES = {
    "election": ("pemilu/pilkada", "election"),
    "hoax": ("hoaks", "hoax"),
    "hate_speech": ("ujaran kebencian", "hate speech"),
    "abusive": ("kasar", "abusive"),
    "sara_religion": ("SARA: agama", "SARA: religion"),
    "sara_race": ("SARA: ras/suku", "SARA: race/ethnicity"),
    "sara_group": ("SARA: golongan", "SARA: group"),
    "provocation": ("provokasi", "provocation"),
}


def _en() -> bool:
    return (get_language() or "id").startswith("en")


def label_name(key: str) -> str:
    pair = LABEL_NAMES.get(key)
    return (pair[1] if _en() else pair[0]) if pair else key


def flag_name(key: str) -> str:
    pair = FLAG_LABELS.get(key)
    return (pair[1] if _en() else pair[0]) if pair else key


def visible_items(scope: Scope) -> QuerySet[Item]:
    """Items in or above the scope's regions; items with no region only for a national scope."""
    qs = Item.objects.all()
    if scope.national:
        return qs
    return qs.filter(scope.q_reaching("region__code"))


def _item_or_404(request: HttpRequest, pk: int) -> Item:
    it = visible_items(visibility.scope_of(request)).filter(pk=pk).first()
    if it is None:
        raise Http404(str(pk))
    return it


def _clarifications(request: HttpRequest) -> QuerySet[Clarification]:
    scope = visibility.scope_of(request)
    qs = Clarification.objects.select_related("item", "verdict", "drafted_by", "approved_by")
    if scope.national:
        return qs
    return qs.filter(Q(item__isnull=True) | Q(item__in=visible_items(scope)))


def _clar_or_404(request: HttpRequest, pk: int) -> Clarification:
    c = _clarifications(request).filter(pk=pk).first()
    if c is None:
        raise Http404(str(pk))
    return c


def _home_region(request: HttpRequest) -> str | None:
    """Where a person's manual entries and imports belong: their (first) region; None when national."""
    scope = visibility.scope_of(request)
    return None if scope.national or not scope.regions else sorted(scope.regions)[0]


def _can_approve(request: HttpRequest) -> bool:
    return has_capability(request, INFOWATCH_APPROVE)


def _visible_alerts(request: HttpRequest) -> list[NarrativeAlert]:
    scope = visibility.scope_of(request)
    return [a for a in services.open_alerts()[:50] if scope.national or any(scope.reaches(p) for p in a.places)]


QUEUE_LABEL_FLOOR = 0.3  # labels scored lower are left out of the queue's row (the item page lists them all)
STATUS_FILTERS = {"baru": Item.Status.NEW, "ditinjau": Item.Status.REVIEWED, "diabaikan": Item.Status.DISMISSED}


@capability_required(INFOWATCH_ANALYSE)
def index(request: HttpRequest) -> HttpResponse:
    """The analyst queue: items by risk (likelihood x reach x vulnerability), highest first."""
    qs = visible_items(visibility.scope_of(request)).select_related("source", "narrative")
    lane = Lane.SCAM if request.GET.get("jalur") == Lane.SCAM else Lane.MAIN
    lane_counts = {k: v for k, v in qs.filter(status=Item.Status.NEW).values_list("lane").annotate(n=Count("pk"))}
    qs = qs.filter(lane=lane)
    status = request.GET.get("status", "baru")
    if status in STATUS_FILTERS:
        qs = qs.filter(status=STATUS_FILTERS[status])
    flag = request.GET.get("tanda", "")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(title__icontains=q) | Q(author__icontains=q))
    items = list(qs.order_by("-risk", "-received_at", "-pk")[:1000])
    if flag:
        items = [it for it in items if flag in it.flags]
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    thr = core.current_threshold()
    best = {bm.item_id: bm for bm in ItemMatch.objects.filter(
        item_id__in=[it.pk for it in page], rank=1, score__gte=thr).select_related("factcheck")}
    rows = []
    for it in page:
        # what makes the item risky: the labels that count (score >= QUEUE_LABEL_FLOOR) and a same-claim match
        counted = services.counted_labels(it.labels or {}, services.analysis_text(it))
        top = sorted(((v, k) for k, v in counted.items() if v >= QUEUE_LABEL_FLOOR), reverse=True)[:3]
        rows.append({"item": it, "top": [(label_name(k), v) for v, k in top], "match": best.get(it.pk),
                     "flags": [flag_name(f) for f in it.flags]})
    return render(request, "infowatch/index.html", {
        "rows": rows, "page": page, "status": status, "q": q, "flag": flag, "lane": lane,
        "scam_new": lane_counts.get(Lane.SCAM, 0), "main_new": lane_counts.get(Lane.MAIN, 0),
        "query": f"status={status}&jalur={lane}&q={q}&tanda={flag}",
        "alerts": _visible_alerts(request), "flag_names": {k: flag_name(k) for k in FLAG_LABELS},
        "drafts": _clarifications(request).filter(status=Clarification.Status.DRAFT).count(),
        "can_approve": _can_approve(request),
    })


@capability_required(INFOWATCH_ANALYSE)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    text = services.analysis_text(it)
    labels = []
    counts = services.counted_labels(it.labels or {}, text)
    for key, score in sorted((it.labels or {}).items(), key=lambda kv: -kv[1]):
        counted = key in counts
        why = core.explain(text, key, 5) if score >= 0.3 and counted else []
        labels.append({"key": key, "name": label_name(key), "score": score, "why": why, "counted": counted,
                       "range": (it.label_ranges or {}).get(key)})
    thr = core.current_threshold()
    matches = list(it.matches.select_related("factcheck"))
    from praja.infowatch.text.match import shared_terms  # the text core loads scikit-learn: only when needed

    for match in matches:
        fc = match.factcheck
        match.shared = shared_terms(text, f"{fc.title}. {fc.claim}")  # type: ignore[attr-defined]
    kec = sorted({services.kecamatan_of(p) for p in it.places} - {""})
    # The situation dashboard's class, one label everywhere (praja/situation/areaclass.py); none without it.
    area_classes = extensions.points.area_classes
    classes = area_classes(request, kec) if area_classes is not None else {}
    names = dict(Region.objects.filter(code__in=list(it.places) + kec).values_list("code", "name"))
    places = []
    for p in it.places:
        k = services.kecamatan_of(p)
        klass, klabel = classes.get(k, ("", ""))
        places.append({"code": p, "name": names.get(p, p), "kecamatan": names.get(k, k) if k != p else "",
                       "klass": klass, "klass_label": klabel})
    nar = it.narrative
    nar_fc = nar.factcheck if nar is not None and nar.factcheck_id else None
    own_best = matches[0] if matches and matches[0].score >= thr else None
    prefill = own_best.factcheck.external_id if own_best else (nar_fc.external_id if nar_fc else "")
    verdict_form = VerdictForm(initial={"factcheck": prefill, "whole_narrative": nar is not None})
    if nar is None:
        verdict_form.fields.pop("whole_narrative")
    clar_form = ClarificationForm()
    clar = list(it.clarifications.all())
    if nar is not None:
        clar += [c for c in nar.clarifications.exclude(item=it)]
    return render(request, "infowatch/item.html", {
        "item": it, "labels": labels, "hoax_min_words": services.hoax_setting_words(),
        "matches": matches, "threshold": thr, "places": places, "narrative": nar, "narrative_factcheck": nar_fc,
        "members": nar.items.count() if nar is not None else 0, "evidence": _evidence(it, own_best, nar),
        "flags": [flag_name(f) for f in it.flags],
        "verdicts": list(it.verdicts.select_related("factcheck", "narrative")),
        "clarifications": clar, "verdict_form": verdict_form, "clar_form": clar_form,
        "forwarded": it.forwarded.count(), "reach_factor": round(services.reach_factor(it.reach), 3),
        "can_approve": _can_approve(request),
    })


def _evidence(it: Item, own_best: ItemMatch | None, nar: Narrative | None) -> list[str]:
    """Why the item is flagged, evidence first: a fact-check match (its own, or its narrative's), the narrative's
    growth, the labels that count."""
    out = []
    if own_best is not None:
        out.append(_("cocok dengan cek fakta %(id)s (skor %(s)s)") % {
            "id": own_best.factcheck.external_id, "s": number_format(own_best.score, 2)})
    elif nar is not None and nar.factcheck_id and nar.factcheck is not None:
        out.append(_("narasinya cocok dengan cek fakta %(id)s (skor %(s)s)") % {
            "id": nar.factcheck.external_id, "s": number_format(nar.factcheck_score, 2)})
    spread = services.known_spreaders([it.author]).get(it.author, 0) if it.author else 0
    own = 1 if it.verdicts.filter(kind__in=["hoax", "misleading"]).exists() else 0
    if spread - own > 0:
        out.append(_("akun %(a)s pernah menyebarkan %(n)s butir yang diputus hoaks/menyesatkan") % {
            "a": it.author, "n": number_format(spread - own, 0, force_grouping=True)})
    if nar is not None and nar.volume > 1:
        out.append(_("bagian dari narasi dengan %(n)s butir, pertumbuhan %(g)s×") % {
            "n": number_format(nar.volume, 0, force_grouping=True), "g": number_format(nar.growth, 1)})
    counted = services.counted_labels(it.labels or {}, services.analysis_text(it))
    for key in services.HARMFUL_LABELS:
        if counted.get(key, 0.0) >= 0.5:
            out.append(_("label %(l)s %(s)s") % {"l": label_name(key), "s": number_format(counted[key], 2)})
    if it.lane == Lane.SCAM:
        out.append(_("ciri penipuan/spam: jalur terpisah"))
    return out


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def verdict_add(request: HttpRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        whole = bool(form.cleaned_data.get("whole_narrative")) and it.narrative_id is not None
        services.record_verdict(it, form.cleaned_data["kind"], factcheck=form.cleaned_data["factcheck"],
                                note=form.cleaned_data["note"], user=request.user, whole_narrative=whole)
        messages.success(request, _("Putusan disimpan untuk seluruh narasi.") if whole else _("Putusan disimpan."))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("infowatch:item", pk=it.pk)


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    status = request.POST.get("status", "")
    if status in Item.Status.values:
        it.status = status
        it.save(update_fields=["status"])
    return redirect("infowatch:item", pk=it.pk)


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def clarification_new(request: HttpRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    form = ClarificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Judul dan isi klarifikasi wajib diisi."))
        return redirect("infowatch:item", pk=it.pk)
    c = services.draft_clarification(it, form.cleaned_data["title"], form.cleaned_data["body"], user=request.user)
    messages.success(request, _("Draf klarifikasi disimpan; menunggu persetujuan."))
    return redirect("infowatch:clarification", pk=c.pk)


@capability_required(INFOWATCH_ANALYSE)
def clarifications(request: HttpRequest) -> HttpResponse:
    qs = _clarifications(request)
    return render(request, "infowatch/clarifications.html", {
        "groups": [(label, list(qs.filter(status=s)[:200])) for s, label in Clarification.Status.choices],
        "can_approve": _can_approve(request),
    })


@capability_required(INFOWATCH_ANALYSE)
def clarification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafter edits a draft (or a returned one, which goes back for approval when saved); an approver who
    did not draft it sees it read-only with approve / return (four eyes)."""
    c = _clar_or_404(request, pk)
    own = c.drafted_by_id == request.user.pk
    approver_view = _can_approve(request) and (not own or services.may_self_approve())
    form = None
    editable = c.status in (Clarification.Status.DRAFT, Clarification.Status.RETURNED)
    if editable and not approver_view:
        form = ClarificationForm(request.POST or None, instance=c)
        if request.method == "POST" and form.is_valid():
            form.save()
            services.resubmit(c)
            messages.success(request, _("Draf disimpan; menunggu persetujuan."))
            return redirect("infowatch:clarification", pk=c.pk)
    elif request.method == "POST":
        raise PermissionDenied("read-only")
    return render(request, "infowatch/clarification.html", {
        "c": c, "form": form, "can_approve": _can_approve(request), "approver_view": approver_view,
        "own_draft": own and not services.may_self_approve(),
        "members": c.narrative.items.count() if c.narrative_id and c.narrative else 0,
    })


@require_POST
@capability_required(INFOWATCH_APPROVE)
def clarification_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    c = _clar_or_404(request, pk)
    try:
        if action == "setujui":
            services.approve(c, request.user)
            messages.success(request, _("Klarifikasi disetujui."))
        elif action == "terbitkan":
            services.publish(c, request.user)
            messages.success(request, _("Klarifikasi terbit di Info Resmi dan umpan media."))
        elif action == "kembalikan":
            services.return_draft(c, request.user, request.POST.get("note", ""))
            messages.success(request, _("Draf dikembalikan kepada penyusunnya."))
        elif action == "tarik":
            services.withdraw(c)
            messages.success(request, _("Klarifikasi ditarik dari Info Resmi."))
        else:
            raise Http404(action)
    except services.WorkflowError as e:
        messages.error(request, str(e))
    return redirect("infowatch:clarification", pk=c.pk)


@capability_required(INFOWATCH_ANALYSE)
def item_new(request: HttpRequest) -> HttpResponse:
    form = ManualItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        r = services.ingest_manual(d["text"] or "", title=d["title"] or "", url=d["url"] or "",
                                   author=d["author"] or "", reach=d["reach"] or 0, user=request.user,
                                   region_id=_home_region(request))
        if r.created:
            messages.success(request, _("Butir disimpan dan dianalisis."))
        else:
            messages.info(request, _("Sama dengan butir yang sudah ada: dihitung sebagai salinannya."))
        return redirect("infowatch:item", pk=r.item.pk)
    return render(request, "infowatch/item_new.html", {"form": form})


@capability_required(INFOWATCH_ANALYSE)
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        result = import_posts(f.name, f.read(), user=request.user, region_id=_home_region(request))
        if result.ok:
            messages.success(request, _("%(created)s butir baru, %(grouped)s digabung dengan yang sama persis; "
                                        "analisis dan pengelompokan narasi berjalan otomatis.")
                             % {"created": number_format(result.created, 0, force_grouping=True),
                                "grouped": number_format(result.grouped, 0, force_grouping=True)})
    return render(request, "infowatch/import.html", {"form": form, "result": result})


def visible_sources(scope: Scope) -> QuerySet[Source]:
    """Sources inside the reader's regions; national sources (no region) only for a national scope."""
    qs = Source.objects.select_related("region")
    return qs if scope.national else qs.filter(scope.q("region__code"), region__isnull=False)


def _source_or_404(request: HttpRequest, pk: int) -> Source:
    src = visible_sources(visibility.scope_of(request)).filter(pk=pk).first()
    if src is None:
        raise Http404(str(pk))
    return src


def _source_form(request: HttpRequest, instance: Source | None = None) -> SourceForm:
    scope = visibility.scope_of(request)
    regions = visibility.regions(Region.objects.filter(level__lte=3), scope)
    return SourceForm(request.POST or None, instance=instance, regions=regions, national=scope.national)


@capability_required(INFOWATCH_ANALYSE)
def sources(request: HttpRequest) -> HttpResponse:
    form = _source_form(request)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Sumber ditambahkan."))
        return redirect("infowatch:sources")
    return render(request, "infowatch/sources.html", {
        "sources": visible_sources(visibility.scope_of(request)), "form": form, "now": timezone.now(),
    })


@capability_required(INFOWATCH_ANALYSE)
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    src = _source_or_404(request, pk)
    form = _source_form(request, src)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Sumber disimpan."))
        return redirect("infowatch:sources")
    return render(request, "infowatch/source_edit.html", {"form": form, "source": src})


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def source_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    src = _source_or_404(request, pk)
    r = feeds.fetch_source(src, force=True)
    if r.status == "error":
        messages.error(request, _("Gagal mengambil %(name)s: %(error)s") % {"name": src.name, "error": r.error})
    else:
        messages.success(request, _("%(name)s: %(new)s butir baru.") % {
            "name": src.name, "new": number_format(r.new, 0, force_grouping=True)})
    return redirect("infowatch:sources")


@capability_required(INFOWATCH_ANALYSE)
def factchecks(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = FactCheck.objects.all()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(claim__icontains=q) | Q(external_id=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    state = {f.url: f for f in FactCheckFeed.objects.all()}
    return render(request, "infowatch/factchecks.html", {
        "page": page, "q": q, "total": FactCheck.objects.count(),
        "feeds": [(conf, state.get(conf["url"])) for conf in fcmod.configured_feeds()],
    })


def _factcheck_columns() -> list[dict[str, Any]]:
    return [
        {"name": "klaim", "required": True, "example": _("Kotak suara ditukar di gudang PPK"),
         "meaning": _("Klaim yang dibantah (wajib klaim atau judul)")},
        {"name": "judul", "required": False, "example": "[HOAKS] Kotak suara ditukar", "meaning": _("Judul cek fakta")},
        {"name": "id", "required": False, "example": "TBH-2024-1103",
         "meaning": _("ID cek fakta; kosong: dibuat dari isinya")},
        {"name": "tanggal", "required": False, "example": "25-11-2024", "meaning": _("Tanggal terbit")},
        {"name": "putusan", "required": False, "example": "hoaks",
         "meaning": _("Putusan; kosong: dari label judul, selain itu hoaks")},
        {"name": "pemeriksa_fakta", "required": False, "example": "Mafindo", "meaning": _("Pemeriksa fakta")},
        {"name": "tautan", "required": False, "example": "https://turnbackhoax.id/...", "meaning": _("Tautan http(s)")},
    ]


@capability_required(INFOWATCH_ANALYSE)
def factcheck_import(request: HttpRequest) -> HttpResponse:
    """CSV/XLSX of fact-checks, columns found by name or mapped by hand, checked whole: one bad row rejects the
    file with every problem listed and nothing stored."""
    form = FactCheckImportForm(request.POST if request.method == "POST" else None)
    result = None
    upload_error = ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        upload_error = upload_problem(upload, MAX_UPLOAD_BYTES)
        if upload is not None and not upload_error and form.is_valid():
            result = fcmod.import_file(upload.name or "berkas", upload.read(), mapping=form.mapping(),
                                       publisher=form.cleaned_data.get("pemeriksa") or "")
            if result.ok:
                fcmod.rematch_recent()
    status = 400 if upload_error or (result is not None and not result.ok) else 200
    return render(request, "infowatch/factcheck_import.html", {
        "form": form, "result": result, "upload_error": upload_error, "columns": _factcheck_columns(),
        "max_mb": MAX_UPLOAD_BYTES // 2**20}, status=status)


@capability_required(INFOWATCH_ANALYSE)
def factcheck_template(request: HttpRequest) -> HttpResponse:
    return csv_template("templat_cek_fakta.csv", ["id", "judul", "klaim", "tanggal", "putusan", "pemeriksa_fakta",
                                                  "tautan"],
                        ["TBH-2024-0001", "[HOAKS] Kotak suara ditukar di gudang PPK",
                         "Kotak suara di gudang PPK ditukar pada malam hari", "25-11-2024", "hoaks", "Mafindo", ""])


@capability_required(INFOWATCH_ANALYSE)
def narratives(request: HttpRequest) -> HttpResponse:
    scope = visibility.scope_of(request)
    rows = []
    for n in Narrative.objects.all()[:200]:
        if not (scope.national or not n.places or any(scope.reaches(p) for p in n.places)):
            continue
        peak = max((w["volume"] for w in n.series), default=0) or 1
        rows.append({"n": n, "bars": [(w, round(100 * w["volume"] / peak)) for w in n.series]})
    return render(request, "infowatch/narratives.html", {"rows": rows, "alerts": _visible_alerts(request)})


def _visible_narrative(request: HttpRequest, pk: int) -> Narrative:
    scope = visibility.scope_of(request)
    n: Narrative | None = Narrative.objects.filter(pk=pk).select_related("factcheck", "verdict").first()
    if n is None or not (scope.national or any(scope.reaches(p) for p in n.places) or (
            not n.places and visible_items(scope).filter(narrative=n).exists())):
        raise Http404(str(pk))
    return n


@capability_required(INFOWATCH_ANALYSE)
def narrative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    n = _visible_narrative(request, pk)
    form = NarrativeVerdictForm(request.POST or None, initial={
        "factcheck": n.factcheck.external_id if n.factcheck_id and n.factcheck else ""})
    if request.method == "POST" and form.is_valid():
        services.record_narrative_verdict(n, form.cleaned_data["kind"], factcheck=form.cleaned_data["factcheck"],
                                          note=form.cleaned_data["note"], user=request.user)
        messages.success(request, _("Putusan disimpan untuk seluruh narasi."))
        return redirect("infowatch:narrative", pk=n.pk)
    members = list(visible_items(visibility.scope_of(request)).filter(narrative=n).order_by("-reach", "pk"))
    return render(request, "infowatch/narrative.html", {
        "n": n, "members": members, "form": form, "clarifications": list(n.clarifications.all()),
        "verdict": n.verdict,
    })


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    a = next((a for a in _visible_alerts(request) if a.pk == pk), None)
    if a is None:
        raise Http404(str(pk))
    a.acknowledged_by = request.user  # type: ignore[assignment]
    a.acknowledged_at = timezone.now()
    a.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return redirect("infowatch:narratives")


def require(request: HttpRequest, cap: str) -> None:
    if not has_capability(request, cap):
        raise PermissionDenied(cap)


def context_labels() -> dict[str, Any]:
    return {"labels": LABEL_NAMES}
