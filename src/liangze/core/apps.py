from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "liangze.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from liangze.core.navigation import NavItem, nav_item_register

        nav_item_register(NavItem(key="home", order=0, url_name="home", label=_("Home")))
