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
