"""The officers' report form (login), mounted under /laporan/ with the handler pages (praja/reports/urls.py)."""

from django.urls import path

from praja.reports import views_officer

urlpatterns = [
    path("petugas/", views_officer.officer_form, name="officer_form"),
    path("petugas/kirim/", views_officer.officer_send, name="officer_send"),
    path("petugas/tempat.json", views_officer.officer_places, name="officer_places"),
    path("petugas/sw.js", views_officer.service_worker, name="officer_sw"),
]
