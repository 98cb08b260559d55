"""Browser walk of the closed loop with four personas on a phone-sized screen: the regulator
(queue, bulk accept, case, send back, void on a dispute), the business director (fix with a
photo, dispute), the official (re-check closes) and the office (timeline, void). Each checks
their queue and their notifications."""

import pytest
from django.utils import timezone

from liangze.core.testing.fixtures import TEST_PASSWORD
from liangze.files.tests import samples
from liangze.officials.services import assignment_create
from liangze.officials.testing import make_official
from liangze.rectification.models import Problem
from liangze.rectification.services import ProblemDraft, problem_record_many
from liangze.rectification.tests.conftest import photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(context, live_server, username):
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    return page


def status_of(page):
    return page.get_attribute("[data-testid=status]", "data-status")


def unread(page) -> int:
    page.wait_for_load_state("networkidle")
    badge = page.locator("[data-testid=unread-count]")
    return int(badge.inner_text()) if badge.count() else 0


@pytest.fixture
def official_user(county_staff, regions, shop):
    official = make_official(actor=county_staff, division=regions.village, serial=7)
    user = official.user
    user.set_password(TEST_PASSWORD)
    user.must_change_password = False
    user.save()
    assignment_create(actor=county_staff, official=official, business=shop)
    return user


def test_four_personas_walk_problems_through_every_state(
    browser, live_server, county_staff, regulator, director, official_user, shop, regions
):
    fix_photo = {"name": "fix.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg()}
    found = [
        problem_record_many(
            actor=official_user,
            business=shop,
            source="visit",
            source_id=1,
            found_at=timezone.now(),
            drafts=[
                ProblemDraft(
                    description=text, severity=sev, photos=[photo(county_staff, shop.division)]
                )
            ],
        )[0]
        for text, sev in [
            ("地面积水", "general"),
            ("未公示许可证", "general"),
            ("过期食品", "serious"),
        ]
    ]
    a, b, c = (p.pk for p in found)
    u = live_server.url

    # Regulator: three new problems pushed; accept two in bulk, file a case on the third.
    reg = browser.new_context(viewport=PHONE)
    page = log_in(reg, live_server, regulator.username)
    assert unread(page) == 3
    page.goto(f"{u}/problems/queue/")
    assert page.locator("[data-testid=queue-new] [data-testid=problem]").count() == 3
    page.uncheck(f"[data-testid=queue-new] input[value='{c}']")
    page.click("[data-testid=bulk-accept]")
    page.goto(f"{u}/problems/{c}/")
    page.fill("form:has([data-testid=escalate]) input[name=case_number]", "格市监立〔2026〕1号")
    page.click("[data-testid=escalate]")
    assert status_of(page) == "escalated"

    # Director: told of three; fixes A with a photo, disputes B.
    biz = browser.new_context(viewport=PHONE)
    page = log_in(biz, live_server, director.username)
    assert unread(page) == 3
    page.goto(f"{u}/problems/mine/")
    assert page.locator("[data-testid=problem]").count() == 3
    page.goto(f"{u}/problems/{a}/")
    page.fill("form:has([data-testid=rectify]) textarea[name=note]", "已清理积水")
    page.set_input_files("form:has([data-testid=rectify]) input[name=photos]", [fix_photo])
    page.click("[data-testid=rectify]")
    assert status_of(page) == "rectified"
    page.goto(f"{u}/problems/{b}/")
    assert page.locator("[data-testid=accept]").count() == 0
    page.fill("form:has([data-testid=dispute-button]) textarea[name=reason]", "许可证已公示")
    page.click("[data-testid=dispute-button]")
    assert page.locator("[data-testid=dispute]").count() == 1

    # Regulator: A waits for verification; not enough, sent back. B's dispute upheld: void.
    page = reg.pages[0]
    page.goto(f"{u}/problems/queue/")
    assert page.locator(f"[data-testid=queue-verify] [data-id='{a}']").count() == 1
    page.goto(f"{u}/problems/{a}/")
    page.fill("form:has([data-testid=reject]) textarea[name=note]", "仍有积水")
    page.click("[data-testid=reject]")
    assert status_of(page) == "accepted"
    page.goto(f"{u}/problems/{b}/")
    page.select_option("form:has([data-testid=void]) select[name=kind]", "dispute_upheld")
    page.fill("form:has([data-testid=void]) input[name=reason]", "核实已公示")
    page.click("[data-testid=void]")
    assert status_of(page) == "void"

    # Director fixes A again.
    page = biz.pages[0]
    page.goto(f"{u}/problems/{a}/")
    page.fill("form:has([data-testid=rectify]) textarea[name=note]", "再次清理并加装地漏")
    page.set_input_files("form:has([data-testid=rectify]) input[name=photos]", [fix_photo])
    page.click("[data-testid=rectify]")
    assert status_of(page) == "rectified"

    # Official: told a fix awaits; opens it from the notification and closes it by re-check.
    off = browser.new_context(viewport=PHONE)
    page = log_in(off, live_server, official_user.username)
    assert unread(page) >= 1
    page.goto(f"{u}/notifications/")
    page.locator("[data-kind=problem_rectified] button").first.click()
    page.wait_for_url(f"{u}/problems/{a}/")
    page.click("[data-testid=recheck]")
    assert status_of(page) == "closed"

    # Office: the whole timeline, printable; voids the escalated one entered in error.
    office = browser.new_context(viewport=PHONE)
    page = log_in(office, live_server, county_staff.username)
    page.goto(f"{u}/problems/{a}/print/")
    actions = page.eval_on_selector_all(
        "[data-testid=timeline] li", "items => items.map(i => i.dataset.action)"
    )
    assert actions == [
        "problem_recorded",
        "problem_pushed",
        "problem_accepted",
        "problem_rectified",
        "problem_rejected",
        "problem_rectified",
        "problem_rechecked",
    ]
    page.goto(f"{u}/problems/{c}/")
    page.select_option("form:has([data-testid=void]) select[name=kind]", "error")
    page.fill("form:has([data-testid=void]) input[name=reason]", "误录")
    page.click("[data-testid=void]")
    assert status_of(page) == "void"

    # The director hears the end of each: A closed, B and C voided.
    page = biz.pages[0]
    page.goto(f"{u}/notifications/")
    kinds = page.eval_on_selector_all(
        "[data-testid=notification]", "items => items.map(i => i.dataset.kind)"
    )
    assert kinds.count("problem_closed") == 1 and kinds.count("problem_void") == 2
    assert dict(Problem.objects.values_list("pk", "status")) == {
        a: "closed",
        b: "void",
        c: "void",
    }
