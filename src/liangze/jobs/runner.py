"""Running a job inside its task: the one place that decides how a job ends."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from liangze.core.errors import DomainError
from liangze.jobs import services
from liangze.jobs.heartbeat import Heartbeat
from liangze.jobs.models import Job

logger = logging.getLogger(__name__)

# report(done, total, message): how far the work is; total 0 while unknown.
Report = Callable[[int, int, str], None]


class JobRejected(Exception):
    """The work refuses its input: the job fails with this code, message and result."""

    def __init__(self, *, code: str, message: str, result: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.result = result or {}


def job_run(job_id: int, work: Callable[[Job, Report], dict]) -> dict | None:
    """Run `work(job, report)` for a queued job and leave the job succeeded or failed.

    While the work runs, a heartbeat thread shows the job alive (jobs/heartbeat.py); a job whose
    worker is killed outright is failed later by services.job_fail_stale. Otherwise the job is
    never left running: JobRejected and domain errors fail it with their code and
    message; any other exception (even the worker's forced shutdown) fails it with a general
    message and is raised again, so the task result keeps the traceback. Messages are written in
    the starter's language. Returns the job's result, or None when the job was not queued (a task
    delivered twice) or failed.
    """
    job = services.job_start(job_id=job_id)
    if job is None:
        logger.warning("job %s is not queued; not running it again", job_id)
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE), Heartbeat(job_id):

        def report(done: int, total: int, message: str = "") -> None:
            services.job_progress_update(job_id=job_id, done=done, total=total, message=message)

        try:
            result = work(job, report)
            services.job_finish(job_id=job_id, result=result)
        except JobRejected as exc:
            _fail(job_id, exc.code, exc.message, exc.result)
            return None
        except DomainError as exc:
            _fail(job_id, exc.code, exc.message, {"fields": exc.fields} if exc.fields else None)
            return None
        except Exception:
            logger.exception("job %s stopped with an unexpected error", job_id)
            _fail(
                job_id,
                "job_crashed",
                _(
                    "The job stopped because of an unexpected error, which has been logged. "
                    "Try again later or ask a platform administrator."
                ),
            )
            raise
        except BaseException:
            _fail(
                job_id,
                "job_interrupted",
                _("The job was interrupted because the worker stopped. Start it again."),
            )
            raise
    return result


def _fail(job_id: int, code: str, message: str, result: dict | None = None) -> None:
    """Mark the job failed; once more on a fresh connection if the first try fails (the error
    that ended the job may have broken the connection)."""
    try:
        services.job_fail(job_id=job_id, code=code, message=message, result=result)
        return
    except Exception:
        if connection.in_atomic_block:
            logger.exception("could not mark job %s failed", job_id)
            return
        connection.close()
    try:
        services.job_fail(job_id=job_id, code=code, message=message, result=result)
    except Exception:
        logger.exception("could not mark job %s failed", job_id)
