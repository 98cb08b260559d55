import signal

import pytest

from liangze.jobs.kinds import JobKind, job_kind_register, job_kind_unregister

OPEN_KIND = "test_open"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Uploaded files and the progress board go to a temporary folder, not var/files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    return tmp_path / "files"


@pytest.fixture
def restore_signals():
    """The worker and the scheduler install their own SIGINT/SIGTERM handlers."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.fixture
def open_kind():
    """A job kind anyone may start, registered for the test only."""
    kind = job_kind_register(
        JobKind(
            code=OPEN_KIND,
            label="Open test job",
            task="liangze.jobs.tests.helpers.open_job_run",
            may_start=lambda viewer: True,
        )
    )
    yield kind
    job_kind_unregister(OPEN_KIND)
