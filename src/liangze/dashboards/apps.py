from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "liangze.dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from liangze.dashboards import registration

        registration.register()
