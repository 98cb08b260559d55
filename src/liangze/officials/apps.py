from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "liangze.officials"
    verbose_name = "Officials"

    def ready(self) -> None:
        from liangze.officials import coverage

        coverage.register_business_hooks()
