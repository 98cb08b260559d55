"""Helpers of the browser tests (Playwright, marker `browser`)."""

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


def work_off_the_queue(attempts: int = 50):
    """Run the task worker until the queue is empty, in the test's own thread.

    The live server answers the page's polling at the same time; on SQLite the worker's
    `BEGIN EXCLUSIVE` is then refused at once ("database table is locked") rather than
    waiting, so the claim is tried again after a short pause. Any other error is raised."""
    import time

    from django.core.management import call_command
    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)
