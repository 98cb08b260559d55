import os

import pytest

# Sync Playwright drives the browser while the ORM runs in the same thread (live_server tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "liangze.core.testing.fixtures",
    "liangze.core.testing.site",
    "liangze.demo.testing",
]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests do not run collectstatic; serve static files from the finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never to var/files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty in-process caches (the public pages kept by the server)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _live_server_takes_turns(request):
    """Browser tests: the live server and the test's task worker take turns on the database
    (see liangze.core.testing.browser.DATABASE_TURN)."""
    if "browser" not in request.keywords:
        yield
        return
    from liangze.core.testing.browser import live_server_takes_turns

    with live_server_takes_turns():
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("LIANGZE_CHROMIUM", "/usr/bin/chromium"),
        "args": ["--disable-gpu", "--disable-quic"],
    }


def pytest_collection_modifyitems(config, items):
    """`postgres` tests skip on SQLite with a reason; in the PostgreSQL leg of CI they must run."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgres:
        return
    if os.environ.get("LIANGZE_REQUIRE_POSTGRES"):
        raise pytest.UsageError(
            "LIANGZE_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL"
        )
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (set DATABASE_URL); CI runs it in its PostgreSQL leg"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
