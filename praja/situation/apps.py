from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "praja.situation"
    label = "situation"
    verbose_name = "Situasi / Situation"
