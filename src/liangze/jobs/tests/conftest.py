import signal

import pytest


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
