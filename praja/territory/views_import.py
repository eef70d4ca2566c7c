"""The TPS list upload page (capability "territory.import") and its CSV template.

A rejected file shows a table of every bad row and field; nothing is written. A clean file is
loaded whole (within the person's scope) and the page says how many TPS were created and updated.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from praja.base.access import capability_required
from praja.base.roles import IMPORT_TERRITORY
from praja.base.visibility import scope_of
from praja.territory import tps_import, visibility
from praja.territory.models import Region
from praja.uploads import csv_template, upload_problem

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TEMPLATE_COLUMNS = ["kode_desa", "nomor_tps", "dpt", "alamat", "lat", "lng"]


def _columns() -> list[dict[str, Any]]:
    limits = settings.PRAJA
    return [
        {"name": "kode_desa", "required": True, "example": "35.07.01.2001",
         "meaning": _("Kode desa/kelurahan Kemendagri, bertitik atau tanpa titik (3507012001)")},
        {"name": "nomor_tps", "required": True, "example": "3",
         "meaning": _("Nomor TPS di desa itu, 1 sampai 999")},
        {"name": "dpt", "required": True, "example": "250",
         "meaning": _("Jumlah pemilih (DPT), %(min)s sampai %(max)s")
         % {"min": limits["TPS_MIN_VOTERS"], "max": limits["TPS_MAX_VOTERS"]}},
        {"name": "alamat", "required": False, "example": "Balai Desa",
         "meaning": _("Alamat TPS; kosong: alamat yang sudah ada tetap")},
        {"name": "lat", "required": False, "example": "-8.3593",
         "meaning": _("Lintang (desimal); diisi bersama lng atau keduanya kosong")},
        {"name": "lng", "required": False, "example": "112.4861",
         "meaning": _("Bujur (desimal); titik harus berada di dalam kabupaten/kota")},
    ]


@capability_required(IMPORT_TERRITORY)
def import_tps(request: HttpRequest) -> HttpResponse:
    result: tps_import.TpsImportResult | None = None
    upload_error = ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        upload_error = upload_problem(upload, MAX_UPLOAD_BYTES)
        if upload is not None and not upload_error:
            scope = scope_of(request)
            result = tps_import.import_tps(
                upload.name or "berkas", upload.read(), scope=None if scope.national else scope
            )
            if result.ok:
                messages.success(
                    request,
                    _("%(file)s dimuat: %(rows)s baris, %(created)s TPS baru, %(updated)s TPS diperbarui.")
                    % {"file": result.file, "rows": result.rows, "created": result.created,
                       "updated": result.updated},
                )
                return redirect("territory:import_tps")
    return render(
        request,
        "territory/import_tps.html",
        {"result": result, "upload_error": upload_error, "columns": _columns(),
         "max_mb": MAX_UPLOAD_BYTES // 2**20},
        status=400 if upload_error else 200,
    )


@capability_required(IMPORT_TERRITORY)
def import_tps_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the expected header and one example row (a desa inside the person's scope)."""
    scope = scope_of(request)
    desa = visibility.regions(Region.objects.filter(level=Region.Level.DESA), scope).order_by("code").first()
    row: list[object] = ["35.07.01.2001", 1, 250, "Balai Desa", "", ""]
    if desa is not None:
        row = [desa.code, 1, 250, f"Balai Desa {desa.name}", "", ""]
        if desa.centroid_lat is not None and desa.centroid_lng is not None:
            row[4:] = [round(desa.centroid_lat, 6), round(desa.centroid_lng, 6)]
    return csv_template("templat_tps.csv", TEMPLATE_COLUMNS, row)
