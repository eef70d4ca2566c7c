from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "praja.accounts"
    label = "accounts"
    verbose_name = "Akun / Accounts"
