"""Info Resmi: the published clarifications, open to everyone (no sign-in), as a page, one page per
clarification, and RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the media."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from praja.infowatch import services
from praja.infowatch.models import Clarification

FEED_SIZE = 50


def _publisher() -> str:
    return str(getattr(settings, "PRAJA_INFOWATCH_PUBLISHER", "Humas Polres"))


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.published(), 20).get_page(request.GET.get("page"))
    return render(request, "infowatch/public_list.html", {"page": page, "publisher": _publisher()})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = services.published().filter(pk=pk).first()
    if c is None:
        raise Http404(str(pk))
    return render(request, "infowatch/public_detail.html", {"c": c, "publisher": _publisher()})


def feed_title(c: Clarification) -> str:
    """"[HOAKS] title", without saying the verdict twice: a title that already opens with a verdict word
    ("HOAKS: ...", "[Hoaks] ...", "Hoaks, ...") keeps its own and gets no label."""
    if not c.verdict:
        return c.title
    label = c.verdict_label.upper()
    from praja.infowatch.factchecks import verdict_of

    head = c.title.strip()
    if verdict_of(head) or head.upper().startswith((label, f"[{label}]", f"({label})")) or verdict_of(
            re.sub(r"^\W*(\w+)\W", r"\1:", head)):
        return head
    return f"[{label}] {head}"


class ClarificationsRss(Feed):  # type: ignore[type-arg]
    feed_type = Rss201rev2Feed
    description = "Klarifikasi resmi atas hoaks dan informasi menyesatkan seputar Pilkada / Official clarifications"

    def title(self) -> str:
        return f"Info Resmi {_publisher()}"

    def link(self) -> str:
        return reverse("infowatch:public")

    def items(self) -> Any:
        return services.published()[:FEED_SIZE]

    def item_title(self, item: Clarification) -> str:
        return feed_title(item)

    def item_description(self, item: Clarification) -> str:
        return item.body  # escaped by the feed generator

    def item_link(self, item: Clarification) -> str:
        return reverse("infowatch:public_detail", args=[item.pk])

    def item_pubdate(self, item: Clarification) -> Any:
        return item.published_at

    def item_updateddate(self, item: Clarification) -> Any:
        return item.published_at

    def item_author_name(self, item: Clarification) -> str:
        return item.publisher_name or _publisher()

    def item_guid(self, item: Clarification) -> str:
        return f"praja-klarifikasi-{item.pk}"

    def item_guid_is_permalink(self, item: Clarification) -> bool:
        return False


class ClarificationsAtom(ClarificationsRss):
    feed_type = Atom1Feed  # type: ignore[assignment]
    subtitle = ClarificationsRss.description


def json_feed(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    base = request.build_absolute_uri("/").rstrip("/")
    items = []
    for c in services.published()[:FEED_SIZE]:
        items.append({
            "id": f"praja-klarifikasi-{c.pk}",
            "url": base + reverse("infowatch:public_detail", args=[c.pk]),
            "title": c.title,  # the verdict is in _praja; no label to double
            "content_text": c.body,
            "date_published": c.published_at.isoformat() if c.published_at else None,
            "authors": [{"name": c.publisher_name or _publisher()}],
            "tags": [c.verdict.kind] if c.verdict else [],
            "_praja": {"verdict": c.verdict.kind if c.verdict else None,
                       "verdict_label": c.verdict_label,
                       "factcheck_url": c.verdict.factcheck.url if c.verdict and c.verdict.factcheck else None},
        })
    return JsonResponse({
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Info Resmi {_publisher()}",
        "home_page_url": base + reverse("infowatch:public"),
        "feed_url": base + reverse("infowatch:feed_json"),
        "language": "id",
        "items": items,
    }, json_dumps_params={"ensure_ascii": False}, content_type="application/feed+json; charset=utf-8")
