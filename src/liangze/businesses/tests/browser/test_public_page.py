"""Browser test of the QR path: office staff open a print sheet at desktop width, then a member of
the public opens a sticker's page on a 360 px phone, reports a problem and switches to English.
Screenshots land in var/screenshots/ for people to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.models import PublicReport
from liangze.businesses.testing import make_business
from liangze.core.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
NAMES = [
    "昆仑清真拉面馆",
    "格尔木市第三中学食堂",
    "盐湖路便利店",
    "河西农贸市场",
    "柴达木特色烤肉（昆仑路店）",
    "金峰食品有限公司",
    "阳光幼儿园食堂",
    "老马家手抓羊肉",
    "万家福超市",
    "青藏线快餐",
    "昆仑山矿泉水经营部",
    "小蜜蜂糕点作坊",
    "胡杨林饮品店",
    "西部物流园区职工食堂（由格尔木市昆仑餐饮管理有限公司承包经营的第二分店）",
]
# A4 less the 10 mm margins of @page, at the browser's 96 px per inch.
A4_CONTENT = {"width": round(190 / 25.4 * 96), "height": round(277 / 25.4 * 96)}


def watch(page, problems: list) -> None:
    """Collect CSP violations and failed page assets (a missing favicon among them)."""
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and problems.append(m.text),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and "/p/not-a-real-token" not in r.url
            and problems.append(f"{r.status} {r.url}")
        ),
    )


def test_print_sheet_then_public_page_on_a_phone(live_server, browser, county_staff, regions):
    SHOTS.mkdir(parents=True, exist_ok=True)
    businesses = [
        make_business(
            actor=county_staff,
            division=regions.village if n % 2 else regions.township,
            serial=100 + n,
            name=name,
            grade="ABCD"[n % 4],
        )
        for n, name in enumerate(NAMES)
    ]

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    problems = []
    watch(page, problems)
    log_in(page, live_server, county_staff.username)
    page.goto(f"{live_server.url}/businesses/qr-sheet/")
    assert page.get_by_test_id("sticker").count() == len(NAMES)
    assert page.get_by_test_id("print").is_visible()
    page.screenshot(path=SHOTS / "qr-sheet-county_staff-desktop-zh.png", full_page=True)
    pdf = page.pdf(prefer_css_page_size=True)
    # 12 stickers a sheet: 14 need two pages of A4.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2
    # What the first printed page holds: the sheet at the width of A4's printable area.
    page.set_viewport_size(A4_CONTENT)
    page.emulate_media(media="print")
    page.screenshot(path=SHOTS / "qr-sheet-county_staff-print-a4-zh.png")
    assert problems == []
    context.close()

    business = businesses[0]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/p/{business.public_token}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_test_id("business-name").inner_text() == business.name
    assert page.get_by_test_id("official-empty").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing overflows the phone's width"
    page.screenshot(path=SHOTS / "public-page-phone-zh.png", full_page=True)

    page.get_by_test_id("report-open").click()  # the form and its token come apart
    honeypot = page.locator(".hp").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0, "the honeypot is off screen"
    page.fill("textarea[name=description]", "后厨地面有积水，垃圾桶没有盖子。")
    page.fill("input[name=contact_phone]", "13812345678")
    page.locator("[data-testid=report-form] button[type=submit]").click()
    page.get_by_test_id("report-sent").wait_for()
    page.screenshot(path=SHOTS / "public-page-phone-sent-zh.png", full_page=True)
    assert PublicReport.objects.get().contact_phone == "+8613812345678"

    page.get_by_test_id("language-switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_test_id("business-name").inner_text() == business.name
    page.screenshot(path=SHOTS / "public-page-phone-en.png", full_page=True)

    page.goto(f"{live_server.url}/p/not-a-real-token")
    assert page.get_by_test_id("public-not-found").is_visible()
    page.screenshot(path=SHOTS / "public-page-phone-not-found-en.png", full_page=True)
    assert problems == []
    context.close()
