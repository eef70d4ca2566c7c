"""The crawl: as every demo role, every link on every page reachable from the home page answers 200.

Each role signs in (second factor passed where the role needs one), opens the home page and follows the in-app
links breadth-first, up to a bound per role. Skipped: signing out and anything sent by POST (forms are not
links), downloads (PDF, XLSX, CSV, GeoJSON, attachments: exports are jobs), the language switch, static files
and Django's admin. Error pages are checked apart: Indonesian, inside the normal navigation, with DEBUG False.
"""

from __future__ import annotations

import re
import time
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import verify_second_factor

# pages per role (breadth-first from the home page) and query variants per path
MAX_PAGES = 45
MAX_VARIANTS = 2
SKIP = re.compile(
    r"^/(static|media|admin|i18n)/|/keluar/|logout|/unduh/|/export|\.(pdf|xlsx|csv|geojson|json|xml|png|jpg|zip)"
    r"(\?|$)|/lampiran/|/api/"
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("mailto:", "tel:", "javascript:")) and "download" not in dict(attrs):
                self.hrefs.append(href)


def links_of(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        url, _frag = urldefrag(urljoin(page_url, href))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc not in ("testserver", ""):
            continue  # another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and path.startswith("/") and not SKIP.search(path):
            out.append(path)
    return out


def crawl(client: Client, start: str = "/") -> tuple[dict[str, int], dict[str, str]]:
    """Status of every page reached (at most MAX_PAGES), and for each the page that linked it."""
    seen: dict[str, int] = {}
    came_from: dict[str, str] = {start: "(start)"}
    variants: dict[str, int] = {}
    todo: deque[str] = deque([start])
    while todo and len(seen) < MAX_PAGES:
        url = todo.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(url, response.content.decode("utf-8", "replace")):
            if link in seen or link in came_from:
                continue
            path = link.split("?", 1)[0]
            if "?" in link:
                if variants.get(path, 0) >= MAX_VARIANTS:
                    continue
                variants[path] = variants.get(path, 0) + 1
            came_from[link] = url
            todo.append(link)
    return seen, came_from


def signed_in(user: Any) -> Client:
    from praja.base.access import needs_second_factor

    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        verify_second_factor(client, user)
    return client


@pytest.mark.django_db
def test_every_link_reachable_from_the_home_page_answers_200_for_every_demo_role(demo_district: Any) -> None:
    from django.contrib.auth import get_user_model

    from praja.demo.district import DEMO_ACCOUNTS

    failures = []
    timings = []
    User = get_user_model()
    for username, *_rest in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        t0 = time.perf_counter()
        seen, came_from = crawl(signed_in(user))
        timings.append((username, len(seen), time.perf_counter() - t0))
        assert len(seen) > 3, f"{username}: the home page leads almost nowhere ({sorted(seen)})"
        failures += [f"{username}: {url} -> {status} (linked from {came_from.get(url)})"
                     for url, status in seen.items() if status != 200]
    print("\n".join(f"{u}: {n} pages in {s:.1f} s" for u, n, s in timings))
    assert not failures, "\n".join(failures)


def has_navigation(html: str) -> bool:
    return 'class="mainnav"' in html and 'href="/"' in html


@pytest.mark.django_db
def test_error_pages_are_indonesian_and_inside_the_navigation(demo_district: Any, settings: Any) -> None:
    from django.contrib.auth import get_user_model

    settings.DEBUG = False
    User = get_user_model()
    # 403: a role without reports.view opens the reports board
    response = signed_in(User.objects.get(username="camat.donomulyo")).get("/laporan/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in html and "Forbidden" not in html
    assert has_navigation(html) and "Kembali ke beranda" in html
    # 404: a page that does not exist, and a report outside one's reach
    client = signed_in(User.objects.get(username="ops.polres"))
    for url in ("/halaman-yang-tidak-ada/", "/laporan/r/TIDAK-ADA-123/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404, url
        assert "Halaman tidak ditemukan" in html and "Not Found" not in html
        assert has_navigation(html)
    # 500: a page that fails
    settings.ROOT_URLCONF = "praja.ops.tests.crawl_urls"
    client.raise_request_exception = False
    response = client.get("/_uji-kesalahan/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in html and "Server Error" not in html
    assert has_navigation(html)
