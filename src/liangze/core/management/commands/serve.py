"""Run the web server, the task worker and the scheduler together; Ctrl-C (or SIGTERM) stops
them all. A dead worker or scheduler is started again (core/supervisor.py)."""

import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from liangze.core.supervisor import Supervisor


class Command(BaseCommand):
    help = "Serve Liangze on --bind with gunicorn, beside the background task worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LIANGZE_WEB_WORKERS", "3"))
        )

    def handle(self, *args, bind: str, workers: int, **options):
        src_dir = str(settings.SRC_DIR.parent)
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "liangze.wsgi",
                "--pythonpath",
                src_dir,
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            "worker": [
                sys.executable,
                manage,
                "db_worker",
                "--no-reload",
                "--queue-name",
                "default",
            ],
        }
        if "scheduler" in self._available_commands():
            commands["scheduler"] = [sys.executable, manage, "scheduler"]
        # The worker and the scheduler come back after a death; the web server is the site.
        supervisor = Supervisor(
            commands, restartable=frozenset({"worker", "scheduler"}), say=self.stderr.write
        )
        supervisor.start()
        self.stdout.write(f"Liangze is running on http://{bind}/ (Ctrl-C stops it)")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                code = supervisor.step()
                if code is not None:
                    exit_code = code
                    break
                time.sleep(0.5)
        finally:
            supervisor.stop()
        if exit_code:
            sys.exit(exit_code)

    @staticmethod
    def _available_commands() -> set[str]:
        from django.core.management import get_commands

        return set(get_commands())
