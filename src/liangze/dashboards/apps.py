from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "liangze.dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from liangze.core.navigation import NavItem, nav_item_register
        from liangze.dashboards.access import can_read_figures

        nav_item_register(
            NavItem(
                key="dashboard",
                order=3,
                url_name="dashboards:region",
                label=_("Figures"),
                visible=can_read_figures,
            )
        )
