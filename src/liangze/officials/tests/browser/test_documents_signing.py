"""Browser test of the commitment letters: a county clerk generates the documents (a job with
progress), an official signs the letter on screen at 360 px with the countersigner, and the clerk
collects a signed scan and downloads the archive. Screenshots land in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.browser import log_in
from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.files.tests import samples
from liangze.jobs.models import Job
from liangze.officials.documents import tasks
from liangze.officials.documents.models import DutyDocument
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


def draw(page, selector: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=3)
    page.mouse.up()


@pytest.fixture
def official(county_staff, regions):
    official = make_official(actor=county_staff, division=regions.village, serial=7)
    user = official.user
    user.set_password(TEST_PASSWORD)
    user.must_change_password = False
    user.save()
    shop = make_business(actor=county_staff, division=regions.village, serial=7, grade="D")
    assignment_create(actor=county_staff, official=official, business=shop)
    return official


def test_a_clerk_generates_an_official_signs_at_360px_and_the_clerk_collects(
    browser, live_server, county_staff, regions, official, tmp_path
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    # The clerk generates the county's documents as a job.
    clerk = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = clerk.new_page()
    watch(page, problems)
    log_in(page, live_server, county_staff.username)
    page.click("[data-testid=documents-tile]")
    page.goto(f"{live_server.url}/documents/?within={regions.county.pk}")
    page.click("[data-testid=generate-form] button[type=submit]")
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get(kind="duty_documents_generate")
    tasks.duty_documents_generate_run.call(job.pk)  # the worker's part
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]")
    page.click("[data-testid=documents-link]")
    row = page.locator(f"[data-testid=board-row][data-official='{official.pk}']")
    assert row.locator("[data-kind=commitment] [data-status]").get_attribute("data-status") == (
        "generated"
    )
    assert page.locator("[data-testid=rates-total] [data-rate=commitment]").inner_text() == (
        "0.00% 0/1"
    )

    # The official signs the letter on a phone, with the countersigner beside them.
    phone = browser.new_context(viewport=PHONE, has_touch=True, locale="zh-CN")
    mobile = phone.new_page()
    watch(mobile, problems)
    log_in(mobile, live_server, official.user.username)
    letter = DutyDocument.objects.get(kind="commitment", official=official)
    mobile.click(f"[data-testid=sign-link][href='/documents/{letter.pk}/']")
    mobile.wait_for_selector("[data-testid=official-pad]")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    draw(mobile, "[data-testid=official-pad]")
    draw(mobile, "[data-testid=countersigner-pad]")
    mobile.fill("input[name=countersigner_name]", "村主任")
    mobile.screenshot(path=str(SHOTS / "document-sign-360.png"), full_page=True)
    mobile.click("[data-testid=sign-submit]")
    mobile.wait_for_selector("[data-testid=document-status][data-status=signed]")
    assert mobile.locator("[data-testid=valid-until]").is_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    letter.refresh_from_db()
    assert letter.official_signature_id and letter.countersigner_signature_id

    # The clerk collects the signed task list as a scan, sees the rate and takes the archive.
    task_list = DutyDocument.objects.get(kind="task_list", official=official)
    page.goto(f"{live_server.url}/documents/{task_list.pk}/")
    scan = tmp_path / "task-list.pdf"
    scan.write_bytes(samples.pdf())
    page.set_input_files("input[name=scan]", str(scan))
    page.click("[data-testid=sign-submit]")
    page.wait_for_selector("[data-testid=document-status][data-status=signed]")
    page.goto(f"{live_server.url}/documents/?within={regions.county.pk}")
    assert page.locator("[data-testid=rates-total] [data-rate=commitment]").inner_text() == (
        "100.00% 1/1"
    )
    with page.expect_download() as download:
        page.click("[data-testid=archive-link]")
    assert download.value.suggested_filename.endswith(".zip")
    page.screenshot(path=str(SHOTS / "documents-board.png"), full_page=True)
    assert not problems, problems
