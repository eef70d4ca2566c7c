from typing import Any

from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "praja.situation"
    label = "situation"
    verbose_name = "Situasi / Situation"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from praja.territory.models import Region

        def _forget(sender: Any, **kwargs: Any) -> None:
            from praja.situation.mapdata import forget_map_cache

            forget_map_cache()

        # An outline saved one by one (admin, boundary import) empties the cached map outlines.
        post_save.connect(_forget, sender=Region, weak=False, dispatch_uid="situation_region_saved")
        post_delete.connect(_forget, sender=Region, weak=False, dispatch_uid="situation_region_deleted")
        # Bulk writes (boundary import, registry load) bypass model signals and send this instead.
        from praja.territory.signals import regions_changed

        regions_changed.connect(_forget, weak=False, dispatch_uid="situation_regions_changed")
