from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "liangze.jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from liangze.core.navigation import NavItem, nav_item_register
        from liangze.jobs.kinds import job_kinds_startable

        # Offered to those who start jobs; nobody else has one to follow.
        nav_item_register(
            NavItem(
                key="jobs",
                order=50,
                url_name="jobs:list",
                label=_("My jobs"),
                visible=lambda user: bool(job_kinds_startable(user)),
            )
        )
