"""Handler pages of reports, mounted at /laporan/ (login). The public pages are in urls_public.py (/lapor/)."""

from django.urls import include, path

app_name = "reports"

urlpatterns = [
    path("", include("praja.reports.urls_handle")),
    path("", include("praja.reports.urls_officer")),
]
