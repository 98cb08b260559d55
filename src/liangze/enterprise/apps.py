from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "liangze.enterprise"
    verbose_name = "Enterprise duties"

    def ready(self) -> None:
        from liangze.enterprise import figures, registration

        registration.register()
        figures.register_measures()
