"""Handler pages (see praja/reports/urls.py and views_handle.py)."""

from django.urls import path

from praja.reports import views_handle as v
from praja.reports import views_import

urlpatterns = [
    path("", v.index, name="index"),
    path("terlambat/", v.overdue, name="overdue"),
    path("impor/", views_import.import_reports, name="import"),
    path("impor/templat.csv", views_import.import_template, name="import_template"),
    path("identitas/", v.identity_queue, name="identity_queue"),
    path("identitas/<int:pk>/putus/", v.identity_decide, name="identity_decide"),
    path("r/<str:receipt>/", v.detail, name="detail"),
    path("r/<str:receipt>/aksi/<slug:name>/", v.action, name="action"),
    path("r/<str:receipt>/lokasi/", v.reveal_point, name="reveal_point"),
    path("r/<str:receipt>/lampiran/<int:pk>/", v.attachment, name="attachment"),
    path("r/<str:receipt>/lampiran/tambah/", v.attach, name="attach"),
    path("r/<str:receipt>/identitas/minta/", v.identity_request, name="identity_request"),
    path("r/<str:receipt>/identitas/lihat/", v.identity_view, name="identity_view"),
]
