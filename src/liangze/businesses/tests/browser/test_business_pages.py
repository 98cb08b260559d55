"""Browser test of the registry pages: county office staff filter the list (htmx), open a business,
edit it and see the inline error for a bad credit code, at phone and desktop width.
Screenshots land in var/screenshots/ for people to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
# (name, business type, grade, division attribute of the region tree)
BUSINESSES = [
    ("昆仑清真拉面馆", "restaurant", "D", "village"),
    ("格尔木市第三中学食堂", "school_canteen", "B", "other_village"),
    ("盐湖路便利店", "convenience_store", "D", "village"),
    ("河西农贸市场", "market", "C", "township"),
    ("柴达木特色烤肉（昆仑路店）", "restaurant", "C", "village"),
    ("金峰食品有限公司", "food_producer", "B", "township"),
    ("阳光幼儿园食堂", "childcare_canteen", "C", "other_village"),
    (
        "西部物流园区职工食堂（由格尔木市昆仑餐饮管理有限公司承包经营的第二分店）",
        "workplace_canteen",
        "C",
        "village",
    ),
]


def watch(page, problems: list) -> None:
    """Collect CSP violations, script errors and failed page assets."""
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


@pytest.fixture
def registry(county_staff, regions):
    made = {}
    for serial, (name, business_type, grade, where) in enumerate(BUSINESSES, start=1):
        made[name] = make_business(
            actor=county_staff,
            division=getattr(regions, where),
            serial=serial,
            name=name,
            business_type=business_type,
            grade=grade,
            scale="micro" if business_type in ("restaurant", "convenience_store") else "small",
            address="格尔木市昆仑路88号",
            contact_name="马师傅",
            contact_phone="13897012345",
            latitude="36.4163",
            longitude="94.9033",
        )
    return made


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_office_staff_filter_open_and_edit_a_business(
    size, viewport, registry, county_staff, live_server, browser
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    watch(page, problems)
    log_in(page, live_server, county_staff.username)

    page.get_by_test_id("businesses-tile").click()
    page.wait_for_url(re.compile(r"/businesses/$"))
    rows = page.get_by_test_id("business-row")
    assert rows.count() == len(BUSINESSES)
    page.screenshot(path=SHOTS / f"businesses-list-{size}.png", full_page=True)

    # Live filtering: the rows are swapped by htmx and the address bar follows. On a phone the
    # filters other than the search box fold behind one button.
    if size == "phone":
        page.get_by_test_id("filters-toggle").click()
    page.select_option("select[name=grade]", "B")
    page.wait_for_url(re.compile(r"grade=B"))
    page.wait_for_function("document.querySelectorAll('[data-testid=business-row]').length === 2")
    assert page.get_by_test_id("result-count").get_attribute("data-count") == "2"
    page.fill("input[name=q]", "中学")
    page.wait_for_url(re.compile(r"q=%E4%B8%AD%E5%AD%A6"))
    page.wait_for_function("document.querySelectorAll('[data-testid=business-row]').length === 1")
    page.screenshot(path=SHOTS / f"businesses-list-filtered-{size}.png", full_page=True)

    page.get_by_role("link", name="格尔木市第三中学食堂").click()
    school = registry["格尔木市第三中学食堂"]
    page.wait_for_url(re.compile(rf"/businesses/{school.pk}/$"))
    assert page.get_by_test_id("regrade-form").is_visible()
    page.screenshot(path=SHOTS / f"businesses-detail-{size}.png", full_page=True)

    page.get_by_test_id("edit-link").click()
    page.wait_for_url(re.compile(rf"/businesses/{school.pk}/edit/$"))
    page.fill("input[name=address]", "格尔木市昆仑南路1号")
    page.fill("input[name=uscc]", "11500236MB1822153X")  # the check digit should be Y
    page.click("[data-testid=business-form] button[type=submit]")
    error = page.locator("[data-field=uscc] .error")
    error.wait_for()
    assert error.is_visible()
    assert page.input_value("input[name=address]") == "格尔木市昆仑南路1号", "input is kept"
    page.screenshot(path=SHOTS / f"businesses-edit-error-{size}.png", full_page=True)

    page.fill("input[name=uscc]", school.uscc)
    page.click("[data-testid=business-form] button[type=submit]")
    page.wait_for_url(re.compile(rf"/businesses/{school.pk}/$"))
    assert "格尔木市昆仑南路1号" in page.content()
    school.refresh_from_db()
    assert school.address == "格尔木市昆仑南路1号"

    # Bulk regrade: tick two rows, give a reason, confirm; both change, one event each.
    page.goto(f"{live_server.url}/businesses/?grade=C")
    page.get_by_test_id("bulk-bar").locator("summary").click()
    ticked = [registry["河西农贸市场"], registry["阳光幼儿园食堂"]]
    for business in ticked:
        page.check(f"input[name=bulk-ids][value='{business.pk}']")
    page.select_option("select[name=bulk-grade]", "D")
    page.fill("input[name=bulk-reason]", "统一调整")
    page.screenshot(path=SHOTS / f"businesses-list-bulk-{size}.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("bulk-regrade").click()
    page.wait_for_selector(".message-success")
    assert page.url.endswith("/businesses/?grade=C"), "back to the list as it was filtered"
    for business in ticked:
        business.refresh_from_db()
        assert business.grade == "D"

    # At phone width nothing may stick out sideways.
    page.goto(f"{live_server.url}/businesses/new/")
    page.screenshot(path=SHOTS / f"businesses-create-{size}.png", full_page=True)
    pages = (
        "/businesses/",
        "/businesses/new/",
        f"/businesses/{school.pk}/",
        f"/businesses/{school.pk}/edit/",
    )
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size} width"
    assert not problems, problems
    context.close()
