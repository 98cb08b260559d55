"""The one place where the documents register with the jobs machinery: the job kind that
generates documents (its task and its page) and the daily expiry reminders. Called from
OfficialsConfig.ready(); the jobs app imports no domain app."""

from datetime import time

DUTY_DOCUMENTS_GENERATE = "duty_documents_generate"


def register() -> None:
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.jobs.services import JOB_TASKS
    from liangze.jobs.views import JOB_PAGE_CONTEXT
    from liangze.officials.documents.tasks import duty_document_reminders_run

    JOB_TASKS[DUTY_DOCUMENTS_GENERATE] = (
        "liangze.officials.documents.tasks.duty_documents_generate_run"
    )
    JOB_PAGE_CONTEXT[DUTY_DOCUMENTS_GENERATE] = "liangze.officials.documents.views.job_page_context"
    periodic_job_register(
        PeriodicJob(
            name="duty_document_reminders", task=duty_document_reminders_run, daily_at=time(7, 0)
        )
    )
