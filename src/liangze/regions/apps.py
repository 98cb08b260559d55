from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "liangze.regions"
    verbose_name = "Regions"
