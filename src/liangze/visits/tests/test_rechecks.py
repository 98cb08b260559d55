"""Re-checks of earlier problems (回头看) recorded from the visit form (docs/domain.md §1.6): the
form lists what awaits the official's re-check, the visit records each through the closed loop's
one re-check service, in the visit's transaction, and one refused refuses the whole visit."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liangze.audit.models import AuditEvent
from liangze.businesses.testing import make_business
from liangze.core.errors import Conflict, Invalid
from liangze.files.tests import samples
from liangze.rectification import services as loop
from liangze.rectification.models import (
    CloseReason,
    Problem,
    ProblemStatus,
    Recheck,
    Rectification,
)
from liangze.rectification.services import ProblemDraft, problem_record_many
from liangze.visits.checklist import checklist_for
from liangze.visits.models import TaskStatus, Visit, VisitTask
from liangze.visits.services import RecheckAnswer, visit_rechecks_authorise, visit_submit
from liangze.visits.tests.conftest import clean_input, form_data, photo


@pytest.fixture
def earlier(covered, regulator):
    """A problem found at the shop earlier and walked on by the township regulator to `state`:
    `accepted` (no fix reported yet) or `rectified` (the fix reported, awaiting a re-check)."""
    shop, official = covered

    def make(state="rectified", *, business=None, description="后厨地面积水"):
        business = business or shop
        (problem,) = problem_record_many(
            actor=official.user,
            business=business,
            source="visit",
            source_id=None,
            found_at=timezone.now(),
            drafts=[
                ProblemDraft(
                    description=description, photos=[photo(official.user, business.division)]
                )
            ],
        )
        loop.problem_accept(actor=regulator, problem=problem)
        if state == "rectified":
            loop.problem_rectify(
                actor=regulator,
                problem=problem,
                note="已清理",
                photos=[photo(regulator, business.division)],
            )
        problem.refresh_from_db()
        assert problem.status == state
        return problem

    return make


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- the service ---------------------------------------------------------------------------


def test_a_visit_closes_a_rectified_problem_as_the_problem_page_does(covered, earlier):
    shop, official = covered
    by_visit, by_page = earlier(), earlier(description="餐具未消毒")
    visit = visit_submit(
        actor=official.user,
        data=clean_input(
            shop, timezone.now(), rechecks=[RecheckAnswer(problem=by_visit, fixed=True)]
        ),
    )
    loop.problem_recheck(actor=official.user, problem=by_page, fixed=True)
    closed = Problem.objects.get(pk=by_visit.pk)
    same = Problem.objects.get(pk=by_page.pk)
    assert (closed.status, closed.close_reason) == (same.status, same.close_reason)
    assert closed.status == ProblemStatus.CLOSED and closed.close_reason == CloseReason.RECHECKED
    check = Recheck.objects.get(problem=by_visit)
    assert check.visit == visit and check.kind == "revisit" and check.fixed
    assert Recheck.objects.get(problem=by_page).visit is None
    assert events("problem_rechecked") == 2 and events("visit_recorded") == 1
    recorded = AuditEvent.objects.get(action="visit_recorded")
    assert recorded.data["rechecks"] == 1
    assert VisitTask.objects.get(business=shop).status == TaskStatus.DONE


def test_not_fixed_sends_the_reported_fix_back_with_the_note(covered, earlier):
    shop, official = covered
    problem = earlier()
    with pytest.raises(Invalid) as refused:
        visit_submit(
            actor=official.user,
            data=clean_input(
                shop, timezone.now(), rechecks=[RecheckAnswer(problem=problem, fixed=False)]
            ),
        )
    assert set(refused.value.fields) == {f"recheck-{problem.pk}"}
    assert not Visit.objects.exists()
    problem.refresh_from_db()
    visit_submit(
        actor=official.user,
        data=clean_input(
            shop,
            timezone.now(),
            rechecks=[RecheckAnswer(problem=problem, fixed=False, note="仍有积水")],
        ),
    )
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ACCEPTED
    check = Recheck.objects.get()
    assert not check.fixed and check.note == "仍有积水" and check.visit == Visit.objects.get()


def test_a_fix_seen_before_it_was_reported_needs_its_note_and_photo(covered, earlier):
    shop, official = covered
    problem = earlier("accepted")
    with pytest.raises(Invalid) as refused:
        visit_submit(
            actor=official.user,
            data=clean_input(
                shop,
                timezone.now(),
                rechecks=[RecheckAnswer(problem=problem, fixed=True, note="已清理")],
            ),
        )
    assert refused.value.code == "rectification_invalid"
    assert list(refused.value.fields) == [f"recheck-{problem.pk}"]
    assert not Visit.objects.exists() and not Rectification.objects.exists()
    problem.refresh_from_db()
    visit_submit(
        actor=official.user,
        data=clean_input(
            shop,
            timezone.now(),
            rechecks=[
                RecheckAnswer(
                    problem=problem,
                    fixed=True,
                    note="已清理",
                    photos=[photo(official.user, shop.division)],
                )
            ],
        ),
    )
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.CLOSED
    fix = stored.rectifications.get()
    assert fix.reported_by == official.user and fix.photos.count() == 1


def test_a_refused_recheck_rolls_back_the_visit_and_its_audit_event(covered, earlier, regulator):
    shop, official = covered
    still, moved = earlier(), earlier(description="餐具未消毒")
    # The regulator verifies one of them after the official's form was opened.
    loop.problem_verify(actor=regulator, problem=Problem.objects.get(pk=moved.pk), fixed=True)
    data = clean_input(
        shop,
        timezone.now(),
        rechecks=[
            RecheckAnswer(problem=still, fixed=True),
            RecheckAnswer(problem=moved, fixed=True),
        ],
    )
    with pytest.raises(Conflict) as refused:
        visit_submit(actor=official.user, data=data)
    assert list(refused.value.fields) == [f"recheck-{moved.pk}"]
    assert "餐具未消毒" in refused.value.message
    assert not Visit.objects.exists() and events("visit_recorded") == 0
    assert Problem.objects.get(pk=still.pk).status == ProblemStatus.RECTIFIED
    assert not Recheck.objects.filter(kind="revisit").exists()
    assert events("problem_rechecked") == 0
    assert VisitTask.objects.get(business=shop).status == TaskStatus.DUE
    # Checked before the transaction too, the same answer.
    with pytest.raises(Conflict):
        visit_rechecks_authorise(
            actor=official.user,
            business=shop,
            idempotency_key=data.idempotency_key,
            rechecks=[RecheckAnswer(problem=Problem.objects.get(pk=moved.pk), fixed=True)],
        )


def test_the_same_key_twice_makes_one_visit_and_one_recheck(covered, earlier):
    shop, official = covered
    problem = earlier()
    data = clean_input(shop, timezone.now(), rechecks=[RecheckAnswer(problem=problem, fixed=True)])
    first = visit_submit(actor=official.user, data=data)
    visit_rechecks_authorise(
        actor=official.user,
        business=shop,
        idempotency_key=data.idempotency_key,
        rechecks=data.rechecks,
    )
    assert visit_submit(actor=official.user, data=data).pk == first.pk
    assert Visit.objects.count() == 1 and Recheck.objects.count() == 1


def test_only_problems_of_the_business_visited_and_each_once(covered, earlier, county_staff):
    shop, official = covered
    other = make_business(actor=county_staff, division=shop.division, serial=2, grade="D")
    elsewhere = earlier(business=other)
    here = earlier()
    for rechecks, code in (
        ([RecheckAnswer(problem=elsewhere, fixed=True)], "recheck_other_business"),
        (
            [RecheckAnswer(problem=here, fixed=True), RecheckAnswer(problem=here, fixed=True)],
            "recheck_twice",
        ),
    ):
        with pytest.raises(Invalid) as refused:
            visit_submit(
                actor=official.user, data=clean_input(shop, timezone.now(), rechecks=rechecks)
            )
        assert refused.value.code == code
    assert not Visit.objects.exists()
    assert {p.status for p in Problem.objects.all()} == {ProblemStatus.RECTIFIED}


# --- the page ------------------------------------------------------------------------------


def test_the_form_lists_only_problems_awaiting_a_recheck(client_for, covered, earlier, regulator):
    shop, official = covered
    client = client_for(official.user)
    url = reverse("visits:new", args=[shop.pk])
    empty = client.get(url).content
    assert b'data-testid="rechecks"' not in empty and b'data-testid="rechecks-waiting"' not in empty
    pushed = earlier()
    loop.problem_verify(actor=regulator, problem=pushed, fixed=True)  # closed: not listed
    rectified, accepted = (
        earlier(description="餐具未消毒"),
        earlier("accepted", description="无留样"),
    )
    page = client.get(url).content.decode()
    assert 'data-testid="rechecks"' in page and 'data-testid="rechecks-waiting"' in page
    assert f'data-testid="recheck-{rectified.pk}"' in page
    assert f'data-testid="recheck-{accepted.pk}"' in page
    assert f'data-testid="recheck-{pushed.pk}"' not in page
    # Send back only where the table allows it; the photo only where the fix is recorded.
    assert f'data-testid="recheck-{rectified.pk}-not-fixed"' in page
    assert f'data-testid="recheck-{accepted.pk}-not-fixed"' not in page
    assert f'name="recheck-photo-{accepted.pk}"' in page
    assert f'name="recheck-photo-{rectified.pk}"' not in page
    # A clean visit still counts with the section left as it is.
    assert client.post(url, form_data(shop)).status_code == 302
    assert {p.status for p in Problem.objects.exclude(pk=pushed.pk)} == {
        ProblemStatus.RECTIFIED,
        ProblemStatus.ACCEPTED,
    }


def test_posting_the_form_records_the_rechecks_shown_on_both_pages(client_for, covered, earlier):
    shop, official = covered
    rectified, accepted = earlier(), earlier("accepted", description="无留样")
    client = client_for(official.user)
    answer = client.post(
        reverse("visits:new", args=[shop.pk]),
        form_data(
            shop,
            **{
                f"recheck-{rectified.pk}": "fixed",
                f"recheck-{accepted.pk}": "fixed",
                f"recheck-note-{accepted.pk}": "已补留样",
                f"recheck-photo-{accepted.pk}": SimpleUploadedFile(
                    "a.jpg", samples.jpeg(), "image/jpeg"
                ),
            },
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    visit = Visit.objects.get()
    assert {r.problem_id for r in visit.rechecks.all()} == {rectified.pk, accepted.pk}
    assert set(Problem.objects.values_list("status", flat=True)) == {ProblemStatus.CLOSED}
    assert Problem.objects.get(pk=accepted.pk).photos.filter(stage="after").count() == 1
    detail = client.get(answer["Location"]).content.decode()
    assert detail.count('data-testid="recheck"') == 2
    assert reverse("rectification:detail", args=[accepted.pk]) in detail
    problem_page = client.get(reverse("rectification:detail", args=[rectified.pk]))
    assert reverse("visits:detail", args=[visit.pk]) in problem_page.content.decode()


def test_a_recheck_refused_on_the_page_shows_on_its_field(client_for, covered, earlier, regulator):
    shop, official = covered
    problem = earlier()
    client = client_for(official.user)
    url = reverse("visits:new", args=[shop.pk])
    client.get(url)
    loop.problem_verify(actor=regulator, problem=problem, fixed=True)
    data = form_data(shop, **{f"recheck-{problem.pk}": "fixed"})
    page = client.post(url, data)
    assert page.status_code == 200 and b'data-testid="form-error"' in page.content
    assert not Visit.objects.exists()
    refused = client.post(url, data, headers={"X-Visit-Outbox": "1"})
    assert refused.status_code == 409
    assert list(refused.json()["fields"]) == [f"recheck-{problem.pk}"]
    # A problem awaiting one and answered wrongly: the message beside it.
    other = earlier(description="餐具未消毒")
    page = client.post(url, form_data(shop, **{f"recheck-{other.pk}": "not_fixed"}))
    assert f'data-testid="recheck-{other.pk}-error"'.encode() in page.content
    assert not Visit.objects.exists()


def foreign_problem(outsider, regions):
    """A problem at a business of the neighbouring county."""
    foreign = make_business(actor=outsider, division=regions.neighbour_village, serial=9)
    (problem,) = problem_record_many(
        actor=outsider,
        business=foreign,
        source="visit",
        source_id=None,
        found_at=timezone.now(),
        drafts=[ProblemDraft(description="外县问题", photos=[photo(outsider, foreign.division)])],
    )
    return problem


def test_a_problem_out_of_reach_is_not_found_on_the_page(client_for, covered, outsider, regions):
    shop, official = covered
    problem = foreign_problem(outsider, regions)
    client = client_for(official.user)
    page = client.post(
        reverse("visits:new", args=[shop.pk]), form_data(shop, **{f"recheck-{problem.pk}": "fixed"})
    )
    assert page.status_code == 200 and not Visit.objects.exists()
    assert AuditEvent.objects.filter(
        action="access_denied", data__code="problem_not_found"
    ).exists()


# --- the API -------------------------------------------------------------------------------


def api_body(business, **extra):
    return {
        "business_id": business.pk,
        "idempotency_key": str(uuid.uuid4()),
        "visited_at": timezone.now().isoformat(),
        "mode": "remote",
        "items": [{"key": i.key, "result": "pass"} for i in checklist_for(business)],
        **extra,
    }


def test_the_api_records_rechecks_with_their_photos_once(client_for, covered, earlier):
    shop, official = covered
    rectified, accepted = earlier(), earlier("accepted", description="无留样")
    client = client_for(official.user)
    upload = client.post(
        "/api/v1/visits/photos",
        {"business_id": shop.pk, "file": SimpleUploadedFile("a.jpg", samples.jpeg(), "image/jpeg")},
    )
    body = api_body(
        shop,
        rechecks=[
            {"problem": rectified.pk, "fixed": True},
            {
                "problem": accepted.pk,
                "fixed": True,
                "note": "已补留样",
                "photo_ids": [upload.json()["id"]],
            },
        ],
    )
    made = client.post("/api/v1/visits", body, content_type="application/json")
    assert made.status_code == 201, made.content
    again = client.post("/api/v1/visits", body, content_type="application/json")
    assert again.json()["id"] == made.json()["id"]
    assert Visit.objects.count() == 1 and Recheck.objects.count() == 2
    listed = client.get(f"/api/v1/visits/{made.json()['id']}/rechecks").json()
    assert [(r["problem_id"], r["fixed"]) for r in listed] == [
        (rectified.pk, True),
        (accepted.pk, True),
    ]
    assert Problem.objects.get(pk=accepted.pk).photos.filter(stage="after").count() == 1


def test_the_api_refuses_what_the_visit_may_not_recheck(
    client_for, covered, earlier, county_staff, regulator, outsider, regions
):
    shop, official = covered
    client = client_for(official.user)

    def post(rechecks):
        return client.post(
            "/api/v1/visits", api_body(shop, rechecks=rechecks), content_type="application/json"
        )

    other = make_business(actor=county_staff, division=shop.division, serial=2, grade="D")
    elsewhere = earlier(business=other)
    refused = post([{"problem": elsewhere.pk, "fixed": True}])
    assert refused.status_code == 422 and refused.json()["code"] == "recheck_other_business"
    missing = post([{"problem": 2_000_000_000, "fixed": True}])
    foreign = post([{"problem": foreign_problem(outsider, regions).pk, "fixed": True}])
    assert missing.status_code == foreign.status_code == 404
    assert missing.json()["code"] == foreign.json()["code"] == "problem_not_found"
    problem = earlier()
    loop.problem_verify(actor=regulator, problem=problem, fixed=True)
    moved = post([{"problem": problem.pk, "fixed": True}])
    assert moved.status_code == 409 and list(moved.json()["fields"]) == [f"recheck-{problem.pk}"]
    assert not Visit.objects.exists()
