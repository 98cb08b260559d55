"""A province office edits its visit checklist on a phone (docs/domain.md §1.5): an item
renamed, moved up and taken out of use, a business type's own item added; the official's next
visit form at 360 px shows the province's list, and an empty label is refused in Chinese."""

import pytest

from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.visits.models import ChecklistItem
from liangze.visits.tests.browser.test_visit_form import (
    SHOTS,
    log_in,
    official,  # noqa: F401 (a fixture)
    phone_context,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_province_office_edits_the_checklist_and_the_next_visit_form_follows(
    browser,
    live_server,
    official,  # noqa: F811 (the fixture imported above)
    province_staff,
    regions,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    province_staff.set_password(TEST_PASSWORD)
    province_staff.must_change_password = False
    province_staff.save()
    shop = official.assignments.get().business
    problems: list[str] = []
    page = phone_context(browser, live_server).new_page()
    watch(page, problems)
    log_in(page, live_server, province_staff.username)
    page.goto(f"{live_server.url}/visits/checklist/?province={regions.province.pk}")
    assert page.get_by_test_id("is-default").is_visible()

    # Rename "storage": the change form opens under the item.
    storage = page.get_by_test_id("item-storage")
    storage.locator("summary").click()
    storage.locator("input[name$=-label]").fill("冷藏冷冻温度达标")
    storage.locator("button[value=change]").click()
    page.wait_for_selector(
        "[data-testid=item-storage] [data-testid=label]:text('冷藏冷冻温度达标')"
    )
    assert not page.get_by_test_id("is-default").is_visible()  # copied into the province's

    # Move it up one place, then take "training" out of use.
    before = page.locator("[data-testid=checklist-set-all] li").evaluate_all(
        "items => items.map(i => i.dataset.testid)"
    )
    page.get_by_test_id("item-storage").locator("button[value=up]").click()
    page.wait_for_load_state()
    after = page.locator("[data-testid=checklist-set-all] li").evaluate_all(
        "items => items.map(i => i.dataset.testid)"
    )
    at = before.index("item-storage")
    assert after[at - 1] == "item-storage" and after[at] == before[at - 1]
    training = page.get_by_test_id("item-training")
    training.locator("summary").click()
    training.locator("input[type=checkbox]").uncheck()
    training.locator("button[value=change]").click()
    page.wait_for_selector("[data-testid=item-training] [data-testid=out-of-use]")

    # An empty label is refused inline, in Chinese, and nothing is added.
    add = page.get_by_test_id("checklist-add")
    add.locator("select[name=business_type]").select_option(shop.business_type)
    add.locator("button[value=add]").click()
    page.wait_for_selector("[data-testid=checklist-add] .error")
    assert "请填写" in page.get_by_test_id("checklist-add").inner_text()
    assert not ChecklistItem.objects.filter(business_type=shop.business_type).exists()
    page.get_by_test_id("checklist-add").locator("input[name=label]").fill("后厨监控可查看")
    page.get_by_test_id("checklist-add").locator("button[value=add]").click()
    page.wait_for_selector(f"[data-testid=checklist-set-{shop.business_type}]")
    page.screenshot(path=SHOTS / "checklist-page-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px)"

    # The official's next visit form asks the province's items, the type's own one included.
    official_page = phone_context(browser, live_server).new_page()
    watch(official_page, problems)
    log_in(official_page, live_server, official.user.username)
    official_page.goto(f"{live_server.url}/visits/new/{shop.pk}/")
    form = official_page.locator("main").inner_text()
    assert "冷藏冷冻温度达标" in form and "后厨监控可查看" in form
    assert official_page.locator("[data-testid=item-training-pass]").count() == 0
    assert problems == []
