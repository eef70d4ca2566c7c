"""Issue 14 items 6 and 7, reproduced: a feed address may not reach inside the network (checked when saved and at
every hop of every fetch, redirects included; one error text for every refusal), and feed sources are scoped by
region like everything else (an operations officer of three kecamatan may not list, rename, re-address or make
national a source of the regency)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from praja.accounts.tests.fixtures import HOME_KEC, client_for, make_person
from praja.base import audit
from praja.infowatch import feeds, netguard
from praja.infowatch.models import Item, Source
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM

pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>x1</guid>
<title>RAHASIA internal</title><description>isi internal</description></item></channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/internal.xml":
            body = RSS
            self.send_response(200)
        elif self.path == "/redirect":
            body = b""
            self.send_response(302)
            self.send_header("Location", self.target)
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def inside() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8199/internal.xml", "http://localhost/feed", "http://10.0.0.5/rss", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/feed", "http://2130706433/", "file:///etc/passwd",
    "ftp://example.org/feed", "http://metadata.google.internal/", "http://user:pw@example.org/feed",
])
def test_humas_cannot_save_an_internal_or_non_http_address_and_every_refusal_reads_the_same(
        humas: Any, fake_core: None, url: str) -> None:
    r = humas.post("/info/sumber/", {"name": "Internal", "url": url, "region": "35.07", "active": "on"})
    assert r.status_code == 200 and not Source.objects.exists()
    errors = [str(e) for e in r.context["form"].errors.get("url", [])]
    assert errors and all(e in (netguard.REFUSED, "Masukkan URL yang valid.", "Enter a valid URL.") for e in errors)


def test_a_source_pointing_inside_is_refused_at_fetch_with_one_text_and_nothing_becomes_an_item(
        inside: str, fake_core: None) -> None:
    closed = "http://127.0.0.1:9/internal.xml"
    answering = inside + "/internal.xml"
    missing = inside + "/nothing"
    errors = []
    for url in (closed, answering, missing):
        src = Source.objects.create(name=url, url=url, region_id="35.07")  # as if saved before the check existed
        with audit.acting_as(SYSTEM):
            r = feeds.fetch_source(src, force=True)
        src.refresh_from_db()
        errors.append((r.status, r.error, src.last_error))
    assert errors == [("error", netguard.REFUSED, netguard.REFUSED)] * 3  # closed, open, 404: indistinguishable
    assert not Item.objects.exists()


def test_a_public_looking_address_that_redirects_inside_is_refused_at_the_redirect(
        inside: str, fake_core: None, settings: Any) -> None:
    port = inside.rsplit(":", 1)[1]
    Handler.target = "http://127.0.0.1:9/internal.xml"  # another port of the same host: not allowed
    settings.PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS = f"127.0.0.1:{port}"  # only the first hop's host is allowed
    src = Source.objects.create(name="r", url=inside + "/redirect", region_id="35.07")
    with audit.acting_as(SYSTEM):
        r = feeds.fetch_source(src, force=True)
    assert (r.status, r.error) == ("error", netguard.REFUSED) and not Item.objects.exists()
    Handler.target = inside + "/internal.xml"  # a redirect to an allowed host is followed
    with audit.acting_as(SYSTEM):
        r = feeds.fetch_source(src, force=True)
    assert r.status == "ok" and Item.objects.count() == 1


def test_only_public_addresses_pass_the_address_check() -> None:
    assert netguard.is_public("8.8.8.8") and netguard.is_public("2606:4700::1111")
    for a in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
              "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"):
        assert not netguard.is_public(a), a
    with pytest.raises(netguard.FetchRefused) as e:
        netguard.check_url("http://127.0.0.1:8199/x", set())
    assert str(e.value) == netguard.REFUSED


@pytest.fixture
def batu(world: Any) -> Any:
    """An operations officer of one kecamatan (as ops.batu holds three of the regency's)."""
    p = make_person("ops.batu", world.agencies["polres-malang"], [("polres_ops", HOME_KEC)])
    return client_for(p.user, second_factor=False)


def test_sources_are_scoped_by_region_like_everything_else(batu: Any, humas: Any, fake_core: None) -> None:
    regency = Source.objects.create(name="Berita Kabupaten", url="https://kab.example/feed", region_id="35.07")
    national = Source.objects.create(name="Nasional", url="https://nas.example/feed")
    mine = Source.objects.create(name="Berita Donomulyo", url="https://dono.example/feed", region_id=HOME_KEC)
    page = batu.get("/info/sumber/").content.decode()
    assert "Berita Donomulyo" in page and "Berita Kabupaten" not in page and "Nasional" not in page
    for src in (regency, national):
        assert batu.get(f"/info/sumber/{src.pk}/").status_code == 404
        r = batu.post(f"/info/sumber/{src.pk}/", {"name": "Diubah", "url": "https://evil.example/f", "region": "",
                                                  "active": "on"})
        assert r.status_code == 404
        assert batu.post(f"/info/sumber/{src.pk}/ambil/").status_code == 404
    regency.refresh_from_db()
    assert (regency.name, regency.url, regency.region_id) == ("Berita Kabupaten", "https://kab.example/feed", "35.07")
    # their own source cannot be made national, nor moved to the regency above them
    for region in ("", "35.07"):
        r = batu.post(f"/info/sumber/{mine.pk}/", {"name": "Berita Donomulyo", "url": "https://dono.example/feed",
                                                   "region": region, "active": "on"})
        assert r.status_code == 200 and r.context["form"].errors.get("region")
    mine.refresh_from_db()
    assert mine.region_id == HOME_KEC
    # the regency's humas sees the regency's sources (and those below), not the national one
    page = humas.get("/info/sumber/").content.decode()
    assert "Berita Kabupaten" in page and "Berita Donomulyo" in page and "Nasional" not in page
