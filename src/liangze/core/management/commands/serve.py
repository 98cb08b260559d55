"""Run the web server and the task worker together; Ctrl-C (or SIGTERM) stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


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
        children = {name: subprocess.Popen(argv) for name, argv in commands.items()}  # noqa: S603
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
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with {child.returncode}; stopping")
                        exit_code = child.returncode or 1
                        stopping = True
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    child.kill()
        if exit_code:
            sys.exit(exit_code)

    @staticmethod
    def _available_commands() -> set[str]:
        from django.core.management import get_commands

        return set(get_commands())
