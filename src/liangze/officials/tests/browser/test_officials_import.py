"""Browser test of the clerk's import path: a county office clerk imports officials from an .xlsx
(a bad row reported, the valid rows imported), prints their one-time passwords once, imports the
assignments, and sees the gap lists (officials with no businesses, uncovered businesses). The
rest of the path (a whole village in one action, the hand-over, the documents and the rates, an
official signing at 360 px) is in test_officials_pages.py and test_documents_signing.py.
Screenshots land in var/screenshots/."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.testing import make_business
from liangze.core.testing.browser import log_in, work_off_the_queue
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import import_workbook as workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"


def upload_and_wait(page, live_server, path: Path):
    page.set_input_files("input[type=file]", str(path))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/\d+/"))
    work_off_the_queue()
    page.reload()
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]", timeout=10_000)


def test_a_clerk_imports_officials_and_assignments_and_sees_the_gaps(
    county_staff, regions, live_server, browser, tmp_path
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shop = make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
    left_out = make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
    officials_file = tmp_path / "officials.xlsx"
    officials_file.write_bytes(
        workbook(
            "officials",
            [
                {
                    "display_name": "马海",
                    "phone": "13700000001",
                    "division_code": regions.village.code,
                    "position": "村支书",
                },
                {
                    "display_name": "韩青",
                    "phone": "13700000002",
                    "division_code": regions.township.code,
                },
                {"display_name": "错号", "phone": "12345", "division_code": regions.village.code},
            ],
        )
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, county_staff.username)

    # From the officials list to the import: the check lists the bad row.
    page.goto(f"{live_server.url}/officials/")
    page.get_by_test_id("import-officials").click()
    assert page.get_by_test_id("template-link").get_attribute("href").endswith("template.xlsx")
    upload_and_wait(page, live_server, officials_file)
    assert page.locator("[data-testid=import-counts] [data-count=invalid]").inner_text() == "1"
    assert page.get_by_test_id("import-errors").locator("tbody tr").count() == 1
    assert page.get_by_test_id("bad-rows-link").is_visible()
    page.screenshot(path=SHOTS / "officials-import-check.png", full_page=True)

    page.get_by_test_id("commit-valid-rows").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/"))
    work_off_the_queue()
    page.reload()
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]", timeout=10_000)
    assert page.locator("[data-testid=import-written] [data-count=created]").inner_text() == "2"
    assert Official.objects.count() == 2

    # The password sheet, once: grouped passwords without look-alike characters.
    page.get_by_test_id("open-password-sheet").click()
    passwords = page.get_by_test_id("one-time-password").all_inner_texts()
    assert len(passwords) == 2
    assert all(re.fullmatch(r"[^\s01lIO]{4}( [^\s01lIO]{1,4})+", p) for p in passwords)
    page.screenshot(path=SHOTS / "officials-import-passwords.png", full_page=True)
    page.go_back()
    page.reload()
    assert page.get_by_test_id("open-password-sheet").count() == 0

    # The assignments import: one business to the village official.
    assignments_file = tmp_path / "assignments.xlsx"
    assignments_file.write_bytes(
        workbook("assignments", [{"official_phone": "13700000001", "business_code": shop.uscc}])
    )
    page.goto(f"{live_server.url}/officials/")
    page.get_by_test_id("import-assignments").click()
    upload_and_wait(page, live_server, assignments_file)
    assert page.locator("[data-testid=import-counts] [data-count=new]").inner_text() == "1"
    page.get_by_test_id("commit-all-or-nothing").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/"))
    work_off_the_queue()
    page.reload()
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]", timeout=10_000)
    assert Assignment.objects.get(business=shop, ends_on__isnull=True).official.phone == (
        "+8613700000001"
    )

    # The gap lists: the township official covers nothing; the other shop is uncovered.
    page.goto(f"{live_server.url}/officials/?view=idle")
    idle = page.get_by_test_id("official-row")
    assert idle.count() == 1
    assert "韩青" in idle.first.inner_text()
    page.goto(f"{live_server.url}/officials/uncovered/")
    rows = page.get_by_test_id("uncovered-row")
    assert rows.count() == 1
    assert left_out.name in rows.first.inner_text()
    page.screenshot(path=SHOTS / "officials-import-gaps.png", full_page=True)
    context.close()
