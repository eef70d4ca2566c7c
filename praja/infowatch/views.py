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
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from praja.accounts import visibility
from praja.accounts.access import capability_required, has_capability
from praja.accounts.roles import INFOWATCH_ANALYSE, INFOWATCH_APPROVE
from praja.infowatch import feeds, services
from praja.infowatch import services_analysis as core
from praja.infowatch.forms import ClarificationForm, ImportForm, ManualItemForm, SourceForm, VerdictForm
from praja.infowatch.importers import import_posts
from praja.infowatch.models import Clarification, FactCheck, Item, ItemMatch, Narrative, NarrativeAlert, Source
from praja.infowatch.services_input import FLAG_LABELS
from praja.territory.models import Region
from praja.territory.scope import Scope

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
    qs = visible_items(visibility.scope_of(request)).select_related("source")
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
        "rows": rows, "page": page, "status": status, "q": q, "flag": flag,
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
        labels.append({"key": key, "name": label_name(key), "score": score, "why": why, "counted": counted})
    thr = core.current_threshold()
    matches = list(it.matches.select_related("factcheck"))
    from praja.infowatch.text.match import shared_terms  # the text core loads scikit-learn: only when needed

    for match in matches:
        fc = match.factcheck
        match.shared = shared_terms(text, f"{fc.title}. {fc.claim}")  # type: ignore[attr-defined]
    kec = sorted({services.kecamatan_of(p) for p in it.places} - {""})
    vuln = services.kecamatan_vulnerability(kec)
    names = dict(Region.objects.filter(code__in=list(it.places) + kec).values_list("code", "name"))
    places = [{"code": p, "name": names.get(p, p),
               "klass": vuln.get(services.kecamatan_of(p), (None, ""))[1]} for p in it.places]
    verdict_form = VerdictForm(initial={"factcheck": matches[0].factcheck.external_id if matches and
                                        matches[0].score >= thr else ""})
    clar_form = ClarificationForm()
    return render(request, "infowatch/item.html", {
        "item": it, "labels": labels, "hoax_min_words": services.hoax_setting_words(),
        "matches": matches, "threshold": thr, "places": places,
        "flags": [flag_name(f) for f in it.flags], "verdicts": list(it.verdicts.select_related("factcheck")),
        "clarifications": list(it.clarifications.all()), "verdict_form": verdict_form, "clar_form": clar_form,
        "forwarded": it.forwarded.count(), "reach_factor": round(services.reach_factor(it.reach), 3),
        "can_approve": _can_approve(request),
    })


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def verdict_add(request: HttpRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        services.record_verdict(it, form.cleaned_data["kind"], factcheck=form.cleaned_data["factcheck"],
                                note=form.cleaned_data["note"], user=request.user)
        messages.success(request, _("Putusan disimpan."))
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
    c = _clar_or_404(request, pk)
    form = None
    if c.status == Clarification.Status.DRAFT:
        form = ClarificationForm(request.POST or None, instance=c)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("Draf disimpan."))
            return redirect("infowatch:clarification", pk=c.pk)
    own = c.drafted_by_id == request.user.pk
    return render(request, "infowatch/clarification.html", {
        "c": c, "form": form, "can_approve": _can_approve(request),
        "own_draft": own and not services.may_self_approve(),
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
            messages.success(request, _("%(created)d butir baru, %(grouped)d digabung dengan yang mirip.")
                             % {"created": result.created, "grouped": result.grouped})
    return render(request, "infowatch/import.html", {"form": form, "result": result})


@capability_required(INFOWATCH_ANALYSE)
def sources(request: HttpRequest) -> HttpResponse:
    regions = visibility.regions(Region.objects.filter(level__lte=3), visibility.scope_of(request))
    form = SourceForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Sumber ditambahkan."))
        return redirect("infowatch:sources")
    return render(request, "infowatch/sources.html", {
        "sources": Source.objects.select_related("region").all(), "form": form, "now": timezone.now(),
    })


@capability_required(INFOWATCH_ANALYSE)
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    src = Source.objects.filter(pk=pk).first()
    if src is None:
        raise Http404(str(pk))
    regions = visibility.regions(Region.objects.filter(level__lte=3), visibility.scope_of(request))
    form = SourceForm(request.POST or None, instance=src, regions=regions)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Sumber disimpan."))
        return redirect("infowatch:sources")
    return render(request, "infowatch/source_edit.html", {"form": form, "source": src})


@require_POST
@capability_required(INFOWATCH_ANALYSE)
def source_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    src = Source.objects.filter(pk=pk).first()
    if src is None:
        raise Http404(str(pk))
    r = feeds.fetch_source(src, force=True)
    if r.status == "error":
        messages.error(request, _("Gagal mengambil %(name)s: %(error)s") % {"name": src.name, "error": r.error})
    else:
        messages.success(request, _("%(name)s: %(new)d butir baru.") % {"name": src.name, "new": r.new})
    return redirect("infowatch:sources")


@capability_required(INFOWATCH_ANALYSE)
def factchecks(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = FactCheck.objects.all()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(claim__icontains=q) | Q(external_id=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "infowatch/factchecks.html", {"page": page, "q": q, "total": FactCheck.objects.count()})


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
