"""Browser test at 360 px: office staff search the registry as Chinese users search (several
words, pinyin, initials), sort by pinyin, then print QR stickers for ticked rows and, through a
background job, for a whole division. Screenshots land in var/screenshots/."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from liangze.businesses import qr_views, stickers
from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 740}
NAMES = ["格尔木市昆仑路惠民超市", "盐湖便利超市", "重庆火锅店", "德令哈牛肉面馆", "阳光幼儿园食堂"]


def rows_shown(page, count: int) -> None:
    expect(page.get_by_test_id("business-row")).to_have_count(count)


def names_shown(page) -> list[str]:
    return page.locator("[data-testid=business-row] .name-cell a").all_inner_texts()


def test_search_sort_and_print_stickers_on_a_phone(
    live_server, browser, county_staff, regions, monkeypatch
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = {
        name: make_business(
            actor=county_staff, division=regions.village, serial=n, name=name, address="昆仑路"
        )
        for n, name in enumerate(NAMES, start=1)
    }
    monkeypatch.setattr(qr_views, "SHEET_MAX", 3)  # five shops stand for a township of 430
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on(
        "dialog", lambda dialog: problems.append(f"dialog {dialog.message}") or dialog.dismiss()
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county_staff.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/businesses/")
    rows_shown(page, len(NAMES))
    page.fill("input[name=q]", "geermu chaoshi")  # full pinyin, two words
    page.wait_for_url(re.compile(r"q=geermu"))
    rows_shown(page, 1)
    assert names_shown(page) == ["格尔木市昆仑路惠民超市"]
    page.screenshot(path=SHOTS / "businesses-search-pinyin-phone.png", full_page=True)
    page.fill("input[name=q]", "cs")  # initials of 超市
    page.wait_for_url(re.compile(r"q=cs"))
    rows_shown(page, 2)
    page.fill("input[name=q]", "")
    rows_shown(page, len(NAMES))
    page.get_by_test_id("filters-toggle").click()  # on a phone the sort sits behind it
    page.select_option("select[name=sort]", "pinyin")
    page.wait_for_url(re.compile(r"sort=pinyin"))
    expect(page.locator("[data-testid=business-row] .name-cell a").first).to_have_text("重庆火锅店")
    # c(hongqing) d(elingha) g(eermu) y(anhu) y(angguang)
    assert names_shown(page) == [
        "重庆火锅店",
        "德令哈牛肉面馆",
        "格尔木市昆仑路惠民超市",
        "阳光幼儿园食堂",
        "盐湖便利超市",
    ]

    # Ticked rows: straight to the print sheet, no "change every ticked business?" question.
    for name in ("重庆火锅店", "盐湖便利超市"):
        page.check(f"input[name=bulk-ids][value='{made[name].pk}']")
    page.get_by_test_id("bulk-bar").locator("summary").click()
    page.get_by_test_id("stickers-ticked").click()
    page.wait_for_url(re.compile(r"/businesses/qr-sheet/\?ids="))
    assert page.get_by_test_id("sticker").count() == 2
    page.screenshot(path=SHOTS / "stickers-ticked-phone.png", full_page=True)

    # A whole division: more than the sheet takes, so a job prints them.
    page.goto(f"{live_server.url}/businesses/?within={regions.village.pk}")
    rows_shown(page, len(NAMES))
    page.get_by_test_id("stickers-filtered").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get(kind=stickers.QR_STICKERS_KIND)
    stickers.business_qr_stickers_run.call(job.pk)
    page.get_by_test_id("stickers-file").wait_for()
    assert page.get_by_test_id("stickers-count").inner_text().startswith("5")
    page.screenshot(path=SHOTS / "stickers-job-phone.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("stickers-file").click()
    assert download.value.suggested_filename.endswith(".docx")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert not problems, problems
    context.close()
