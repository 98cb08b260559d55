import pytest
from django.core.files.base import ContentFile

from liangze.businesses.models import PublicReport
from liangze.files.tests import samples
from liangze.rectification.models import Problem, ProblemStatus


@pytest.fixture
def as_user(client_for):
    return client_for


def test_the_loop_through_the_pages(as_user, record, regulator, director, village_official):
    problem = record()
    page = as_user(regulator).get("/problems/queue/")
    assert page.status_code == 200 and f'value="{problem.pk}"' in page.content.decode()
    as_user(regulator).post("/problems/queue/accept/", {"problem": [problem.pk]})
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ACCEPTED

    client = as_user(director)
    assert str(problem.description) in client.get("/problems/mine/").content.decode()
    assert 'data-testid="unread-count"' in client.get("/notifications/badge/").content.decode()
    upload = ContentFile(samples.jpeg(), "fix.jpg")
    client.post(f"/problems/{problem.pk}/rectify/", {"note": "已整改", "photos": [upload]})
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFIED

    as_user(village_official).post(f"/problems/{problem.pk}/recheck/", {"note": "好"})
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLOSED
    detail = as_user(regulator).get(f"/problems/{problem.pk}/print/").content.decode()
    assert "problem_rechecked" in detail and "problem_rectified" in detail


def test_a_forbidden_move_is_refused_on_the_page(as_user, record, director, regulator):
    problem = record()
    response = as_user(director).post(f"/problems/{problem.pk}/accept/", {})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.PUSHED


def test_out_of_reach_is_not_found(as_user, record, outsider):
    problem = record()
    assert as_user(outsider).get(f"/problems/{problem.pk}/").status_code == 404


def test_public_reports_inbox(as_user, shop, regulator, county_staff, village_official, director):
    report = PublicReport.objects.create(
        business=shop, description="餐具不洁", contact_phone="13800000000"
    )
    other = PublicReport.objects.create(business=shop, description="价格", contact_phone="")
    page = as_user(regulator).get("/problems/reports/").content.decode()
    assert "13800000000" in page
    assert as_user(director).get("/problems/reports/").status_code == 403
    assert as_user(village_official).get("/problems/reports/").status_code == 403
    queue = as_user(regulator).get("/problems/queue/").content.decode()
    assert 'data-testid="reports-count">2<' in queue
    as_user(county_staff).post(f"/problems/reports/{other.pk}/", {"note": "已电话回复"})
    as_user(regulator).post(
        f"/problems/reports/{report.pk}/", {"as_problem": "1", "severity": "serious"}
    )
    problem = Problem.objects.get(source="public_report")
    assert problem.status == ProblemStatus.PUSHED and problem.source_id == report.pk
    assert "13800000000" in as_user(regulator).get(f"/problems/{problem.pk}/").content.decode()
    assert "13800000000" not in as_user(director).get(f"/problems/{problem.pk}/").content.decode()
    assert "已电话回复" not in as_user(regulator).get("/problems/reports/").content.decode()
    assert 'data-testid="empty"' in as_user(regulator).get("/problems/reports/").content.decode()


def test_home_tiles_count_reports_and_queue(
    as_user, shop, record, regulator, county_staff, director
):
    record()
    PublicReport.objects.create(business=shop, description="x")
    page = as_user(county_staff).get("/").content.decode()
    assert 'data-testid="reports-count">1<' in page and "queue-tile" not in page
    page = as_user(regulator).get("/").content.decode()
    assert 'data-testid="reports-count">1<' in page and "queue-tile" in page
    # Business staff land on their day's work, which carries their unfinished problems.
    page = as_user(director).get("/", follow=True).content.decode()
    assert "today-check" in page or "no-risk-list" in page
    assert "reports-tile" not in page and "ours-tile" in page
