from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "liangze.rectification"
    verbose_name = "Rectification"
