from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "praja.reports"
    label = "reports"
    verbose_name = "Laporan / Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every intake (whatever the channel): neutrality routing, then duplicate linking; hoax-category
        # reports are forwarded to the hoax monitoring (forwarding.py, when present).
        from django.core.signals import request_started

        from praja.base import extensions
        from praja.reports import afterwork, checks, handling, intake, known, visibility  # noqa: F401

        # The audit log (praja.base) shows an entry about a report only to who may see that report.
        extensions.points.visible_reports = visibility.visible_report_pks

        known.connect()  # forget remembered places and agencies when they change

        # The after-intake worker thread of a server process starts (and sweeps for reports whose work a
        # killed server never did) with the process's first request; praja/reports/afterwork.py.
        request_started.connect(afterwork.start_on_first_request, dispatch_uid=afterwork.DISPATCH_UID)

        if handling.after_intake not in intake.after_intake_hooks:
            intake.after_intake_hooks.append(handling.after_intake)
        try:
            from praja.reports import forwarding
        except ImportError:  # pragma: no cover - built at the same time by the intake helper
            return
        forwarding.register()
