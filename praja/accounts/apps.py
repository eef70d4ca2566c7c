from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "praja.accounts"
    label = "accounts"
    verbose_name = "Akun dan audit / Accounts and audit"

    def ready(self) -> None:
        from praja.accounts import audit_signals  # noqa: F401  (connects the audit receivers)
