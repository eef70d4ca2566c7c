from django.apps import AppConfig


class JobQueueConfig(AppConfig):
    name = "praja.jobqueue"
    label = "jobqueue"
    verbose_name = "Antrean pekerjaan / Job queue"
    default_auto_field = "django.db.models.BigAutoField"
