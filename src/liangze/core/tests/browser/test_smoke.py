"""Browser smoke test: two personas log in, switch language, and the pages are captured at phone
and desktop width. Screenshots land in var/screenshots/ for people to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from liangze.core.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("persona", ["county_staff", "village_official"])
def test_persona_logs_in_and_switches_language(persona, request, live_server, browser):
    user = request.getfixturevalue(persona)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, user.username)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.get_by_test_id("roles").is_visible()
        page.screenshot(path=SHOTS / f"home-{persona}-{name}-zh.png", full_page=True)

        switch_language(page)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        page.screenshot(path=SHOTS / f"home-{persona}-{name}-en.png", full_page=True)

        page.goto(f"{live_server.url}/regions/")
        assert page.locator("html").get_attribute("lang") == "en", (
            "the language choice is remembered"
        )
        switch_language(page)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        context.close()


def switch_language(page) -> None:
    """On a phone the language switch sits in the menu, folded behind one button."""
    switch = page.get_by_test_id("language-switch")
    if not switch.is_visible():
        page.get_by_test_id("menu-toggle").click()
    switch.click()
