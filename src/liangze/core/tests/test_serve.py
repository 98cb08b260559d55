"""`manage.py serve` end to end on a site of its own, on the loopback interface: kill -9 of the
task worker leaves the site answering and a new worker is started."""

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from liangze.core.testing.site import free_port

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs its own SQLite site; once per suite is enough"
)


def children(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is `pid` (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found[int(entry.name)] = cmdline
    return found


def worker_of(serve_pid: int) -> int | None:
    workers = [pid for pid, cmd in children(serve_pid).items() if " db_worker " in f"{cmd} "]
    return workers[0] if len(workers) == 1 else None


def health(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
            return response.status
    except OSError:
        return None


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_starts_a_killed_worker_again_and_keeps_answering(site, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = site.start(
            "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", stdout=out, stderr=out
        )
    try:
        wait_for(lambda: health(port) == 200, timeout=120, what="the site")
        first = wait_for(lambda: worker_of(serve.pid), timeout=60, what="the worker")
        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: (pid := worker_of(serve.pid)) not in (None, first) and pid,
            timeout=60,
            what="a new worker",
        )
        assert second != first
        assert serve.poll() is None
        assert health(port) == 200
        started = children(serve.pid)
    finally:
        serve.send_signal(signal.SIGTERM)
        code = serve.wait(timeout=60)
    assert code == 0
    said = log.read_text()
    assert f"worker exited with {-signal.SIGKILL}; starting it again in 1 s" in said
    assert second in started
    assert [pid for pid in started if Path(f"/proc/{pid}").exists()] == []  # all stopped
