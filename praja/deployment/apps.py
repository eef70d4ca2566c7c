from django.apps import AppConfig


class DeploymentAppConfig(AppConfig):
    name = "praja.deployment"
    label = "deployment"
    verbose_name = "Rencana pengamanan / Deployment plan"
