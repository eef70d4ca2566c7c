"""Public report pages, mounted at /lapor/ (no login): the form, the receipt, following a report."""

from django.urls import path  # noqa: F401

app_name = "reports_public"

urlpatterns: list = []
