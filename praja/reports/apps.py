from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "praja.reports"
    label = "reports"
    verbose_name = "Laporan / Reports"
    default_auto_field = "django.db.models.BigAutoField"
