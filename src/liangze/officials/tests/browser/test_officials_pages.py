"""Browser test of the officials pages: a county office clerk adds an official, assigns a whole
village to one official and hands that official's businesses over; the successor sees *my
businesses* on a 360 px phone. Screenshots land in var/screenshots/."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.browser import log_in
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.officials.models import Assignment
from liangze.officials.testing import make_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def watch(page, problems: list) -> None:
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"{r.status} {r.url}")
        ),
    )


def no_sideways_scroll(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_clerk_assigns_a_village_and_hands_over_and_the_official_sees_them(
    county_staff, regions, live_server, browser
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    leaving = make_official(actor=county_staff, division=regions.village, serial=1)
    successor = make_official(actor=county_staff, division=regions.village, serial=2)
    successor.user.set_password(TEST_PASSWORD)
    successor.user.must_change_password = False
    successor.user.save()
    shops = [
        make_business(
            actor=county_staff,
            division=regions.village,
            serial=n,
            grade="D",
            name=f"中村小卖部{n}",
            contact_name="马师傅",
            contact_phone=f"1389701234{n}",
            latitude="36.4163",
            longitude="94.9033",
        )
        for n in range(1, 4)
    ]
    make_business(actor=county_staff, division=regions.village, serial=9, grade="C")

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    watch(page, problems)
    log_in(page, live_server, county_staff.username)

    # Add an official: the one-time password is shown once, grouped for reading out.
    page.goto(f"{live_server.url}/officials/")
    page.get_by_test_id("add-official").click()
    page.fill("input[name=display_name]", "韩青")
    page.fill("input[name=phone]", "139 0000 0099")
    page.select_option("select[name=division]", str(regions.other_village.pk))
    page.click("[data-testid=official-form] button[type=submit]")
    password = page.get_by_test_id("one-time-password").inner_text()
    assert re.fullmatch(r"[^\s01lIO]{4}( [^\s01lIO]{1,4})+", password), password
    page.screenshot(path=SHOTS / "officials-password-sheet.png", full_page=True)

    # The whole village to one official, in one action.
    page.goto(f"{live_server.url}/officials/{leaving.pk}/")
    page.select_option("select[name=assign-division]", str(regions.village.pk))
    page.click("[data-testid=assign-form] button[type=submit]")
    page.wait_for_selector(".message-success")
    assert page.get_by_test_id("covered-row").count() == 3
    page.screenshot(path=SHOTS / "officials-assigned.png", full_page=True)

    # Hand them all over to the successor.
    page.select_option("select[name=handover-successor]", str(successor.pk))
    page.click("[data-testid=hand-over-form] button[type=submit]")
    page.wait_for_selector(".message-success")
    assert page.get_by_test_id("covered-row").count() == 0
    assert page.get_by_test_id("earlier").locator("tbody tr").count() == 3
    assert Assignment.objects.filter(official=successor, ends_on__isnull=True).count() == 3

    # The grade C business is still uncovered, and listed as such.
    page.goto(f"{live_server.url}/officials/uncovered/")
    assert page.get_by_test_id("uncovered-row").count() == 1
    assert not problems, problems
    context.close()

    # The successor, on a phone, opens on their businesses.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, successor.user.username)
    cards = page.get_by_test_id("my-business")
    assert cards.count() == 3
    first = cards.first
    assert first.get_by_test_id("call").get_attribute("href").startswith("tel:+86138970123")
    assert first.get_by_test_id("map").get_attribute("href").startswith("geo:36.416300,94.903300")
    content = page.content()
    assert all(shop.name in content for shop in shops)
    page.screenshot(path=SHOTS / "officials-my-businesses-phone.png", full_page=True)
    assert no_sideways_scroll(page) <= 0
    page.goto(f"{live_server.url}/businesses/{shops[0].pk}/")
    assert successor.user.display_name in page.get_by_test_id("covering-official").inner_text()
    assert no_sideways_scroll(page) <= 0
    assert not problems, problems
    context.close()
