"""The dashboards' registrations with the machinery below: the menu entry and the notice job
kind. Called from DashboardsConfig.ready()."""


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.accounts.access import is_office_or_admin
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.dashboards.access import can_read_figures
    from liangze.dashboards.services import NOTICE_GENERATE
    from liangze.jobs.kinds import JobKind, job_kind_register

    nav_item_register(
        NavItem(
            key="dashboard",
            order=3,
            url_name="dashboards:region",
            label=_("Figures"),
            visible=can_read_figures,
        )
    )
    job_kind_register(
        JobKind(
            code=NOTICE_GENERATE,
            label=_("Quarterly notice"),
            task="liangze.dashboards.tasks.notice_generate_run",
            may_start=is_office_or_admin,
            page_context="liangze.dashboards.views.job_page_context",
        )
    )
