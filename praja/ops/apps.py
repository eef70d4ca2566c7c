from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Work reaching its owner: the home page's own-work lists, the error pages inside the navigation and
    drill mode (latihan)."""

    name = "praja.ops"
    label = "ops"
    verbose_name = _("Operasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from praja.base.drillctx import tag_report
        from praja.reports import intake
        from praja.reports.models import Report

        pre_save.connect(tag_report, sender=Report, dispatch_uid="praja.ops.tag_report")
        from praja.infowatch.models import Item, Narrative

        for model in (Item, Narrative):  # the drill's social posts and the narrative they grow into
            pre_save.connect(tag_report, sender=model, dispatch_uid=f"praja.ops.tag_{model.__name__}")
        if not any(getattr(h, "__name__", "") == "tag_drill_report" for h in intake.BEFORE_WRITE):

            def tag_drill_report(report: Report) -> None:  # intake's one write sends no pre_save
                tag_report(Report, report)

            intake.BEFORE_WRITE.append(tag_drill_report)
