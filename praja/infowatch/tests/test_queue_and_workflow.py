"""The analyst queue, an item's page, verdicts and the clarification workflow up to Info Resmi."""

from __future__ import annotations

from typing import Any

import pytest

from praja.accounts.tests.fixtures import main_of
from praja.base import audit
from praja.infowatch import services
from praja.infowatch.models import Clarification, Item
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM, donomulyo_rawan
from praja.infowatch.views import label_name

pytestmark = pytest.mark.django_db


def _ingest(text: str, reach: int = 0) -> Item:
    with audit.acting_as(SYSTEM):
        return services.ingest_manual(text, reach=reach).item


ARTICLE_TAIL = " ".join(f"kalimat{i}" for i in range(80))  # an article-length body of neutral words


def test_queue_orders_by_likelihood_reach_and_vulnerability(humas: Any, factchecks: Any) -> None:
    donomulyo_rawan()
    harmless = _ingest("Jadwal kampanye di Kalipare besok pagi", reach=100_000)
    # article-length texts, so their hoax score counts (short posts count through a fact-check match only)
    far = _ingest("Surat suara sudah dicoblos di gudang Kalipare, hoaks? " + ARTICLE_TAIL, reach=1000)
    near = _ingest("Surat suara sudah dicoblos di gudang Donomulyo! " + ARTICLE_TAIL, reach=1000)
    for it in (harmless, far, near):
        it.refresh_from_db()
    assert near.places == ["35.07.01"] and far.places == ["35.07.02"]
    assert near.vulnerability == 3.0 and far.vulnerability == 1.0
    assert near.risk > far.risk > harmless.risk
    body = main_of(humas.get("/info/"))
    assert body.index(f'data-item="{near.pk}"') < body.index(f'data-item="{far.pk}"') < body.index(
        f'data-item="{harmless.pk}"')


def test_item_page_shows_labels_with_reasons_and_matches(humas: Any, factchecks: Any) -> None:
    it = _ingest("Surat suara sudah dicoblos paslon sebelum pilkada")
    body = main_of(humas.get(f"/info/butir/{it.pk}/"))
    assert 'data-label="election"' in body and "pilkada 1,00" in body
    assert 'data-factcheck="3741"' in body and "klaim yang sama" in body
    shared = body[body.index("data-shared"):]
    assert "Kata yang sama" in shared and ">dicoblos<" in shared and ">pilkada<" in shared


def test_the_hoax_score_of_a_short_post_does_not_count_but_its_fact_check_match_does(
    humas: Any, factchecks: Any
) -> None:
    short = _ingest("Katanya surat suara palsu")  # the hoax label fires, no fact-check says this
    matched = _ingest("Surat suara sudah dicoblos paslon sebelum pilkada di gudang KPU")
    article = _ingest("Katanya surat suara palsu. " + ARTICLE_TAIL)
    for it in (short, matched, article):
        it.refresh_from_db()
        assert it.labels["hoax"] == 0.9
    assert short.likelihood == 0.05  # the highest of the other harmful labels
    best = matched.matches.order_by("rank")[0]
    assert best.factcheck.external_id == "3741" and matched.likelihood == best.score >= 0.5  # the match counts
    assert article.likelihood == 0.9  # article length: the hoax score counts
    body = main_of(humas.get(f"/info/butir/{short.pk}/"))
    assert 'data-label="hoax" class="muted" data-not-counted' in body and "kurang dari 80 kata" in body
    assert "palsu 1,00" not in body
    body = main_of(humas.get(f"/info/butir/{article.pk}/"))
    assert "palsu 1,00" in body and "data-not-counted" not in body
    queue = main_of(humas.get("/info/"))

    def row(it: Item) -> str:
        start = queue.index(f'data-item="{it.pk}"')
        return queue[start:queue.index("</tr>", start)]

    assert f"{label_name('hoax')} 0,90" in row(article) and 'data-match' not in row(article)
    assert f"{label_name('hoax')} 0,90" not in row(short) and "—" in row(short)  # 0.05 labels are left out too
    assert 'data-match="3741"' in row(matched) and "klaim yang sama" in row(matched)


def test_queue_needs_the_capability_and_hides_other_regions(officer_client: Any, humas: Any,
                                                             fake_core: None) -> None:
    assert officer_client.get("/info/").status_code == 403
    with audit.acting_as(SYSTEM):
        other = services.ingest(channel="manual", text="isu di Jawa Barat", region_id="35").item
    Item.objects.filter(pk=other.pk).update(region_id=None)
    assert humas.get(f"/info/butir/{other.pk}/").status_code == 404


def test_clarification_is_drafted_approved_by_another_person_and_published(
    humas: Any, kapolres: Any, factchecks: Any, client: Any
) -> None:
    it = _ingest("Surat suara sudah dicoblos <script>alert('x')</script> di Donomulyo")
    r = humas.post(f"/info/butir/{it.pk}/putusan/", {"kind": "hoax", "factcheck": "3741", "note": ""})
    assert r.status_code == 302
    r = humas.post(f"/info/butir/{it.pk}/klarifikasi/", {"title": "Tidak benar surat suara sudah dicoblos",
                                                       "body": "Surat suara disegel. <b>Jangan</b> sebarkan."})
    c = Clarification.objects.get()
    assert c.status == "draft" and c.verdict is not None and c.verdict.factcheck is not None
    assert c.verdict.factcheck.external_id == "3741"
    # humas may not approve (no capability); the drafter may not approve their own draft either
    assert humas.post(f"/info/klarifikasi/{c.pk}/setujui/").status_code == 403
    assert client.get("/info/resmi/").content.decode().count("data-clarification=") == 0
    kapolres.post(f"/info/klarifikasi/{c.pk}/setujui/")
    kapolres.post(f"/info/klarifikasi/{c.pk}/terbitkan/")
    c.refresh_from_db()
    assert c.status == "published" and c.approved_by is not None and c.approved_by.username == "kapolres"
    public = client.get("/info/resmi/").content.decode()
    assert "Tidak benar surat suara sudah dicoblos" in public and "&lt;b&gt;Jangan&lt;/b&gt;" in public
    assert client.get(f"/info/resmi/{c.pk}/").status_code == 200
    item_page = humas.get(f"/info/butir/{it.pk}/").content.decode()
    assert "<script>alert" not in item_page and "&lt;script&gt;alert" in item_page


def test_the_drafter_cannot_approve_their_own_draft(people: Any, fake_core: None) -> None:
    user = people["kapolres"].user
    with audit.acting_as(SYSTEM):
        c = services.draft_clarification(None, "judul", "isi", user=user)
        with pytest.raises(services.WorkflowError):
            services.approve(c, user)
        with pytest.raises(services.WorkflowError):
            services.publish(c, user)


def test_the_queue_reads_the_same_claim_threshold_without_building_a_matcher(settings: Any) -> None:
    from praja.infowatch import services_analysis as core
    from praja.infowatch.text.match import LEXICAL

    core.reset()
    settings.PRAJA_INFOWATCH_EMBEDDER = "none"
    assert core.current_threshold() == LEXICAL.threshold
    assert core._cache.get("matcher") is None  # nothing was built
    settings.PRAJA_INFOWATCH_MATCH_THRESHOLD = 0.7
    assert core.current_threshold() == 0.7
