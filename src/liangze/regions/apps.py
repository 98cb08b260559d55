from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "liangze.regions"
    verbose_name = "Regions"

    def ready(self):
        # The division table is imported by the import engine (liangze.imports).
        from liangze.regions.imports import register

        register()
