"""Browser test of the figures: a county clerk opens the dashboard from the menu and drills down
two levels (county → township → village), the charts drawn beside their tables under the CSP; a
leader reads the summary on a 360 px phone without sideways scrolling. Screenshots land in
var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.figures.services import figures_rebuild
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


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def figures(county_staff, regions):
    village = make_official(actor=county_staff, division=regions.village, serial=1)
    shops = [
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
        for n in (1, 2, 3)
    ]
    make_business(actor=county_staff, division=regions.other_village, serial=4, grade="D")
    for shop in shops[:2]:
        assignment_create(actor=county_staff, official=village, business=shop)
    figures_rebuild()
    return regions


def test_a_clerk_drills_down_two_levels(browser, live_server, county_staff, figures):
    regions = figures
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, county_staff.username)
    page.goto(f"{live_server.url}/dashboards/")
    assert regions.county.name in page.locator("h1").inner_text()
    coverage = page.locator("[data-testid=totals] [data-measure=coverage_rate]")
    assert "50.00%" in coverage.inner_text() and "2/4" in coverage.inner_text()
    page.wait_for_selector("[data-chart=trend] svg")
    page.click(
        f"[data-testid=subregion][data-division='{regions.township.pk}'] [data-testid=drill]"
    )
    page.wait_for_url(f"**within={regions.township.pk}**")
    village_row = page.locator(f"[data-testid=subregion][data-division='{regions.village.pk}']")
    assert village_row.locator("[data-rank=coverage_rate]").inner_text() == "1"
    page.wait_for_selector("[data-chart=bars] svg")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-township.png"), full_page=True)
    village_row.locator("[data-testid=drill]").click()
    page.wait_for_url(f"**within={regions.village.pk}**")
    assert (
        "66.67%" in page.locator("[data-testid=totals] [data-measure=coverage_rate]").inner_text()
    )
    assert page.locator("[data-testid=crumbs] a").count() >= 3
    assert problems == []
    context.close()


def test_a_leader_reads_the_summary_at_360px(browser, live_server, leader, figures):
    problems: list[str] = []
    phone = browser.new_context(viewport=PHONE, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    watch(page, problems)
    log_in(page, live_server, leader.username)
    page.goto(f"{live_server.url}/dashboards/summary/")
    value = page.locator("[data-measure=coverage_rate] [data-testid=percent]")
    assert value.inner_text() == "50.00%"
    assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 32
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-summary-360.png"), full_page=True)
    assert problems == []
    phone.close()


def test_a_clerk_generates_publishes_and_downloads_a_notice(
    browser, live_server, county_staff, figures
):
    from liangze.dashboards import tasks
    from liangze.jobs.models import Job

    regions = figures
    problems: list[str] = []
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, county_staff.username)
    page.goto(f"{live_server.url}/dashboards/?within={regions.township.pk}")
    page.click("[data-testid=notice-generate] button[type=submit]")
    page.wait_for_url("**/jobs/*/")
    tasks.notice_generate_run.call(Job.objects.get(kind="dashboards_notice_generate").pk)
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]")
    page.click("[data-testid=notice-link]")
    page.fill("textarea[name=summary]", "本季度各村包保工作总体平稳。")
    page.click("[data-testid=notice-edit] button[type=submit]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=notice-publish] button[type=submit]")
    page.wait_for_selector("[data-testid=download-docx]")
    assert page.locator("[data-testid=notice-edit]").count() == 0
    with page.expect_download() as download:
        page.click("[data-testid=download-docx]")
    path = download.value.path()
    from docx import Document

    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "本季度各村包保工作总体平稳。" in text
    assert problems == []
    context.close()
