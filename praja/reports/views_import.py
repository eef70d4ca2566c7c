"""The reports upload page /laporan/impor/ (capability ``reports.handle``) and its CSV template: the web
side of ``praja reports import`` (importers.import_reports).

A rejected file shows a table of every bad row and column; nothing is written. A clean file is stored whole,
each row through intake (channel ``impor``), and the page lists the receipts made. A row whose place lies
outside the importer's region is refused like any other bad row.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from praja.accounts import visibility
from praja.base import roles as R
from praja.base.access import capability_required
from praja.reports import importers
from praja.reports.models import Category, SubjectKind
from praja.territory.models import Region
from praja.uploads import csv_template, upload_problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
TEMPLATE_COLUMNS = ["kategori", "uraian", "judul", "tingkat", "waktu", "kode_tps", "kode_wilayah", "lintang",
                    "bujur", "tempat", "terlapor", "keterangan_terlapor", "nama_pelapor", "kontak_pelapor", "telepon"]


def _columns() -> list[dict[str, Any]]:
    return [
        {"name": "kategori", "required": True, "example": "politik_uang",
         "meaning": _("Jenis kejadian: %(v)s") % {"v": ", ".join(Category.values)}},
        {"name": "uraian", "required": True, "example": _("Pembagian amplop di balai desa"),
         "meaning": _("Uraian kejadian")},
        {"name": "judul", "required": False, "example": "", "meaning": _("Judul singkat; kosong: dari uraian")},
        {"name": "tingkat", "required": False, "example": "2",
         "meaning": _("1-4 atau rendah/sedang/tinggi/kritis; kosong: sedang")},
        {"name": "waktu", "required": False, "example": "2024-11-27 09:30",
         "meaning": _("Waktu kejadian (tanggal, boleh dengan jam)")},
        {"name": "kode_tps", "required": False, "example": "35.07.01.2001/003", "meaning": _("Kode TPS")},
        {"name": "kode_wilayah", "required": False, "example": "35.07.01.2001",
         "meaning": _("Kode desa atau kecamatan, di dalam wilayah Anda")},
        {"name": "lintang", "required": False, "example": "-8.30", "meaning": _("Lintang (desimal)")},
        {"name": "bujur", "required": False, "example": "112.41", "meaning": _("Bujur (desimal)")},
        {"name": "tempat", "required": False, "example": _("depan balai desa"), "meaning": _("Keterangan tempat")},
        {"name": "terlapor", "required": False, "example": "asn",
         "meaning": _("Jenis terlapor: %(v)s") % {"v": ", ".join(v for v in SubjectKind.values if v)}},
        {"name": "keterangan_terlapor", "required": False, "example": "", "meaning": _("Keterangan terlapor")},
        {"name": "nama_pelapor", "required": False, "example": "",
         "meaning": _("Nama pelapor (disegel); tanpa nama, kontak dan telepon: anonim")},
        {"name": "kontak_pelapor", "required": False, "example": "", "meaning": _("Kontak pelapor (disegel)")},
        {"name": "telepon", "required": False, "example": "", "meaning": _("Nomor HP pelapor (disegel)")},
    ]


@require_http_methods(["GET", "POST"])
@capability_required(R.REPORTS_HANDLE)
def import_reports(request: HttpRequest) -> HttpResponse:
    result: importers.ImportResult | None = None
    upload_error = ""
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        upload_error = upload_problem(upload, MAX_UPLOAD_BYTES)
        if upload is not None and not upload_error:
            scope = visibility.scope_of(request)
            result = importers.import_reports(upload.name or "berkas", upload.read(), user=request.user,
                                              scope=None if scope.national else scope)
    status = 400 if upload_error or (result is not None and not result.ok) else 200
    return render(request, "reports/handle/import.html", {
        "result": result, "upload_error": upload_error, "columns": _columns(),
        "max_mb": MAX_UPLOAD_BYTES // 2**20}, status=status)


@require_http_methods(["GET"])
@capability_required(R.REPORTS_HANDLE)
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the expected header and one example row (a desa inside the person's scope)."""
    scope = visibility.scope_of(request)
    desa = visibility.regions(Region.objects.filter(level=Region.Level.DESA), scope).order_by("code").first()
    code = desa.code if desa is not None else "35.07.01.2001"
    row = ["politik_uang", "Pembagian amplop menjelang pencoblosan", "", "2", "2024-11-27 09:30", "", code, "", "",
           "depan balai desa", "", "", "", "", ""]
    return csv_template("templat_laporan.csv", TEMPLATE_COLUMNS, row)
