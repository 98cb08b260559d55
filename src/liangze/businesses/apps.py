from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "liangze.businesses"
    verbose_name = "Businesses"

    def ready(self):
        # The registry's table import and export run on the import engine (liangze.imports).
        from liangze.businesses.imports import register

        register()
