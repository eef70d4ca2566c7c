"""Middleware: a query string holding a NUL character is refused before any view reads it.

No address of Praja has a use for NUL (U+0000), and PostgreSQL cannot hold one in a text value: a filter such as
``/api/v1/territory/regions?parent=35%00`` reached the database and answered 500 there (SQLite compared it and
found nothing). Under /api/ the answer is ninja's own shape for a parameter that does not fit its schema (422,
``{"detail": [{"type", "loc", "msg"}]}``, documented for every route by praja/api_support.py); elsewhere a
plain 400. Form bodies are guarded by Django's own rule (``ProhibitNullCharactersValidator`` on every form
CharField); JSON bodies by the intake's validation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


class RefuseNulInQuery:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "") or NUL in request.META.get("QUERY_STRING", ""):
            for name, values in request.GET.lists():
                if NUL in name or any(NUL in v for v in values):
                    return self.refuse(request, name.replace(NUL, "\\0"))
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, name: str) -> HttpResponse:
        text = _("Parameter alamat tidak boleh memuat karakter NUL.")
        if request.path_info.startswith("/api/"):
            issue = {"type": "string_pattern_mismatch", "loc": ["query", name], "msg": text}
            return JsonResponse({"detail": [issue]}, status=422)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
