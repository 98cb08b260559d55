"""The one place where the enterprise app registers with the machinery below it: the menu, the
registry's public page (the last self-check) and the scheduler's reminders. Called from
EnterpriseConfig.ready(); core, jobs and businesses import no workflow app."""

from datetime import time


def _reads_regions(user) -> bool:
    from liangze.accounts.models import REGION_ROLES, Role

    return user.has_role(*REGION_ROLES, Role.ADMIN)


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.businesses.hooks import register_self_check_provider
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.enterprise.access import staff_business_ids
    from liangze.enterprise.public import self_checks_for_public_page
    from liangze.enterprise.tasks import self_check_reminders_run
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register

    nav_item_register(
        NavItem(
            key="my_business",
            order=4,
            url_name="enterprise:home",
            label=_("Our food safety"),
            visible=lambda user: bool(staff_business_ids(user)),
        )
    )
    nav_item_register(
        NavItem(
            key="self_checks",
            order=27,
            url_name="enterprise:gaps",
            label=_("Self-checks"),
            visible=_reads_regions,
        )
    )
    register_self_check_provider(self_checks_for_public_page)
    # docs/domain.md §1.12: the officer at the end of the day, the director the next morning.
    periodic_job_register(
        PeriodicJob(
            name="self_check_reminders_evening",
            task=self_check_reminders_run,
            daily_at=time(20, 0),
        )
    )
    periodic_job_register(
        PeriodicJob(
            name="self_check_reminders_morning",
            task=self_check_reminders_run,
            daily_at=time(8, 0),
        )
    )
