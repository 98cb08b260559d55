"""The one place where the documents register with the machinery below them: the job kind
that generates documents (its task and its page), the daily expiry reminders (the scheduler) and
the menu entry. Called from OfficialsConfig.ready(); jobs and core import no domain app."""

from datetime import time

DUTY_DOCUMENTS_GENERATE = "duty_documents_generate"


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.accounts.access import is_office_or_admin
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.jobs.kinds import JobKind, job_kind_register
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.officials.access import reads_own_only
    from liangze.officials.documents.tasks import duty_document_reminders_run
    from liangze.officials.selectors import official_of

    job_kind_register(
        JobKind(
            code=DUTY_DOCUMENTS_GENERATE,
            label=_("Commitment letters and lists"),
            task="liangze.officials.documents.tasks.duty_documents_generate_run",
            may_start=is_office_or_admin,
            page_context="liangze.officials.documents.views.job_page_context",
        )
    )
    # Officials reach their documents, readers of a region its board, after "Officials".
    nav_item_register(
        NavItem(
            key="documents",
            order=26,
            url_name="documents:board",
            label=_("Documents"),
            visible=lambda user: not reads_own_only(user),
        )
    )
    nav_item_register(
        NavItem(
            key="my_documents",
            order=6,
            url_name="documents:mine",
            label=_("My documents"),
            visible=lambda user: reads_own_only(user) and official_of(user) is not None,
        )
    )
    periodic_job_register(
        PeriodicJob(
            name="duty_document_reminders", task=duty_document_reminders_run, daily_at=time(7, 0)
        )
    )
