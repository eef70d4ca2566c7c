from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "praja.base"
    label = "base"
    verbose_name = "Dasar dan audit / Base and audit"

    def ready(self) -> None:
        from praja.base import audit_signals  # noqa: F401  (connects the audit receivers)
        from praja.base.pgqueries import widen_statement_cache

        widen_statement_cache()  # the intake statement's conversion kept, not redone per report
