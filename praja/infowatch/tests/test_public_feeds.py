"""Info Resmi for everyone: the page, RSS, Atom and JSON Feed; public reports answered by receipt."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.utils import timezone

from praja.base import audit
from praja.infowatch import services
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(people: Any, factchecks: Any) -> Any:
    with audit.acting_as(SYSTEM):
        item = services.ingest_forwarded("Surat suara sudah dicoblos <img src=x onerror=alert(1)>",
                                         "https://wa.example/1", timezone.now(), "LP-2024-0001")
        again = services.ingest_forwarded("surat suara sudah dicoblos <img src=x onerror=alert(1)>", "",
                                          timezone.now(), "LP-2024-0002")
        assert again.pk == item.pk and item.copies == 1
        services.record_verdict(item, "hoax", factcheck=factchecks[0])
        c = services.draft_clarification(item, "Tidak benar <surat> dicoblos", "Isi & penjelasan <i>resmi</i>",
                                         user=people["humas"].user)
        services.approve(c, people["kapolres"].user)
        draft = services.draft_clarification(item, "Masih draf", "x", user=people["humas"].user)
    return {"item": item, "c": c, "draft": draft}


def test_the_public_page_needs_no_login_and_shows_only_published(client: Any, published: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    assert "Tidak benar" not in client.get("/info/resmi/").content.decode()
    with audit.acting_as(SYSTEM), django_capture_on_commit_callbacks(execute=True):
        services.publish(published["c"])
    body = client.get("/info/resmi/").content.decode()
    assert "Tidak benar &lt;surat&gt; dicoblos" in body and "Masih draf" not in body
    assert client.get(f"/info/resmi/{published['draft'].pk}/").status_code == 404


def test_rss_atom_and_json_feeds_carry_the_clarification(client: Any, published: Any) -> None:
    with audit.acting_as(SYSTEM):
        services.publish(published["c"])
    rss = ET.fromstring(client.get("/info/resmi/rss.xml").content)
    titles = [t.text for t in rss.iter("title")]
    assert "[HOAKS] Tidak benar <surat> dicoblos" in titles
    atom = ET.fromstring(client.get("/info/resmi/atom.xml").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    title = atom.find("a:entry/a:title", ns)
    assert title is not None and title.text == "[HOAKS] Tidak benar <surat> dicoblos"
    r = client.get("/info/resmi/feed.json")
    assert r["Content-Type"].startswith("application/feed+json")
    feed = json.loads(r.content)
    entry = feed["items"][0]
    assert entry["title"] == "Tidak benar <surat> dicoblos" and entry["_praja"]["verdict"] == "hoax"
    assert entry["_praja"]["factcheck_url"] == "https://turnbackhoax.id/3741"


def test_each_sender_of_a_forwarded_report_gets_the_clarification(published: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    got: list[Any] = []

    def listener(sender: Any, clarification: Any, receipts: list[str], **kw: Any) -> None:
        got.append((clarification.pk, sorted(receipts)))

    services.clarification_published.connect(listener)
    try:
        assert services.clarifications_for_receipt("LP-2024-0001") == []
        with audit.acting_as(SYSTEM), django_capture_on_commit_callbacks(execute=True):
            services.publish(published["c"])
    finally:
        services.clarification_published.disconnect(listener)
    assert got == [(published["c"].pk, ["LP-2024-0001", "LP-2024-0002"])]
    assert [c.pk for c in services.clarifications_for_receipt("LP-2024-0002")] == [published["c"].pk]
    assert services.clarifications_for_receipt("LP-unknown") == []


def test_a_narrative_touching_a_rawan_kecamatan_that_grows_raises_one_alert(humas: Any, fake_core: None,
                                                                            settings: Any) -> None:
    from praja.infowatch.models import NarrativeAlert
    from praja.infowatch.tests.appfixtures import donomulyo_rawan

    donomulyo_rawan()
    settings.PRAJA_INFOWATCH_ALERT_MIN_VOLUME = 3
    now = timezone.now()
    with audit.acting_as(SYSTEM):
        from praja.infowatch.models import FactCheck

        FactCheck.objects.create(external_id="9", title="kotak suara dibakar di Donomulyo",
                                 claim="kotak suara dibakar massa Donomulyo")
        texts = ["kotak suara dibakar massa di Donomulyo", "kotak suara dibakar Donomulyo malam ini",
                 "video kotak suara dibakar di Donomulyo", "benarkah kotak suara dibakar Donomulyo",
                 "kotak suara dibakar di Donomulyo kemarin"]
        services.ingest_manual(texts[0])
        from praja.infowatch.models import Item

        Item.objects.update(received_at=now - datetime.timedelta(hours=30))
        for t in texts[1:]:
            services.ingest_manual(t)
        alerts = services.update_narratives(now)
        again = services.update_narratives(now)
    assert len(alerts) == 1 and again == []
    a = NarrativeAlert.objects.get()
    assert a.places == ["35.07.01"] and a.volume == 4 and a.growth == 4.0
    assert "Peringatan narasi" in humas.get("/info/narasi/").content.decode()
