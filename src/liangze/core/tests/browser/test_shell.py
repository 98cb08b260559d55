"""What a newcomer does on the first day, in Chromium at phone width: every demo role logs in and
switches language, a clerk issues an account whose holder must change the one-time password, a
token works against the API, and an administrator watches a division import job finish."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.core.testing.browser import log_in as shared_log_in
from liangze.core.testing.browser import work_off_the_queue
from liangze.demo.people import DEMO_PEOPLE
from liangze.demo.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}
NEW_PASSWORD = "Kunlun-Road-2026!"


@pytest.fixture
def demo(db):
    demo_load()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    yield context.new_page()
    context.close()


def log_in(page, live_server, username, password=None):
    """The shared login with the demo password, not waiting (the caller checks where it led)."""
    shared_log_in(
        page, live_server, username, password or settings.LIANGZE_DEMO_PASSWORD, wait=False
    )


def log_out(page):
    """Log out and wait for the login page: the script clears the offline caches before it
    sends the logout, so a navigation started at once would race with it."""
    page.click(".user-menu summary")
    page.click(".user-menu-body button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/login/"))


TOP_BAR_ITEMS = """[...document.querySelectorAll(
    '.topbar > .brand, .topbar > .notifications-link, .user-menu > summary, .site-menu > summary'
)].map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; })"""


def assert_top_bar_on_one_row(page, who):
    """The phone's top bar keeps each control on one line, side by side, none over another."""
    items = sorted(page.evaluate(TOP_BAR_ITEMS))
    assert len(items) == 4, who
    for left, right, height in items:
        assert height <= 48, f"{who}: a top bar control wraps onto two lines"
        assert left >= 0 and right <= PHONE["width"], f"{who}: a top bar control leaves the screen"
    for (_, right, _), (left, _, _) in zip(items, items[1:], strict=False):
        assert right <= left + 0.5, f"{who}: top bar controls overlap"


def test_every_demo_role_logs_in_at_phone_width_and_switches_language(demo, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for person in DEMO_PEOPLE:
        log_in(phone, live_server, person.username)
        phone.wait_for_url(lambda url: "/accounts/" not in url)
        # An official's home opens on their businesses under their post, business staff's on the
        # day's work; everyone else's on roles.
        home = (
            phone.get_by_test_id("roles")
            .or_(phone.get_by_test_id("my-post"))
            .or_(phone.get_by_test_id("today-check"))
            .or_(phone.get_by_test_id("no-risk-list"))
        )
        assert home.first.is_visible(), person.username
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
            f"{person.username}: page wider than the phone"
        )
        assert_top_bar_on_one_row(phone, person.username)
        phone.screenshot(path=SHOTS / f"home-{person.username}-phone.png", full_page=True)
        switch_language(phone)
        phone.wait_for_function("document.documentElement.lang === 'en'")
        assert_top_bar_on_one_row(phone, f"{person.username} (English)")
        switch_language(phone)
        phone.wait_for_function("document.documentElement.lang === 'zh-hans'")
        log_out(phone)
        phone.wait_for_url(re.compile(r".*/accounts/login/.*"))


def test_a_new_account_must_change_its_one_time_password(demo, live_server, phone):
    log_in(phone, live_server, "guolemude_office")
    phone.goto(f"{live_server.url}/accounts/new/")
    phone.fill("input[name=username]", "new_village_official")
    phone.fill("input[name=display_name]", "新村干部")
    phone.select_option("select[name=division]", index=2)
    phone.select_option("select[name=role]", "official")
    phone.click("form[method=post] button.primary")
    one_time = phone.get_by_test_id("one-time-password").inner_text().strip()
    phone.screenshot(path=SHOTS / "one-time-password-phone.png", full_page=True)
    log_out(phone)

    log_in(phone, live_server, "new_village_official", one_time)
    phone.wait_for_url(f"{live_server.url}/accounts/password/")
    assert phone.get_by_test_id("forced-change").is_visible()
    phone.goto(f"{live_server.url}/regions/")  # anything else leads back here
    phone.wait_for_url(f"{live_server.url}/accounts/password/")
    phone.fill("input[name=old_password]", one_time)
    phone.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.fill("input[name=new_password2]", NEW_PASSWORD)
    phone.click("form[method=post] button.primary")
    phone.wait_for_url(lambda url: "/accounts/password/" not in url)
    phone.goto(f"{live_server.url}/accounts/profile/")
    assert phone.get_by_test_id("forced-change").count() == 0
    assert "/accounts/profile/" in phone.url


def test_a_token_made_on_the_profile_page_works_against_the_api(demo, live_server, phone):
    log_in(phone, live_server, "golmud_office")
    phone.goto(f"{live_server.url}/accounts/profile/")
    phone.fill("input[name=name]", "报表脚本")
    phone.click("form[method=post] button.primary")
    token = phone.get_by_test_id("api-token").inner_text().strip()
    phone.screenshot(path=SHOTS / "api-token-phone.png", full_page=True)
    program = phone.context.browser.new_context()  # a program: no session cookie, only the token
    me = f"{live_server.url}/api/v1/me"
    answer = program.request.get(me, headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200
    assert answer.json()["username"] == "golmud_office"
    wrong = program.request.get(me, headers={"Authorization": f"Bearer {token}x"})
    assert wrong.status == 401
    program.close()


def test_an_administrator_watches_a_division_import_job_finish(demo, live_server, phone, tmp_path):
    table = tmp_path / "divisions.csv"
    table.write_text(
        "code,name,parent_code\n632801100299,新建村委会,632801100000\n", encoding="utf-8"
    )
    log_in(phone, live_server, "admin")
    phone.goto(f"{live_server.url}/regions/import/")
    phone.set_input_files("input[name=file]", str(table))
    phone.fill("input[name=vintage]", "2023")
    phone.click("#division-import-form button[type=submit]")
    phone.wait_for_url(re.compile(r".*/jobs/\d+/"))
    status = phone.get_by_test_id("job-status")
    assert status.get_attribute("data-status") == "queued"
    phone.screenshot(path=SHOTS / "job-queued-phone.png", full_page=True)

    work_off_the_queue()  # the worker picks it up

    phone.wait_for_selector(
        "[data-testid=job-status][data-status=succeeded]", timeout=10_000
    )  # htmx polling
    assert phone.get_by_test_id("job-percent").inner_text().strip() == "100%"
    assert phone.get_by_test_id("job-result").is_visible()
    phone.screenshot(path=SHOTS / "job-succeeded-phone.png", full_page=True)


def switch_language(page) -> None:
    """On a phone the language switch sits in the menu, folded behind one button."""
    switch = page.get_by_test_id("language-switch")
    if not switch.is_visible():
        page.get_by_test_id("menu-toggle").click()
    switch.click()
