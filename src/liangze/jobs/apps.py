from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "liangze.jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from liangze.core.navigation import NavItem, nav_item_register
        from liangze.jobs import kinds  # noqa: F401  (its system check)

        nav_item_register(NavItem(key="jobs", order=50, url_name="jobs:list", label=_("My jobs")))
