"""A real site for tests that run the app's own processes (the worker, the scheduler, `serve`).

pytest-django's SQLite database lives in memory, where no second process can reach it. A site is
a temporary var/ folder (LIANGZE_VAR_DIR) with its own SQLite file and files folder, migrated once
per test session and copied for each test. Processes are started from this interpreter with
manage.py; nothing listens beyond the loopback interface.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


@dataclass
class Site:
    var: Path
    env: dict

    @property
    def database(self) -> Path:
        return self.var / "liangze.sqlite3"

    @property
    def files(self) -> Path:
        return self.var / "files"

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, str(MANAGE), *args]

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a management command to its end; raises with its output when it fails."""
        done = subprocess.run(  # noqa: S603
            self.argv(*args),
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str, *, timeout: float = 120) -> str:
        """Run `code` in `manage.py shell` against the site; returns what it printed."""
        return self.manage("shell", "-v0", "-c", code, timeout=timeout).stdout.strip()

    def start(self, *args: str, **popen) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            self.argv(*args), env=self.env, stdin=subprocess.DEVNULL, **popen
        )

    def query(self, sql: str, params=()) -> list[tuple]:
        with closing(sqlite3.connect(self.database, timeout=30)) as db:
            return db.execute(sql, params).fetchall()


def site_env(var: Path, **extra: str) -> dict:
    env = {**os.environ, "LIANGZE_VAR_DIR": str(var), "LIANGZE_LOG_LEVEL": "WARNING", **extra}
    env.pop("DATABASE_URL", None)
    return env


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def migrated_site_template(tmp_path_factory) -> Path:
    var = tmp_path_factory.mktemp("site-template") / "var"
    Site(var=var, env=site_env(var)).manage("migrate", "--noinput", "-v0", timeout=300)
    return var


@pytest.fixture
def site(migrated_site_template, tmp_path) -> Site:
    """A migrated site of its own; a job counts as dead after 2 s without a heartbeat."""
    var = tmp_path / "var"
    shutil.copytree(migrated_site_template, var)
    return Site(var=var, env=site_env(var, LIANGZE_JOB_STALE_SECONDS="2"))
