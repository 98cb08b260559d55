"""Helpers of the browser tests (Playwright, marker `browser`)."""

import threading
from contextlib import contextmanager

from liangze.core.testing.fixtures import TEST_PASSWORD


def log_in(page, live_server, username: str, password: str = TEST_PASSWORD, *, wait=True):
    """Log in on the login page; `wait` until it led away from the login page to the person's
    home (business staff land on their day's work) (False: the caller checks where the login
    led, e.g. a refusal or the password change)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    if wait:
        page.wait_for_url(lambda url: "/accounts/" not in url)


# The test database is SQLite in memory, one cache shared by every connection of the process.
# There a statement that meets another connection's lock is refused at once ("database table is
# locked"); no busy timeout waits for it. The task worker (run in the test's thread) and the live
# server's requests therefore take turns on this lock; see `live_server_takes_turns`.
DATABASE_TURN = threading.RLock()  # re-entrant: a nested live_server_takes_turns cannot hang


@contextmanager
def live_server_takes_turns():
    """While the block runs, each request the live server hands to Django waits for the
    database's turn (static files too: their handler reaches Django's through the same call)."""
    from django.core.handlers.wsgi import WSGIHandler

    original = WSGIHandler.__call__

    def call(self, environ, start_response):
        with DATABASE_TURN:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = call
    try:
        yield
    finally:
        WSGIHandler.__call__ = original


def work_off_the_queue():
    """Run the task worker until the queue is empty, in the test's own thread, while the live
    server's requests wait for their turn (they poll the job's page meanwhile)."""
    from django.core.management import call_command

    with DATABASE_TURN:
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
