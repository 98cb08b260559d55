"""Timing helpers and the machine description BENCHMARKS.md carries."""

import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Sample:
    name: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    note: str = ""
    # The baseline timed alternately with this sample, request for request, when there is one:
    # its ratio is taken to that (the load of a shared machine changes within a run).
    baseline: "Sample | None" = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(name: str, work: Callable[[], object], *, repeat: int = 1, note: str = "") -> Sample:
    sample = Sample(name=name, note=note)
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        sample.seconds.append(time.perf_counter() - start)
    return sample


def get_timed(client, url: str, sample: Sample) -> None:
    """One GET by the test client, its time and query count added to `sample`; any answer
    but 200 stops the bench (a timed error page would measure nothing)."""
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        sample.seconds.append(time.perf_counter() - start)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    sample.queries.append(len(queries))


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(handle.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }


def load_average() -> str:
    try:
        return ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    except OSError:
        return "unknown"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
