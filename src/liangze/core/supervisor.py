"""Keeping `manage.py serve`'s processes up.

The web server is the site: when it exits, everything stops and `serve` exits with its code. The
task worker and the scheduler only serve it: when one dies (killed, out of memory, a crash), it is
started again after a back-off that doubles with each quick death (1 s, 2 s, 4 s … at most 60 s)
and starts over once the process has stayed up for a minute. A job the dead worker was running
is failed later by the stale sweep (jobs/heartbeat.py). See
docs/architecture.md#jobs-and-the-scheduler.
"""

import logging
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger("liangze.serve")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
HEALTHY_AFTER = 60.0


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    restart: bool
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = field(default=0)


class Supervisor:
    """Start `commands` and keep the restartable ones running; `step()` once per tick."""

    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        restartable: frozenset[str],
        say: Callable[[str], None] = logger.warning,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        healthy_after: float = HEALTHY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.children = {
            name: Child(name=name, argv=list(argv), restart=name in restartable)
            for name, argv in commands.items()
        }
        self.say = say
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.clock = clock

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv)  # noqa: S603  (our own interpreter and manage.py)
        child.started_at = self.clock()
        child.restart_at = None

    def pid(self, name: str) -> int | None:
        process = self.children[name].process
        return process.pid if process is not None and process.poll() is None else None

    def step(self) -> int | None:
        """Look at every child once. Returns an exit code when `serve` must stop (a process
        that is not restarted has exited), else None."""
        now = self.clock()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self.say(f"starting {child.name} again")
                    self._spawn(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart:
                self.say(f"{child.name} exited with {code}; stopping")
                return code or 1
            if now - child.started_at >= self.healthy_after:
                child.quick_deaths = 0
            delay = min(self.first_delay * 2**child.quick_deaths, self.max_delay)
            child.quick_deaths += 1
            child.restart_at = now + delay
            self.say(f"{child.name} exited with {code}; starting it again in {delay:g} s")
        return None

    def stop(self, *, grace: float = 15.0) -> None:
        """SIGTERM to every running child, SIGKILL to those still up after `grace` seconds."""
        running = [
            child.process
            for child in self.children.values()
            if child.process is not None and child.process.poll() is None
        ]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
