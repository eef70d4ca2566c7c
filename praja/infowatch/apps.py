from django.apps import AppConfig


class InfowatchConfig(AppConfig):
    name = "praja.infowatch"
    label = "infowatch"
    verbose_name = "Pantauan informasi / Infowatch"
    default_auto_field = "django.db.models.BigAutoField"
