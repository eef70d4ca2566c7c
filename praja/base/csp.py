"""The Content-Security-Policy header (issue 14; Django 5.2 has none built in).

Every page is served with a policy that runs scripts from Praja's own origin only: no inline ``<script>``, no
``onclick=""`` attributes, no ``eval`` (templates load their scripts from static files; ``json_script`` data blocks
are not executed and need no permission). Styles allow ``'unsafe-inline'`` because templates and Leaflet set
``style`` attributes; a style cannot run code. Map tiles come from the origin of ``PRAJA_TILE_URL``.

Settings: ``PRAJA_CSP`` = ``enforce`` (default), ``report-only`` (the header is sent as
Content-Security-Policy-Report-Only: violations show in the browser console but nothing is blocked) or ``off``;
``PRAJA_CSP_EXTRA`` = extra sources per directive, e.g. ``{"img-src": ["https://tiles.example.org"]}``. The
interactive API docs (``PRAJA_API_DOCS_PATH``, off in production) load Swagger UI from a CDN with an inline script
and are served without the header.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BASE: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def tile_source(template: str) -> str:
    """The img-src source of a Leaflet tile URL template ('https://{s}.tile.osm.org/{z}/{x}/{y}.png' ->
    'https://*.tile.osm.org'); '' when there is none."""
    if not template:
        return ""
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # another placeholder in the host: allow the scheme only
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}"


@lru_cache(maxsize=8)
def _policy(tile_url: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    directives = {k: list(v) for k, v in BASE.items()}
    tiles = tile_source(tile_url)
    if tiles:
        directives["img-src"].append(tiles)
    for name, sources in extra:
        directives.setdefault(name, []).extend(s for s in sources if s not in directives.get(name, []))
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def policy() -> str:
    """The policy as configured now."""
    extra = getattr(settings, "PRAJA_CSP_EXTRA", {}) or {}
    frozen = tuple(sorted((str(k), tuple(str(s) for s in v)) for k, v in extra.items()))
    return _policy(str(getattr(settings, "PRAJA", {}).get("TILE_URL", "") or ""), frozen)


def _docs_prefix() -> str:
    path = str(getattr(settings, "PRAJA_API_DOCS_PATH", "") or "").strip("/")
    return f"/api/v1/{path}" if path else ""


class ContentSecurityPolicy:
    """Middleware: adds the policy to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        mode = str(getattr(settings, "PRAJA_CSP", "enforce") or "enforce")
        if mode == "off":
            return response
        docs = _docs_prefix()
        if docs and request.path.startswith(docs):
            return response
        header = "Content-Security-Policy-Report-Only" if mode == "report-only" else "Content-Security-Policy"
        if header not in response:
            response[header] = policy()
        return response
