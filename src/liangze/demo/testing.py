"""The demo, loaded once for a test module (docs/architecture.md#tests).

Loading the demo takes tens of seconds; a module whose tests only read it (or change it and let
the change be rolled back) asks for `demo_loaded` instead of loading it in every test. The load
runs in a transaction opened for the module and rolled back after its last test; each test runs
inside it in a savepoint of its own, as usual. A module that uses it must hold no test that
needs an empty database after its first user (the transaction stays open to the module's end).
`make test` hands each file to one worker (`--dist loadfile`), so a module loads the demo once.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from liangze.demo.services import DemoSummary, demo_load


@pytest.fixture(scope="module")
def demo_loaded_for_module(django_db_setup, django_db_blocker, tmp_path_factory):
    files = tmp_path_factory.mktemp("demo-files")
    storages = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": files, "base_url": None},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with storages:
            summary = demo_load()
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_loaded(demo_loaded_for_module, db) -> DemoSummary:
    """The demo's load summary; the demo's rows are there for the test."""
    return demo_loaded_for_module
