from django.apps import AppConfig


class RiskAppConfig(AppConfig):
    name = "praja.risk"
    label = "risk"
    verbose_name = "Kerawanan / Vulnerability"
