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

        def _warm(sender: Any, **kwargs: Any) -> None:
            from praja.situation.mapdata import warm_map_cache

            warm_map_cache()

        # `praja territory boundaries FILE`: the map's outlines are drawn once now, not on a first visit.
        from praja.territory.signals import boundaries_imported

        boundaries_imported.connect(_warm, weak=False, dispatch_uid="situation_boundaries_imported")

        # What territory's TPS page and infowatch's items ask of the situation app (praja/base/extensions.py).
        from praja.base import extensions
        from praja.situation import areaclass, tpslinks

        extensions.points.tps_links = tpslinks.tps_links
        extensions.points.area_classes = areaclass.area_classes
