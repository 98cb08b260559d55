"""What the closed loop hangs on the machinery and the registry below it: the business hook
(a closing business closes its problems), the daily reminders and the menu entries. Called from
RectificationConfig.ready()."""

from datetime import time


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.businesses.hooks import register_business_hook
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.officials.access import reads_province_rules
    from liangze.rectification.access import is_business_staff, is_regulator
    from liangze.rectification.reminders import problem_reminders_run
    from liangze.rectification.services import problems_close_with_business

    register_business_hook(problems_close_with_business)
    nav_item_register(
        NavItem(
            key="problems_queue",
            order=7,
            url_name="rectification:queue",
            label=_("Problems to handle"),
            visible=is_regulator,
        )
    )
    nav_item_register(
        NavItem(
            key="problems_business",
            order=8,
            url_name="rectification:mine",
            label=_("Our problems"),
            visible=is_business_staff,
        )
    )
    nav_item_register(
        NavItem(
            key="problems",
            order=30,
            url_name="rectification:list",
            label=_("Problems"),
            visible=lambda user: not is_business_staff(user),
        )
    )
    nav_item_register(
        NavItem(
            key="loop_rules",
            order=61,
            url_name="rectification:rules",
            label=_("Deadlines and reminders"),
            visible=reads_province_rules,
        )
    )
    periodic_job_register(
        PeriodicJob(name="problem_reminders", task=problem_reminders_run, daily_at=time(7, 30))
    )
