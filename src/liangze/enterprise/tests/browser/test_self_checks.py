"""Browser test of the enterprise duties at 360 px: an officer completes the day's check in one
tap, the director files the weekly review and the monthly minutes signed on screen, and the
responsible official and the regulator see the records and the gaps. Screenshots land in
var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from liangze.accounts.models import Role
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.enterprise.models import DailyCheck, MonthlyMeeting, WeeklyReview
from liangze.enterprise.testing import make_staff
from liangze.officials.services import assignment_create
from liangze.officials.testing import make_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}


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


def log_in(page, live_server, username, *, lands_on: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{lands_on}")


def draw(page, selector: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=3)
    page.mouse.up()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_officer_checks_director_files_official_sees(
    browser, live_server, county_staff, regions, shop, regulator
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    officer = make_staff(business=shop, username="shop_officer")
    director = make_staff(business=shop, username="shop_director", role=Role.BUSINESS_DIRECTOR)
    official = make_official(actor=county_staff, division=regions.village, serial=8)
    official.user.set_password(TEST_PASSWORD)
    official.user.must_change_password = False
    official.user.save()
    assignment_create(actor=county_staff, official=official, business=shop)

    # The officer: the home is the day's work; "all pass" is one tap.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, officer.username, lands_on="/duties/")
    assert fits_the_phone(page)
    page.screenshot(path=SHOTS / "enterprise-officer-home-360.png", full_page=True)
    page.click("[data-testid=all-pass]")
    page.wait_for_selector("[data-testid=today-done]")
    page.screenshot(path=SHOTS / "enterprise-officer-done-360.png", full_page=True)
    context.close()
    check = DailyCheck.objects.get()
    assert (check.author, check.failures, check.late) == (officer, 0, False)

    # The director: the weekly review, then the monthly minutes signed on screen.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, director.username, lands_on="/duties/")
    page.click("[data-testid=week-start]")
    page.check("input[name=rating][value='2']")
    page.fill("textarea[name=problems]", "冷藏柜温度偏高")
    page.fill("textarea[name=rectification]", "张三，3日内，已调整")
    page.screenshot(path=SHOTS / "enterprise-weekly-360.png", full_page=True)
    page.click("[data-testid=submit-week]")
    page.wait_for_selector("[data-testid=week-done]")
    page.click("[data-testid=month-start]")
    assert fits_the_phone(page)
    page.fill("input[name=place]", "会议室")
    page.fill("input[name=chair]", "李总")
    page.fill("input[name=attendees]", "李总、王总监、张安全员")
    page.fill("textarea[name=summary]", "本月日管控正常，发现问题1个已整改")
    draw(page, "[data-testid=signature-pad]")
    page.screenshot(path=SHOTS / "enterprise-monthly-360.png", full_page=True)
    page.click("[data-testid=submit-month]")
    page.wait_for_selector("[data-testid=month-done]")
    page.screenshot(path=SHOTS / "enterprise-director-done-360.png", full_page=True)
    context.close()
    assert WeeklyReview.objects.get().rating == 2
    assert MonthlyMeeting.objects.get().signature.kind == "signature"

    # The official and the regulator see the records and the gaps.
    for user, lands_on in ((official.user, "/"), (regulator, "/")):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        watch(page, problems)
        log_in(page, live_server, user.username, lands_on=lands_on)
        page.goto(f"{live_server.url}/duties/{shop.pk}/")
        assert page.locator("[data-testid=record-check]").count() == 1
        assert page.locator("[data-testid=record-review]").count() == 1
        assert page.locator("[data-testid=record-meeting]").count() == 1
        assert page.locator("img.signature-image").count() == 1
        page.screenshot(path=SHOTS / f"enterprise-{user.username}-records-360.png", full_page=True)
        page.goto(f"{live_server.url}/duties/gaps/")
        # Last week's review and last month's minutes are missing: the shop is a gap.
        assert page.locator("[data-testid=gap]", has_text=shop.name).count() == 1
        page.screenshot(path=SHOTS / f"enterprise-{user.username}-gaps-360.png", full_page=True)
        context.close()
    assert not problems, problems
