"""The progress board: how far each running job is, published outside the database.

Why not only the job row: the division import writes all rows or none in one transaction, and its
progress callback runs inside that transaction. An UPDATE of the job row there would show only at
commit, and on SQLite a second connection cannot write either, because the import holds the
database's one write lock until it commits. So the bar would jump from 0 to 100.

Instead each report also goes to a small JSON file per job in private storage
(`jobs/progress/<job id>.json`), replaced atomically, which the web process reads while the job
runs. When the storage has no local path (an object store), the board is off and progress shows
whatever the job row holds: reports made outside a transaction, and the final one.
"""

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # 0 while the size is unknown
    message: str = ""

    @property
    def percent(self) -> int:
        """Whole percent, rounded down, so 100 only when done."""
        if not self.total:
            return 0
        return min(self.done, self.total) * 100 // self.total


def _board_path(job_id: int) -> Path | None:
    try:
        return Path(default_storage.path(f"jobs/progress/{int(job_id)}.json"))
    except NotImplementedError:
        return None


def progress_publish(job_id: int, progress: Progress) -> None:
    """Replace the job's entry; readers see the old or the new one, never half of one."""
    path = _board_path(job_id)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {"done": progress.done, "total": progress.total, "message": progress.message}
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".progress-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def progress_read(job_id: int) -> Progress | None:
    """The last published progress, or None when there is none (or it cannot be read)."""
    path = _board_path(job_id)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Progress(
            done=int(data["done"]), total=int(data["total"]), message=str(data["message"])
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        logger.warning("unreadable progress entry for job %s", job_id)
        return None


def progress_discard(job_id: int) -> None:
    """Forget the finished job's entry and its heartbeat file."""
    path = _board_path(job_id)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".beat").unlink(missing_ok=True)
