from typing import Any

from django.apps import AppConfig


def _restore_catalogue(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate (after `migrate`, and after `flush`, which empties every table): the national indicator
    rows are there, as migration 0002 first wrote them, with the same primary keys (unaudited, like the migration)."""
    from praja.risk.models import Indicator
    from praja.risk.services import catalogue_complete, seed_catalogue

    if not catalogue_complete(Indicator):
        seed_catalogue(Indicator, first_ids=True)


class RiskAppConfig(AppConfig):
    name = "praja.risk"
    label = "risk"
    verbose_name = "Kerawanan / Vulnerability"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_restore_catalogue, sender=self, dispatch_uid="praja.risk.restore_catalogue")
