from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "liangze.enterprise"
    verbose_name = "Enterprise duties"

    def ready(self) -> None:
        from liangze.enterprise import registration

        registration.register()
