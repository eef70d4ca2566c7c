from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "praja.reports"
    label = "reports"
    verbose_name = "Laporan / Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every intake (whatever the channel): neutrality routing, then duplicate linking.
        from praja.reports import handling, intake

        if handling.after_intake not in intake.after_intake_hooks:
            intake.after_intake_hooks.append(handling.after_intake)
