"""A running job's heartbeat: how the stale sweep tells a job whose worker died from a slow one.

While a job runs, a thread of the worker beats every `beat_seconds()`: it touches a file beside
the job's progress entry and writes the time into the job row. Both, because neither is always
writable. During an all-or-nothing import on SQLite the import holds the database's one write
lock until it commits, so the row cannot change meanwhile (the thread tries without waiting and
gives up); the file needs storage with a local path, which an object store has not, and sites
with an object store run PostgreSQL, where the row is written at once. The progress reports
(runner.job_run's `report`) refresh the row too when they run outside a transaction.

`heartbeat_last` is the later of the two; `services.job_fail_stale` fails a running job whose
last beat is older than LIANGZE_JOB_STALE_SECONDS. A killed worker's transaction has already been
rolled back by the database, so failing the job is all that is left to do. See
docs/architecture.md#jobs-and-the-scheduler.
"""

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def beat_seconds() -> float:
    """A fifth of the stale time, at most 10 s: four beats may be missed before a sweep fails
    the job."""
    return min(max(settings.LIANGZE_JOB_STALE_SECONDS / 5, 0.2), 10.0)


def _beat_path(job_id: int) -> Path | None:
    try:
        return Path(default_storage.path(f"jobs/progress/{int(job_id)}.beat"))
    except NotImplementedError:
        return None


def heartbeat_board_beat(job_id: int) -> None:
    path = _beat_path(job_id)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def heartbeat_board_read(job_id: int) -> datetime | None:
    path = _beat_path(job_id)
    if path is None:
        return None
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None


def heartbeat_board_discard(job_id: int) -> None:
    path = _beat_path(job_id)
    if path is not None:
        path.unlink(missing_ok=True)


def heartbeat_row_beat(job_id: int) -> bool:
    """Write the time into the running job's row without waiting for a lock; False when the
    database is busy (the board still has the beat)."""
    from liangze.jobs.models import Job

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 0")
            elif connection.vendor == "postgresql":
                cursor.execute("SET lock_timeout = '200ms'")
        now = timezone.now()
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(heartbeat_at=now)
    except DatabaseError:
        logger.debug("job %s: the database is busy; the heartbeat file carries this beat", job_id)
        return False
    return True


def heartbeat_last(job) -> datetime | None:
    """The job's last sign of life: its row's beat (or start) or its file's, whichever is later."""
    row = job.heartbeat_at or job.started_at
    seen = [row] if row is not None else []
    board = heartbeat_board_read(job.pk)
    if board is not None:
        seen.append(board)
    return max(seen, default=None)


class Heartbeat:
    """`with Heartbeat(job_id):` beats from a thread of its own until the block ends."""

    def __init__(self, job_id: int, *, every: float | None = None):
        self.job_id = job_id
        self.every = beat_seconds() if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"job-{job_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        heartbeat_board_beat(self.job_id)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def _run(self) -> None:
        # An in-memory SQLite database (the tests') is one cache shared by the process's
        # connections: this thread's write would make the job's own writes fail at once rather
        # than wait, so only the file beats there.
        rows = not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        try:
            while not self._stop.wait(self.every):
                try:
                    heartbeat_board_beat(self.job_id)
                except OSError:
                    logger.warning("job %s: could not write its heartbeat file", self.job_id)
                if rows:
                    heartbeat_row_beat(self.job_id)
        finally:
            connections.close_all()  # this thread's own connections
