"""The error pages in Bahasa Indonesia (English when chosen) inside the normal navigation.

400 (a bad address, an impossible date) names what could not be read. 403 and 404 use Django's own handlers with
the templates ``403.html`` and ``404.html`` (they render with the request, so the menu of the person's roles
shows). A 500 is rendered with the request too, so the navigation stays; if that itself fails (the database is
down, say), a plain page without the menu answers.

Under /api/ a 400 and a 404 are JSON ``{"detail": ...}`` like every other answer of the API (its schema says so:
praja/api_support.py), not a page: an address no route has (``/api/v1/accounts/people/abc``: the route takes a
number), a body too big to read."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.views import defaults

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


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the page inside the navigation; under /api/ the API's own answer ({"detail": "Not Found"}, as ninja
    answers an object that is not there)."""
    if is_api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return defaults.page_not_found(request, exception or Exception())


def bad_request(request: HttpRequest, exception: Exception | None = None,
                template_name: str = "400.html") -> HttpResponse:
    """400 in Indonesian: what Praja could not read (an impossible date names itself), inside the navigation."""
    from django.utils.translation import gettext as _

    from praja.base.dates import ImpossibleDate

    if isinstance(exception, ImpossibleDate):
        title, text = _("Tanggal atau waktu tidak sah"), str(exception)
    else:
        title = _("Permintaan tidak sah")
        text = _("Alamat atau isian halaman ini tidak dapat dibaca. Periksa alamatnya, atau kembali ke beranda.")
    if is_api(request):  # e.g. a body whose non-file part is over DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"detail": str(exception) if isinstance(exception, ImpossibleDate) else title},
                            status=400)
    try:
        html = loader.get_template(template_name).render({"bad_title": title, "bad_text": text}, request)
    except Exception:  # noqa: BLE001 - the page that says a request was bad must not break
        log.exception("the 400 page could not be rendered with the navigation")
        html = (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{escape(title)} · Praja'
                f"</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>")
    return HttpResponseBadRequest(html)
