"""What the import pages share (TPS list, vulnerability mapping, reports): the first checks of an uploaded
file, and the CSV template they offer for download; and the cap on a whole request body (``RequestBodyCap``)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def too_large(upload: Any, max_bytes: int) -> str:
    """The message for a file over `max_bytes`, else ''."""
    if upload.size is not None and upload.size > max_bytes:
        return _("Berkas terlalu besar (paling besar %(mb)s MB).") % {"mb": max_bytes // 2**20}
    return ""


def upload_problem(upload: Any, max_bytes: int) -> str:
    """Why an import page cannot read the uploaded file (none chosen, too large), else ''."""
    if upload is None:
        return _("Pilih berkas CSV atau XLSX terlebih dahulu.")
    return too_large(upload, max_bytes)


def csv_template(filename: str, header: Sequence[Any], row: Sequence[Any]) -> HttpResponse:
    """A CSV download with the expected header and one example row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerow(row)
    return response


def human_size(n: int) -> str:
    """52 MB, 900 KB (as the attachment messages write sizes)."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, n // 1024)} KB"


DEFAULT_MAX_REQUEST_BYTES = 52 * 1024 * 1024  # five 10 MB attachments and the form around them


def max_request_bytes() -> int:
    return int(getattr(settings, "PRAJA_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


class RequestBodyCap:
    """Middleware, first in the chain: a request whose declared body (Content-Length) is over
    ``PRAJA_MAX_REQUEST_BYTES`` is answered 413 before one byte of it is read (issue 14: a 55 MB body used to be
    read whole and then refused). Each file is then capped again by its page (attachments 10 MB, imports 20 MB);
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE caps the part of a body that is not a file.

    The answer is plain text, and under /api/ JSON ``{"detail": text}`` like every error of the API (its schema
    documents 400 and 413 so, praja/api_support.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.refuse(request, _("Panjang permintaan tidak sah."), 400)
        cap = max_request_bytes()
        if cap > 0 and declared > cap:
            text = _("Kiriman terlalu besar (%(size)s; batas seluruh kiriman %(max)s). Kirim lebih sedikit atau "
                     "lebih kecil lampiran.") % {"size": human_size(declared), "max": human_size(cap)}
            response = self.refuse(request, text, 413)
            response["Connection"] = "close"  # the body is never read: the connection cannot be reused
            return response
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, text: str, status: int) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": text}, status=status)
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
