"""An office clerk's round trip in Chromium: import a file with a bad row, read the report,
import the good rows, print their QR stickers, and open a sticker's public page on a phone."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from liangze.businesses.imports import KEYS
from liangze.businesses.models import Business
from liangze.businesses.testing import make_uscc
from liangze.core.testing.browser import work_off_the_queue
from liangze.core.testing.fixtures import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"


def table(regions) -> bytes:
    good = {
        "business_type": "restaurant",
        "scale": "small",
        "grade": "C",
        "grade_reason": "小型餐饮",
        "division_code": regions.village.code,
    }
    rows = [
        {**good, "name": "昆仑路拉面馆", "uscc": make_uscc(7001)},
        {**good, "name": "河西烤肉店", "uscc": make_uscc(7002)},
        {**good, "name": "校验位错误的店", "uscc": "11500236MB1822153X"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=KEYS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in KEYS})
    return out.getvalue().encode("utf-8")


def test_import_with_a_bad_row_then_stickers_and_the_public_page(
    county_staff, regions, live_server, browser, tmp_path
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "businesses.csv"
    upload.write_bytes(table(regions))

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = office.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Write these rows to the registry?"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county_staff.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/businesses/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/\d+/"))
    work_off_the_queue()
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]", timeout=10_000)
    errors = page.get_by_test_id("import-errors")
    assert errors.is_visible()
    assert errors.locator("tbody tr").count() == 1
    assert page.get_by_test_id("bad-rows-link").is_visible()
    page.screenshot(path=SHOTS / "import-report-desktop.png", full_page=True)

    page.get_by_test_id("commit-valid-rows").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/"))
    work_off_the_queue()
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]", timeout=10_000)
    assert page.get_by_test_id("import-written").is_visible()
    imported = list(
        Business.objects.filter(name__in=["昆仑路拉面馆", "河西烤肉店"]).order_by("name")
    )
    assert len(imported) == 2
    assert not Business.objects.filter(name="校验位错误的店").exists()

    page.goto(f"{live_server.url}/businesses/qr-sheet/?ids={','.join(str(b.pk) for b in imported)}")
    assert page.locator("svg").count() >= 2
    page.screenshot(path=SHOTS / "qr-sheet-after-import-desktop.png", full_page=True)
    office.close()

    public = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    phone = public.new_page()
    phone.goto(f"{live_server.url}/p/{imported[0].public_token}")
    assert imported[0].name in phone.locator("main").inner_text()
    assert imported[0].uscc not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SHOTS / "public-page-after-import-phone.png", full_page=True)
    public.close()
