"""What the import pages share (TPS list, vulnerability mapping, reports): the first checks of an uploaded
file, and the CSV template they offer for download."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
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
