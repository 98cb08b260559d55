from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    name = "liangze.businesses"
    verbose_name = "Businesses"

    def ready(self) -> None:
        from liangze.core.navigation import NavItem, nav_item_register

        nav_item_register(
            NavItem(
                key="businesses",
                order=20,
                url_name="businesses:list",
                label=_("Businesses"),
                visible=_reaches_businesses,
            )
        )


def _reaches_businesses(user) -> bool:
    reach = user.jurisdiction()
    return bool(reach.everything or reach.paths or reach.business_ids)  # staff: their own
