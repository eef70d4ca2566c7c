"""The error pages in Bahasa Indonesia (English when chosen) inside the normal navigation.

403 and 404 use Django's own handlers with the templates ``403.html`` and ``404.html`` (they render with the
request, so the menu of the person's roles shows). A 500 is rendered with the request too, so the navigation
stays; if that itself fails (the database is down, say), a plain page without the menu answers."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)

PLAIN_500 = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Terjadi kesalahan · Praja</title></head>'
    "<body><h1>Terjadi kesalahan di server</h1><p>Maaf, halaman ini tidak dapat ditampilkan. Kesalahan sudah "
    'dicatat; coba lagi sebentar lagi.</p><p><a href="/">Kembali ke beranda</a></p></body></html>'
)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    try:
        html = loader.get_template(template_name).render({}, request)
    except Exception:  # noqa: BLE001 - the page that says something broke must not break
        log.exception("the 500 page could not be rendered with the navigation")
        return HttpResponseServerError(PLAIN_500)
    return HttpResponseServerError(html)
