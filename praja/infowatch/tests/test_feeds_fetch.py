"""Fetching RSS/Atom sources from a local HTTP server: conditional requests, backoff, malformed feeds."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from praja.base import audit
from praja.infowatch import feeds, netguard
from praja.infowatch.models import Item, Source
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM

pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Berita Malang</title>
<item><guid>a1</guid><title>Surat suara dicoblos di Donomulyo</title><link>https://berita.example/a1</link>
<description>Warga resah &lt;script&gt;alert(1)&lt;/script&gt; kabar surat suara</description>
<pubDate>Mon, 25 Nov 2024 08:00:00 +0700</pubDate></item>
<item><guid>a2</guid><title>Jadwal debat paslon</title><link>https://berita.example/a2</link><description>Debat</description></item>
</channel></rss>"""
ATOM_BROKEN = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><id>e1</id><title>Kabar KPU</title><summary>isi &bogus; rusak</summary></entry>"""


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes]] = {}
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append({"path": self.path, **{k: v for k, v in self.headers.items()}})
        if self.path == "/rss" and self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        status, body = self.routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Mon, 25 Nov 2024 01:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(settings: Any) -> Iterator[str]:
    Handler.routes = {"/rss": (200, RSS), "/broken": (200, ATOM_BROKEN), "/junk": (200, b"\x00\x01 not xml"),
                      "/fail": (500, b"oops")}
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    # the local test server is loopback: allowed by the setting, as an operator would allow an inside mirror
    settings.PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS = f"127.0.0.1:{httpd.server_address[1]}"
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _source(url: str) -> Source:
    return Source.objects.create(name=url.rsplit("/", 1)[-1], url=url, region_id="35.07")


def test_it_fetches_a_feed_then_asks_conditionally_and_keeps_items_once(server: str, fake_core: None) -> None:
    src = _source(server + "/rss")
    with audit.acting_as(SYSTEM):
        first = feeds.fetch_source(src)
        second = feeds.fetch_source(src, force=True)
    assert first.status == "ok" and first.new == 2
    assert second.status == "not modified"
    assert Handler.seen[1]["If-None-Match"] == '"v1"'
    assert Handler.seen[1]["If-Modified-Since"] == "Mon, 25 Nov 2024 01:00:00 GMT"
    assert "Praja" in Handler.seen[0]["User-Agent"]
    item = Item.objects.get(key__endswith=":a1")
    assert item.places == ["35.07.01"] and item.region_id == "35.07.01"
    assert "<script" not in item.text and "Warga resah" in item.text  # feedparser sanitises entries
    assert item.published_at == datetime.datetime(2024, 11, 25, 1, 0, tzinfo=datetime.UTC)
    assert Item.objects.count() == 2


def test_a_failing_source_backs_off_exponentially_and_recovers(server: str, fake_core: None) -> None:
    src = _source(server + "/fail")
    now = timezone.now()
    with audit.acting_as(SYSTEM):
        assert feeds.fetch_source(src, now=now).status == "error"
        assert feeds.fetch_source(src, now=now).status == "skipped"  # still waiting
        feeds.fetch_source(src, now=now, force=True)
    src.refresh_from_db()
    assert src.failures == 2 and src.last_status == "error" and src.last_error == netguard.REFUSED
    assert src.next_fetch_at == now + feeds.backoff_delay(2) and feeds.backoff_delay(2) == 2 * feeds.backoff_delay(1)
    src.url = server + "/rss"
    src.save()
    with audit.acting_as(SYSTEM):
        feeds.fetch_source(src, force=True)
    src.refresh_from_db()
    assert src.failures == 0 and src.last_status == "ok"


def test_malformed_feeds_do_not_crash_and_keep_what_can_be_read(server: str, fake_core: None) -> None:
    broken, junk = _source(server + "/broken"), _source(server + "/junk")
    gone = Source.objects.create(name="gone", url="http://127.0.0.1:9/none")
    with audit.acting_as(SYSTEM):
        r1, r2, r3 = feeds.fetch_source(broken), feeds.fetch_source(junk), feeds.fetch_source(gone)
    assert r1.status == "ok" and Item.objects.get().flags.count("malformed_feed") == 1
    assert r2.status == "error" and "RSS" in r2.error
    assert r3.status == "error" and r3.error == netguard.REFUSED  # port 9 is not allowed: refused unasked
