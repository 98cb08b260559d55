"""The business list on a phone (360×740): the first business shows without scrolling, every
control is a 44 px tap target, the division picker filters at once, and pages can be jumped."""

import re

import pytest
from playwright.sync_api import expect

from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
MIN_TAP = 44


@pytest.fixture
def many(county_staff, regions):
    """Enough businesses for several pages, in two villages."""
    made = []
    for serial in range(1, 61):
        where = regions.village if serial % 3 else regions.other_village
        made.append(
            make_business(
                actor=county_staff,
                division=where,
                serial=serial,
                name=f"昆仑路第{serial:02d}号餐馆",
                business_type="restaurant",
                grade="D",
                scale="micro",
            )
        )
    return made


@pytest.fixture
def phone(browser, live_server, county_staff):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county_staff.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def count(page) -> int:
    return int(page.get_by_test_id("result-count").get_attribute("data-count"))


def test_choosing_a_division_filters_at_once(many, regions, phone, live_server):
    """What the picker shows is what the list is filtered by: a search that leaves one division
    selected applies it (a phone's select fires no change for the option already shown), and
    choosing another applies that, without pressing Search."""
    phone.goto(f"{live_server.url}/businesses/")
    assert count(phone) == 60
    open_filters(phone)
    phone.fill("input[name=within_search]", "南村")
    expect(phone.locator("select[name=within] option")).to_have_count(1)
    phone.wait_for_url(re.compile(rf"within={regions.other_village.pk}"))
    expect(phone.get_by_test_id("result-count")).to_have_attribute("data-count", "20")

    phone.fill("input[name=within_search]", "村委会")
    expect(phone.locator("select[name=within] option")).to_have_count(2)
    assert phone.input_value("select[name=within]") == str(regions.other_village.pk), "kept"
    phone.select_option("select[name=within]", str(regions.village.pk))
    phone.wait_for_url(re.compile(rf"within={regions.village.pk}"))
    expect(phone.get_by_test_id("result-count")).to_have_attribute("data-count", "40")


def open_filters(page) -> None:
    toggle = page.get_by_test_id("filters-toggle")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


# Every visible control, measured by what a finger hits: a box inside a label is hit through it.
SMALL_TARGETS = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    'a[href], button, summary, select, input:not([type=hidden]), textarea'
  );
  for (const el of controls) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const target = el.closest('label.tick') || el;
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) {
      const name = (el.innerText || el.name || el.getAttribute('aria-label') || '').trim();
      small.push(`${el.tagName} ${name.slice(0, 20)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def test_the_first_business_shows_without_scrolling_and_targets_are_44px(many, phone, live_server):
    phone.goto(f"{live_server.url}/businesses/")
    first = phone.get_by_test_id("business-row").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], f"first business ends at {box}"
    assert phone.evaluate(SMALL_TARGETS) == []
    phone.screenshot(path="/tmp/liangze-phone-list.png")

    # The user's menu: 44 px entries, logging out set apart from changing the password.
    phone.get_by_test_id("user-menu").click()
    assert phone.evaluate(SMALL_TARGETS) == []
    change = phone.get_by_role("link", name="修改密码").bounding_box()
    log_out = phone.locator(".user-menu-body .logout button").bounding_box()
    assert log_out["y"] - (change["y"] + change["height"]) >= 16
    phone.get_by_test_id("user-menu").click()

    # The site menu folds behind one button and opens to every entry.
    nav = phone.get_by_role("navigation", name="主导航")
    assert not nav.is_visible()
    phone.get_by_test_id("menu-toggle").click()
    assert nav.get_by_role("link", name="包保主体").is_visible()
    assert phone.evaluate(SMALL_TARGETS) == []


def test_filters_fold_behind_a_button_that_counts_them(many, regions, phone, live_server):
    phone.goto(f"{live_server.url}/businesses/?grade=D&status=operating")
    assert not phone.locator("select[name=business_type]").is_visible()
    toggle = phone.get_by_test_id("filters-toggle")
    expect(phone.get_by_test_id("filter-count")).to_have_text("2")
    toggle.click()
    phone.select_option("select[name=grade]", "")
    phone.wait_for_url(re.compile(r"grade=&"))
    expect(phone.get_by_test_id("filter-count")).to_have_text("1")
    phone.select_option("select[name=business_type]", "restaurant")
    expect(phone.get_by_test_id("filter-count")).to_have_text("2")


def test_a_page_can_be_jumped_to(many, phone, live_server, settings):
    phone.goto(f"{live_server.url}/businesses/?grade=D")
    jump = phone.get_by_test_id("page-jump")
    jump.locator("input[name=page]").fill("3")
    jump.get_by_role("button").click()
    phone.wait_for_url(re.compile(r"grade=D.*page=3|page=3.*grade=D"))
    assert "3" in phone.locator(".page-of").inner_text()
    assert phone.get_by_test_id("business-row").count() > 0
