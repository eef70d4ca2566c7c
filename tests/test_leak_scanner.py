"""The leak scanner: no role sees, anywhere, what the report page itself would refuse it (issue 14).

Reports carrying unique markers are planted (tests/leak_world.py): neutrality reports about Polsek Donomulyo
(named, and unnamed "a police officer" in its kecamatan), Koramil Donomulyo, Polres Malang itself and Polres Batu
(another Polres' unit); on the first one a sealed reporter identity (name, phone), an exact location (latitude,
longitude), an internal note (handling.note), a verification note and an identity request with its reason; and a
plain public report as the control. A lapsit is issued by the Kapolres, and a unit version made for the Polsek.

Then, signed in as every demo role, the scanner opens every page reachable from the home page plus every GET route
of the API, the audit entries about the planted reports (list, detail, page and API), the fragments, the board's
search, the map layers, the TPS risk page and its API, the lapsit pages and downloads (PDF text through pypdf,
XLSX cell values through openpyxl), CSV, GeoJSON/JSON and the public feeds, one or two URLs per route pattern.

The rule, per role: a marker may appear only where the report's own page (GET /laporan/r/<receipt>/) shows it to
that role. The sealed identity and the exact location are shown by no GET at all (opening them is a POST that the
timeline records), so they must appear nowhere. Any other appearance is a leak: the failure lists (role, url,
marker).
"""

from __future__ import annotations

import io
import time
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from leak_world import LeakWorld, Marker, build_demo_roles, plant

# Not GET-able, not ours to scan, or changing state when opened.
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/akun/keluar/", "/api/v1/docs", "/api/v1/openapi")
SKIP_PARTS = ("logout", "/keluar/")
PER_PATTERN = 1  # URLs per route (whatever the query); seeds are always opened
MAX_PER_ROLE = 140


class Links(HTMLParser):
    """Every in-app address a page points at: links, htmx fragments, data-url, frames and images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "hx-get", "data-url", "src"):
            value = a.get(key)
            if value and not value.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
                self.urls.append(value)


def links_of(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.urls:
        url, _frag = urldefrag(urljoin(page_url, href))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc not in ("testserver", ""):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP_PREFIXES) and not any(p in path for p in SKIP_PARTS):
            out.append(path)
    return out


def body_text(response: Any) -> str:
    """What a reader gets out of the response: HTML/JSON/CSV/XML as text, a PDF's words, an XLSX's cell values."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    ctype = response.get("Content-Type", "")
    if "pdf" in ctype or raw[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(raw))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if "spreadsheetml" in ctype or (raw[:2] == b"PK" and b"xl/" in raw[:4000]):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                 if v is not None]
        book.close()
        return "\n".join(cells)
    return raw.decode("utf-8", "replace")


def pattern_of(url: str) -> str:
    """The route a URL resolves to (its query ignored): the crawl opens one URL per route, besides the seeds."""
    path = url.partition("?")[0]
    try:
        route = resolve(path).route
    except Resolver404:
        route = path
    return route


def seeds(world: LeakWorld) -> list[str]:
    """The derived views the crawl must open whatever the links say."""
    from praja.api import api

    desa, number = world.tps.split("/")
    bdesa, bnumber = world.batu_tps.split("/")
    out = [
        "/", "/laporan/?tampilan=semua&q=QX", "/laporan/terlambat/",
        "/laporan/identitas/", "/situasi/", "/situasi/peristiwa/?wilayah=35.07", "/situasi/peristiwa/?wilayah=35.07.01",
        "/situasi/lapsit/", "/situasi/lapsit/draf/?wilayah=35.07", "/peta/",
        f"/kerawanan/tps/{desa}/{int(number)}/", f"/kerawanan/tps/{bdesa}/{int(bnumber)}/",
        f"/wilayah/tps/{desa}/{int(number)}/", "/kerawanan/wilayah/35.07.01/", "/kerawanan/tps/",
        "/akun/audit/?wilayah=35.07.01", "/info/resmi/rss.xml", "/info/resmi/atom.xml", "/info/resmi/feed.json",
        f"/api/v1/risk/tps/{desa}/{int(number)}", f"/api/v1/risk/tps/{bdesa}/{int(bnumber)}",
        "/api/v1/accounts/audit?region=35.07.01", "/api/v1/accounts/audit?limit=500",
        "/api/v1/map/layers", "/api/v1/map/tps", "/api/v1/risk/map?wilayah=35.07",
        # Django's admin (staff only; the others get its sign-in page): the lists built from reports
        "/admin/reports/report/", "/admin/reports/timelineentry/", "/admin/reports/identityrequest/",
        "/admin/accounts/auditentry/", "/admin/risk/incidentsignal/",
    ]
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    out += [p for p, ops in schema["paths"].items() if "get" in ops and "{" not in p]
    for seq in world.audit_seqs:
        out += [f"/akun/audit/{seq}/", f"/api/v1/accounts/audit/{seq}"]
    for lap in world.lapsit_ids:
        out += [f"/situasi/lapsit/{lap}/", f"/situasi/lapsit/{lap}/pdf/", f"/situasi/lapsit/{lap}/xlsx/"]
    return out


TIMES: dict[str, float] = {}


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """Text of every URL reached: the seeds, then breadth-first what they link to (PER_PATTERN per pattern)."""
    texts: dict[str, str] = {}
    per_pattern: dict[str, int] = {}
    for url in start:
        per_pattern[pattern_of(url)] = per_pattern.get(pattern_of(url), 0) + 1
    todo: deque[str] = deque(start)
    queued = set(start)
    while todo and len(texts) < MAX_PER_ROLE:
        url = todo.popleft()
        t = time.perf_counter()
        response = client.get(url, follow=True)
        TIMES[pattern_of(url)] = TIMES.get(pattern_of(url), 0.0) + time.perf_counter() - t
        if response.status_code != 200:
            continue
        text = body_text(response)
        texts[url] = text
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(url, text):
            if link in queued:
                continue
            pat = pattern_of(link)
            if per_pattern.get(pat, 0) >= PER_PATTERN:
                continue
            per_pattern[pat] = per_pattern.get(pat, 0) + 1
            queued.add(link)
            todo.append(link)
    return texts


def allowed_markers(client: Client, world: LeakWorld) -> set[str]:
    """The markers the report pages show this role: the only place a marker may be seen from."""
    allowed: set[str] = set()
    by_receipt: dict[str, list[Marker]] = {}
    for m in world.markers:
        by_receipt.setdefault(m.receipt, []).append(m)
    for receipt, markers in by_receipt.items():
        response = client.get(f"/laporan/r/{receipt}/")
        if response.status_code != 200:
            continue
        page = response.content.decode()
        allowed |= {m.text for m in markers if not m.never and m.text in page}
    return allowed


def signed_in(user: Any) -> Client:
    from praja.accounts.tests.fixtures import verify_second_factor
    from praja.base.access import needs_second_factor

    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        verify_second_factor(client, user)
    return client


def issue_lapsits(world: LeakWorld) -> None:
    """The Kapolres issues the regency's lapsit (leadership and general versions); the Polsek asks its own."""
    from django.contrib.auth import get_user_model

    from praja.situation.models import Lapsit

    User = get_user_model()
    kapolres = signed_in(User.objects.get(username="kapolres"))
    response = kapolres.post("/situasi/lapsit/terbitkan/?wilayah=35.07", {"catatan": "Catatan pimpinan"})
    assert response.status_code == 302, response.content[:500]
    lead = Lapsit.objects.filter(audience="pimpinan").order_by("-pk").first()
    assert lead is not None
    polsek = signed_in(User.objects.get(username="polsek.donomulyo"))
    polsek.post(f"/situasi/lapsit/{lead.pk}/satuan/")
    world.lapsit_ids = list(Lapsit.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_no_demo_role_sees_a_marker_that_the_report_page_refuses_it_anywhere(settings: Any) -> None:
    from django.contrib.auth import get_user_model

    from praja.demo.district import DEMO_ACCOUNTS

    settings.DEBUG = False
    t0 = time.perf_counter()
    build_demo_roles()
    world = LeakWorld()
    plant(world)
    issue_lapsits(world)
    built = time.perf_counter() - t0
    start = seeds(world)
    leaks: list[str] = []
    seen_anywhere: dict[str, set[str]] = {}
    pages = 0
    User = get_user_model()
    for username, *_rest in DEMO_ACCOUNTS:
        client = signed_in(User.objects.get(username=username))
        allowed = allowed_markers(client, world)
        print(f"{username}: may see " + ", ".join(name for name, r in world.receipts.items() if r in allowed))
        texts = crawl(client, start)
        pages += len(texts)
        for url, text in texts.items():
            for m in world.markers:
                if m.text in text:
                    seen_anywhere.setdefault(username, set()).add(m.text)
                    if m.text not in allowed:
                        leaks.append(f"{username}: {url} shows {m.what} ({m.text})")
    elapsed = time.perf_counter() - t0
    print(f"\nleak scanner: world {built:.1f} s, {pages} responses for {len(DEMO_ACCOUNTS)} roles, {elapsed:.1f} s")
    for pat, sec in sorted(TIMES.items(), key=lambda kv: -kv[1])[:10]:
        print(f"TIME {sec:6.2f} s {pat}")
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(sorted(set(leaks)))
    # The scanner sees what it should: the control report is found by the roles that may read reports, and
    # the neutrality report about the Polsek by Bawaslu, in derived views too (the board, the lapsit, the audit).
    control = world.receipts["control"]
    assert control in seen_anywhere.get("ops.polres", set()) and "QXCONTROLPUBLIC" in seen_anywhere["bawaslu"]
    assert "QXPOLSEKNAMED" in seen_anywhere["bawaslu"] and "QXNOTEINTERNAL" in seen_anywhere["bawaslu"]
