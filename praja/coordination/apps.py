from django.apps import AppConfig


class CoordinationAppConfig(AppConfig):
    name = "praja.coordination"
    label = "coordination"
    verbose_name = "Koordinasi / Coordination"
