from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "praja.territory"
    label = "territory"
    verbose_name = "Wilayah / Territory"
