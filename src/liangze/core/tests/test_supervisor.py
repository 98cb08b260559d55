"""`manage.py serve`'s supervisor (core/supervisor.py), on small stand-in processes."""

import os
import signal
import sys
import time

import pytest

from liangze.core.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def exits_with(code: int) -> list[str]:
    return [sys.executable, "-c", f"raise SystemExit({code})"]


def wait_for(condition, *, timeout: float = 10.0, step=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if step is not None:
            assert step() is None, "serve would have stopped"
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.fixture
def supervisors():
    made = []
    yield made
    for supervisor in made:
        supervisor.stop(grace=2)


def test_a_killed_worker_is_started_again_and_the_web_server_is_left_alone(supervisors):
    said = []
    supervisor = Supervisor(
        {"web": SLEEPER, "worker": SLEEPER},
        restartable=frozenset({"worker"}),
        say=said.append,
        first_delay=0.05,
    )
    supervisors.append(supervisor)
    supervisor.start()
    web, worker = supervisor.pid("web"), supervisor.pid("worker")
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: supervisor.pid("worker") not in (None, worker), step=supervisor.step)
    assert supervisor.pid("web") == web
    assert said[0] == f"worker exited with {-signal.SIGKILL}; starting it again in 0.05 s"


def test_the_back_off_doubles_for_quick_deaths_up_to_a_cap_and_starts_over(supervisors):
    now = [0.0]
    said = []
    supervisor = Supervisor(
        {"worker": exits_with(3)},
        restartable=frozenset({"worker"}),
        say=said.append,
        first_delay=1,
        max_delay=5,
        healthy_after=60,
        clock=lambda: now[0],
    )
    supervisors.append(supervisor)
    supervisor.start()
    delays = []
    for _ in range(5):
        supervisor.children["worker"].process.wait(timeout=10)
        assert supervisor.step() is None
        restart_at = supervisor.children["worker"].restart_at
        delays.append(restart_at - now[0])
        now[0] = restart_at
        supervisor.step()  # starts it again
    assert delays == [1, 2, 4, 5, 5]
    # A process that stayed up for a minute earns the first delay again.
    now[0] += 60
    supervisor.children["worker"].process.wait(timeout=10)
    supervisor.step()
    assert supervisor.children["worker"].restart_at - now[0] == 1
    assert supervisor.children["worker"].restarts == 5


def test_the_web_server_exiting_stops_serve_with_its_code(supervisors):
    supervisor = Supervisor(
        {"web": exits_with(4), "worker": SLEEPER},
        restartable=frozenset({"worker"}),
        say=lambda message: None,
    )
    supervisors.append(supervisor)
    supervisor.start()
    supervisor.children["web"].process.wait(timeout=10)
    assert supervisor.step() == 4
    worker = supervisor.children["worker"].process
    supervisor.stop(grace=5)
    assert worker.poll() is not None
