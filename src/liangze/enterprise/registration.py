"""The one place where the enterprise app registers with the machinery below it: the menu, the
registry's public page (the last self-check) and the scheduler's reminders. Called from
EnterpriseConfig.ready(); core, jobs and businesses import no workflow app."""

from datetime import time


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.enterprise.access import staff_business_ids

    nav_item_register(
        NavItem(
            key="my_business",
            order=4,
            url_name="enterprise:home",
            label=_("Our food safety"),
            visible=lambda user: bool(staff_business_ids(user)),
        )
    )
