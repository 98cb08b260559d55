"""The one place where the documents register with the machinery below them: the job kind
that generates documents (its task and its page), the daily expiry reminders (the scheduler) and
the menu entry. Called from OfficialsConfig.ready(); jobs and core import no domain app."""

from datetime import time

DUTY_DOCUMENTS_GENERATE = "duty_documents_generate"


def register() -> None:
    from liangze.core.context_processors import register_nav_extension
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.jobs.services import JOB_TASKS
    from liangze.jobs.views import JOB_PAGE_CONTEXT
    from liangze.officials.documents.tasks import duty_document_reminders_run

    JOB_TASKS[DUTY_DOCUMENTS_GENERATE] = (
        "liangze.officials.documents.tasks.duty_documents_generate_run"
    )
    JOB_PAGE_CONTEXT[DUTY_DOCUMENTS_GENERATE] = "liangze.officials.documents.views.job_page_context"
    register_nav_extension(navigation_entries)
    periodic_job_register(
        PeriodicJob(
            name="duty_document_reminders", task=duty_document_reminders_run, daily_at=time(7, 0)
        )
    )


def navigation_entries(user, items: list) -> list:
    """Officials reach their documents, readers of a region its board, after "Officials"."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from liangze.officials.access import reads_own_only
    from liangze.officials.selectors import official_of

    keys = [key for key, _url, _label in items]
    if not reads_own_only(user):
        at = keys.index("officials") + 1 if "officials" in keys else len(items)
        items.insert(at, ("documents", reverse("documents:board"), _("Documents")))
    elif official_of(user) is not None:
        at = keys.index("mine") + 1 if "mine" in keys else len(items)
        items.insert(at, ("documents", reverse("documents:mine"), _("My documents")))
    return items
