"""Enqueue the periodic jobs of jobs/schedule.py, once per slot, beside the task worker."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from liangze.jobs.schedule import schedule_tick

logger = logging.getLogger("liangze.jobs.scheduler")


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs once per slot. Safe to run twice or to restart: a slot is "
        "enqueued by whichever scheduler claims it first. SIGTERM or Ctrl-C stops it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once, then exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between ticks (default 30)."
        )

    def handle(self, *args, once: bool, interval: float, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not stop.is_set():
                self.tick()
                if once:
                    break
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def tick(self) -> None:
        # A failed tick (the database away for a moment) must not end the scheduler: `make run`
        # stops everything when one of its processes exits. The next tick tries again.
        if not connection.in_atomic_block:  # never between ticks, but a test runs in one
            close_old_connections()
        try:
            for name in schedule_tick():
                self.stdout.write(f"enqueued {name}")
        except Exception:
            logger.exception("scheduler tick failed; trying again at the next one")
