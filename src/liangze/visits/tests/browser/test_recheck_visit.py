"""A visit that re-checks earlier problems (回头看) at 360 px (docs/architecture.md#the-visit-form):
a refused re-check refuses the visit with its reason, the answers and the after photo are kept in
the draft across a closed tab, and the visit closes the problems as the closed loop's rules say
(docs/domain.md §1.6)."""

import pytest
from django.utils import timezone

from liangze.files.tests import samples
from liangze.rectification import services as loop
from liangze.rectification.models import CloseReason, Problem, ProblemStatus, Recheck
from liangze.rectification.services import ProblemDraft, problem_record_many
from liangze.visits.models import Visit
from liangze.visits.tests.browser.test_visit_form import (
    PHONE,
    SHOTS,
    log_in,
    official,  # noqa: F401 (a fixture)
    phone_context,
    watch,
)
from liangze.visits.tests.conftest import photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def earlier(official, regulator):  # noqa: F811 (the fixture imported above)
    """Two problems found at the official's shop earlier: one whose fix the business reported
    (rectified), one accepted with no fix reported yet."""
    shop = official.assignments.get().business
    made = {}
    for state, description in (("rectified", "后厨地面积水"), ("accepted", "无当日留样")):
        (problem,) = problem_record_many(
            actor=official.user,
            business=shop,
            source="visit",
            source_id=None,
            found_at=timezone.now(),
            drafts=[
                ProblemDraft(description=description, photos=[photo(official.user, shop.division)])
            ],
        )
        loop.problem_accept(actor=regulator, problem=problem)
        if state == "rectified":
            loop.problem_rectify(
                actor=regulator,
                problem=problem,
                note="已清理积水",
                photos=[photo(regulator, shop.division)],
            )
        made[state] = Problem.objects.get(pk=problem.pk)
    return made


def test_an_official_records_a_visit_that_rechecks_earlier_problems(
    browser,
    live_server,
    official,  # noqa: F811
    earlier,
    tmp_path,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    context = phone_context(browser, live_server)
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server, official.user.username)
    shop = official.assignments.get().business
    form_url = f"{live_server.url}/visits/new/{shop.pk}/"
    rectified, accepted = earlier["rectified"], earlier["accepted"]
    page.goto(form_url)
    page.check("[data-testid=mode-remote]")
    page.click("[data-testid=all-pass]")
    # Not fixed without a reason: the whole visit is refused, the reason named once.
    page.check(f"[data-testid=recheck-{rectified.pk}-not-fixed]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=client-errors]:not([hidden])")
    refusal = page.locator("[data-testid=client-errors] p")
    assert refusal.count() == 1 and "后厨地面积水" in refusal.text_content()
    assert not Visit.objects.exists()
    page.check(f"[data-testid=recheck-{rectified.pk}-fixed]")
    page.check(f"[data-testid=recheck-{accepted.pk}-fixed]")
    page.fill(f"[data-testid=recheck-{accepted.pk}-note]", "已补当日留样")
    after = tmp_path / "after.jpg"
    after.write_bytes(samples.jpeg(size=(64, 48)))
    page.set_input_files(f"[data-testid=recheck-{accepted.pk}-photo]", str(after))
    page.wait_for_selector(f"[data-photos-for=recheck-photo-{accepted.pk}]:not(:empty)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("[data-testid=rechecks]").screenshot(path=str(SHOTS / "visit-rechecks-360.png"))
    page.wait_for_timeout(300)
    page.close()

    # The tab was closed: the draft brings back the answers, the note and the photo.
    reopened = context.new_page()
    watch(reopened, problems)
    reopened.goto(form_url)
    reopened.wait_for_selector("[data-testid=draft-restored]:not([hidden])")
    assert reopened.is_checked(f"[data-testid=recheck-{rectified.pk}-fixed]")
    assert reopened.is_checked(f"[data-testid=recheck-{accepted.pk}-fixed]")
    assert reopened.input_value(f"[data-testid=recheck-{accepted.pk}-note]") == "已补当日留样"
    assert reopened.text_content(f"[data-photos-for=recheck-photo-{accepted.pk}]")
    reopened.click("[data-testid=submit]")
    reopened.wait_for_selector("[data-testid=visit]")
    assert reopened.locator("[data-testid=recheck]").count() == 2

    visit = Visit.objects.get()
    for problem in (rectified, accepted):
        stored = Problem.objects.get(pk=problem.pk)
        assert stored.status == ProblemStatus.CLOSED
        assert stored.close_reason == CloseReason.RECHECKED
    assert set(Recheck.objects.filter(visit=visit).values_list("problem_id", flat=True)) == {
        rectified.pk,
        accepted.pk,
    }
    fix = Problem.objects.get(pk=accepted.pk).rectifications.get()
    assert fix.note == "已补当日留样" and fix.photos.count() == 1
    # The problem's page names the visit that closed it.
    reopened.goto(f"{live_server.url}/problems/{accepted.pk}/")
    reopened.click("[data-testid=recheck-visit]")
    reopened.wait_for_selector("[data-testid=visit]")
    assert not problems, problems
