"""A locked-out official at 360 px reads how long to wait in words; their office sees the lockout,
lifts it (audited) and a reset one-time password works at once."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.browser import log_in as shared_log_in
from liangze.core.testing.fixtures import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def new_phone(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, live_server, username, password=TEST_PASSWORD):
    shared_log_in(page, live_server, username, password, wait=False)


def test_a_lockout_reads_in_minutes_and_the_office_lifts_it(
    village_official, county_staff, live_server, new_phone
):
    official = new_phone()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(official, live_server, "village_official", "wrong-password")
    log_in(official, live_server, "village_official")
    wait = official.get_by_test_id("cooloff")
    expect(wait).to_contain_text("15 分钟")
    assert "PT15M" not in official.content()
    official.screenshot(path="/tmp/liangze-locked-out-phone.png")

    office = new_phone()
    log_in(office, live_server, "county_staff")
    office.wait_for_url(f"{live_server.url}/")
    office.goto(f"{live_server.url}/accounts/?status=locked")
    office.get_by_role("link", name=village_official.display_name).click()
    expect(office.get_by_test_id("locked-badge")).to_be_visible()
    office.get_by_test_id("unlock").click()
    expect(office.locator(".message-success")).to_be_visible()
    expect(office.get_by_test_id("locked-badge")).to_have_count(0)
    assert AuditEvent.objects.filter(action=AuditAction.USER_UNLOCKED).count() == 1

    log_in(official, live_server, "village_official")
    official.wait_for_url(f"{live_server.url}/")


def test_a_password_reset_lifts_the_lockout(village_official, county_staff, live_server, new_phone):
    official = new_phone()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(official, live_server, "village_official", "wrong-password")

    office = new_phone()
    log_in(office, live_server, "county_staff")
    office.wait_for_url(f"{live_server.url}/")
    office.goto(f"{live_server.url}/accounts/{village_official.pk}/")
    office.get_by_role("button", name="重置密码").click()
    one_time = office.get_by_test_id("one-time-password").inner_text().strip()

    log_in(official, live_server, "village_official", one_time)
    official.wait_for_url(f"{live_server.url}/accounts/password/")
