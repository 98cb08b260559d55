from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liangze.core"
    verbose_name = "Core"
