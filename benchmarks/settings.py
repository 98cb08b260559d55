"""The project's settings with the benchmarks' URLs (the bare baseline view), for the server
bench_public starts."""

from liangze.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
