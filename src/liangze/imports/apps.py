from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "liangze.imports"
    label = "imports"
