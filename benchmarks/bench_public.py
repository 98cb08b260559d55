"""The public page a QR code opens, under a bounded loopback load: gunicorn serving the
generated registry on 127.0.0.1, an open-loop load (benchmarks/loadgen.py) of BENCH_PUBLIC_RPS
requests a second (200) for BENCH_PUBLIC_SECONDS (60; 10 for a quick run) over
BENCH_PUBLIC_TOKENS shops' pages, every one reaching Django (no proxy in front). Each worker process keeps each page it renders for a minute
(public_views), so in a minute every worker renders each of the shops' pages once and answers
the rest from its copy after one indexed read of the token: with 1,000 shops, 2 workers and
12,000 requests, about one request in six renders.

Beside it, in the same run and the same way: the bare Django JSON view. Target: p95 under
30 ms, no failures.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from benchmarks import loadgen
from benchmarks.harness import Sample

ROOT = Path(__file__).resolve().parent.parent
RPS = int(os.environ.get("BENCH_PUBLIC_RPS", "200"))
SECONDS = int(os.environ.get("BENCH_PUBLIC_SECONDS", "60"))
TOKENS = int(os.environ.get("BENCH_PUBLIC_TOKENS", "1000"))
# A post that goes viral sends the crowd to one shop, or a few: the same load on this many pages.
HOT = int(os.environ.get("BENCH_PUBLIC_HOT", "10"))
WORKERS = int(os.environ.get("BENCH_PUBLIC_WORKERS", "2"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer at {url}")


def _sample(name: str, load: loadgen.Load, note: str) -> Sample:
    sample = Sample(name=name)
    sample.seconds = list(load.seconds)
    failed = len(load.failures)
    first = f" (first: {load.failures[0]})" if load.failures else ""
    sample.note = (
        f"{load.sent:,} requests, {failed} failed{first}, {load.sent / load.elapsed:.0f}/s; {note}"
    )
    return sample


def _load(port: int, paths: list[str]) -> loadgen.Load:
    return loadgen.run(
        host="127.0.0.1",
        port=port,
        paths=paths,
        rate=RPS,
        seconds=SECONDS,
        headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )


@contextmanager
def _served(env: dict):
    """gunicorn serving the project on a free port of 127.0.0.1 until the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "liangze.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/healthz")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(*, workdir: Path) -> list[Sample]:
    from django.db import connection

    from liangze.businesses.models import Business, BusinessStatus

    tokens = list(
        Business.objects.exclude(status=BusinessStatus.CLOSED)
        .order_by("?")
        .values_list("public_token", flat=True)[:TOKENS]
    )
    connection.close()
    env = {
        **os.environ,
        "LIANGZE_VAR_DIR": str(workdir),
        "LIANGZE_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    load = f"{RPS} requests/s for {SECONDS} s, {WORKERS} gunicorn workers started for each run"
    # Each run on a server of its own, so none is served by workers another run warmed.
    with _served(env) as port:
        baseline = _load(port, ["/bench/baseline?page=1"])
    with _served(env) as port:
        public = _load(port, [f"/p/{token}" for token in tokens])
    with _served(env) as port:
        hot = _load(port, [f"/p/{token}" for token in tokens[:HOT]])
    return [
        _sample("baseline: bare Django JSON view", baseline, load),
        _sample(
            f"public page /p/<token> over {len(tokens):,} shops",
            public,
            f"{load}; target p95 under 30 ms, no failures",
        ),
        _sample(
            f"public page /p/<token> over {min(HOT, len(tokens)):,} shops (a crowd sent to a few)",
            hot,
            f"{load}; target p95 under 30 ms, no failures",
        ),
    ]
