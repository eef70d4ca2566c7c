"""The approver of a clarification sees the draft read-only with approve / return (issue 13); one area label
everywhere (the item page shows the dashboard's class); Indonesian numbers; feed titles without a doubled
verdict word (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from praja.accounts.tests.fixtures import HOME_KEC
from praja.base import audit
from praja.infowatch import services
from praja.infowatch.models import Clarification, Item
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM, donomulyo_rawan

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(people: Any, fake_core: None) -> Clarification:
    with audit.acting_as(SYSTEM):
        it = services.ingest_manual("Surat suara sudah dicoblos di Donomulyo", reach=1200).item
    services.record_verdict(it, "hoax", user=people["humas"].user)
    return services.draft_clarification(it, "HOAKS: surat suara sudah dicoblos", "Tidak benar.",
                                        user=people["humas"].user)


def test_the_approver_sees_the_draft_read_only_with_approve_and_return(draft: Clarification, kapolres: Any,
                                                                        humas: Any) -> None:
    page = kapolres.get(f"/info/klarifikasi/{draft.pk}/")
    html = page.content.decode()
    assert page.context["form"] is None and "<textarea" not in html and 'id="clarification-body"' in html
    assert 'id="approve"' in html and 'id="return"' in html
    r = kapolres.post(f"/info/klarifikasi/{draft.pk}/", {"title": "diubah pejabat", "body": "x"})
    assert r.status_code == 403
    draft.refresh_from_db()
    assert draft.title == "HOAKS: surat suara sudah dicoblos"
    # the drafter still edits it
    assert humas.get(f"/info/klarifikasi/{draft.pk}/").context["form"] is not None


def test_a_returned_draft_goes_back_to_its_drafter_and_waits_again_once_saved(draft: Clarification, kapolres: Any,
                                                                              humas: Any) -> None:
    kapolres.post(f"/info/klarifikasi/{draft.pk}/kembalikan/", {"note": "Sebut nomor gudang dan jam penjagaan."})
    draft.refresh_from_db()
    assert draft.status == Clarification.Status.RETURNED and draft.return_note.startswith("Sebut nomor gudang")
    page = humas.get(f"/info/klarifikasi/{draft.pk}/").content.decode()
    assert "Sebut nomor gudang" in page
    humas.post(f"/info/klarifikasi/{draft.pk}/", {"title": draft.title, "body": "Gudang 2 dijaga 24 jam."})
    draft.refresh_from_db()
    assert draft.status == Clarification.Status.DRAFT and draft.body == "Gudang 2 dijaga 24 jam."
    kapolres.post(f"/info/klarifikasi/{draft.pk}/setujui/")
    draft.refresh_from_db()
    assert draft.status == Clarification.Status.APPROVED


def test_a_return_without_a_reason_changes_nothing(draft: Clarification, kapolres: Any) -> None:
    kapolres.post(f"/info/klarifikasi/{draft.pk}/kembalikan/", {"note": "  "})
    draft.refresh_from_db()
    assert draft.status == Clarification.Status.DRAFT


def test_feed_titles_do_not_say_the_verdict_twice(draft: Clarification, people: Any, client: Any) -> None:
    services.approve(draft, people["kapolres"].user)
    services.publish(draft, people["kapolres"].user)
    rss = client.get("/info/resmi/rss.xml").content.decode()
    assert "<title>HOAKS: surat suara sudah dicoblos</title>" in rss and "[HOAKS] HOAKS" not in rss
    feed = client.get("/info/resmi/feed.json").json()
    assert feed["items"][0]["title"] == "HOAKS: surat suara sudah dicoblos"
    draft.title = "Surat suara aman di gudang"
    draft.save()
    assert "<title>[HOAKS] Surat suara aman di gudang</title>" in client.get("/info/resmi/rss.xml").content.decode()


def test_the_item_page_uses_the_dashboards_class_for_the_kecamatan_and_indonesian_numbers(
        fake_core: None, humas: Any, people: Any) -> None:
    from praja.base.scope import Scope
    from praja.situation import dashboard
    from praja.situation import sources as S
    from praja.situation.views_dashboard import CLASS_LABELS
    from praja.territory.models import Region

    donomulyo_rawan()
    with audit.acting_as(SYSTEM):
        it = services.ingest_manual("Kotak suara di gudang PPK Donomulyo ditukar, sudah dicoblos", reach=12500).item
    page = humas.get(f"/info/butir/{it.pk}/")
    html = page.content.decode()
    viewer = S.Viewer(scope=Scope.of(["35.07"]), capabilities=frozenset({"infowatch.analyse", "territory.view"}))
    pic = dashboard.picture(viewer, Region.objects.get(code=HOME_KEC), Scope.of([HOME_KEC]), timezone.now())
    expected = str(CLASS_LABELS[pic.kecamatan[0].klass])
    place = next(p for p in page.context["places"] if p["code"] == HOME_KEC)
    assert place["klass_label"] == expected and f"<strong>{expected}</strong>" in html
    assert "(rawan)" not in html and "(aman)" not in html  # the TPS class is not shown as the area's label
    assert "12.500" in html and "12,500" not in html  # Indonesian thousands
    not_counted = [row for row in page.context["labels"] if not row["counted"]]
    for row in not_counted:
        assert f'data-label="{row["key"]}"' in html
    assert "1,000" not in html  # a label not counted shows no score


def test_the_item_page_says_which_evidence_flagged_it(fake_core: None, factchecks: Any, humas: Any) -> None:
    with audit.acting_as(SYSTEM):
        it = services.ingest_manual("surat suara sudah dicoblos paslon sebelum pilkada di gudang KPU", reach=10).item
    evidence = humas.get(f"/info/butir/{it.pk}/").context["evidence"]
    assert any("3741" in e for e in evidence)
    assert Item.objects.get(pk=it.pk).lane == "main"
