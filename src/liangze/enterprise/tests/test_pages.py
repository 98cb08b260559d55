from datetime import timedelta

import pytest
from django.urls import reverse

from liangze.businesses.public_selectors import public_business_card
from liangze.enterprise import periods, services
from liangze.enterprise.models import DailyCheck, MonthlyMeeting, SelfCheckNotice, WeeklyReview

pytestmark = pytest.mark.django_db

# A 1×1 white PNG as signature.js sends it.
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+h"
    "HgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


def test_home_is_the_day_and_all_pass_is_one_post(client_for, shop, officer):
    client = client_for(officer)
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert b'data-testid="all-pass"' in page.content
    done = client.post(reverse("enterprise:daily_check", args=[shop.pk]), {"all_pass": "1"})
    assert done.status_code == 302
    check = DailyCheck.objects.get()
    assert (check.business, check.author, check.failures) == (shop, officer, 0)
    page = client.get(reverse("enterprise:home"))
    assert b'data-testid="today-done"' in page.content


def test_failed_item_from_the_form(client_for, shop, officer):
    point = services.current_risk_list(shop).points.filter(frequency="day").first()
    client_for(officer).post(
        reverse("enterprise:daily_check", args=[shop.pk]),
        {f"fail_{point.pk}": "1", f"problem_{point.pk}": "留样不足"},
    )
    assert DailyCheck.objects.get().items.get().problem == "留样不足"


def test_other_businesses_staff_cannot_keep_records(client_for, shop, county_staff, regions):
    from liangze.businesses.testing import make_business
    from liangze.enterprise.testing import make_staff

    other = make_business(actor=county_staff, division=regions.village, serial=2)
    stranger = make_staff(business=other, username="stranger")
    response = client_for(stranger).post(
        reverse("enterprise:daily_check", args=[shop.pk]), {"all_pass": "1"}
    )
    assert response.status_code == 404
    # The office reads, but keeps no records for the business.
    response = client_for(county_staff).post(
        reverse("enterprise:daily_check", args=[shop.pk]), {"all_pass": "1"}
    )
    assert response.status_code == 403
    assert not DailyCheck.objects.exists()


def test_director_files_review_and_minutes(client_for, shop, director):
    client = client_for(director)
    response = client.post(
        reverse("enterprise:weekly_review", args=[shop.pk]), {"rating": "1", "problems": ""}
    )
    assert response.status_code == 302
    assert WeeklyReview.objects.get().rating == 1
    response = client.post(
        reverse("enterprise:monthly_meeting", args=[shop.pk]),
        {
            "held_on": periods.today().isoformat(),
            "place": "会议室",
            "chair": "李总",
            "attendees": "李总、王总监",
            "summary": "本月无异常",
            "signature": PNG,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = MonthlyMeeting.objects.get()
    assert meeting.signature is not None and meeting.signature.kind == "signature"


def test_official_and_regulator_see_records_and_gaps(client_for, shop, officer, regulator):
    services.daily_check_submit(actor=officer, business=shop)
    page = client_for(regulator).get(reverse("enterprise:business", args=[shop.pk]))
    assert page.status_code == 200
    assert page.content.count(b'data-testid="record-check"') == 1
    gaps = client_for(regulator).get(reverse("enterprise:gaps"))
    assert gaps.status_code == 200
    # No review last week and no minutes last month: the shop shows as a gap.
    assert shop.name.encode() in gaps.content


def test_public_page_shows_last_check_and_week(shop, officer):
    assert public_business_card(token=shop.public_token).last_self_check is None
    services.daily_check_submit(
        actor=officer, business=shop, on=periods.today() - timedelta(days=1)
    )
    card = public_business_card(token=shop.public_token)
    assert card.last_self_check.on == periods.today() - timedelta(days=1)
    assert "not yet" in card.last_self_check.outcome or "尚未" in card.last_self_check.outcome
    services.weekly_review_submit(actor=officer, business=shop, rating=1)
    card = public_business_card(token=shop.public_token)
    assert (
        "not yet" not in card.last_self_check.outcome and "尚未" not in card.last_self_check.outcome
    )


def _last_self_checks_by_the_orm(business_ids) -> dict:
    """The public page's self-checks read through the ORM: what the hand-written statement of
    selectors.last_self_checks must answer."""
    week = periods.week_start(periods.today())
    found = {}
    for pk in business_ids:
        last = DailyCheck.objects.filter(business_id=pk).order_by("-on").first()
        reviewed = WeeklyReview.objects.filter(business_id=pk, week_start=week).exists()
        if last or reviewed:
            found[pk] = (last.on if last else None, reviewed)
    return found


def test_the_hand_written_self_checks_answer_as_the_orm_does(shop, officer, county_staff):
    from liangze.businesses.testing import make_business
    from liangze.enterprise.selectors import last_self_checks

    other = make_business(actor=county_staff, division=shop.division, serial=5)
    ids = [shop.pk, other.pk]
    answers = [last_self_checks(ids)]
    for days_ago in (0, 1):  # out of order: the latest day counts, not the latest written
        services.daily_check_submit(
            actor=officer, business=shop, on=periods.today() - timedelta(days=days_ago)
        )
        answers.append(last_self_checks(ids))
        assert answers[-1] == _last_self_checks_by_the_orm(ids)
    services.weekly_review_submit(actor=officer, business=shop, rating=1)
    answers.append(last_self_checks(ids))
    assert answers[-1] == _last_self_checks_by_the_orm(ids)
    today = periods.today()
    assert answers == [
        {},
        {shop.pk: (today, False)},
        {shop.pk: (today, False)},
        {shop.pk: (today, True)},
    ]


def test_reminders_officer_in_the_evening_director_next_morning(shop, officer, director):
    today = periods.today()
    assert services.self_check_reminders_send(evening=True, today=today) == 1
    notice = SelfCheckNotice.objects.get()
    assert (notice.user, notice.topic) == (officer, SelfCheckNotice.Topic.DAILY_MISSING)
    assert services.self_check_reminders_send(evening=True, today=today) == 0  # once only
    tomorrow = today + timedelta(days=1)
    assert services.self_check_reminders_send(evening=False, today=tomorrow) == 1
    assert SelfCheckNotice.objects.filter(
        user=director, topic=SelfCheckNotice.Topic.DAILY_MISSED
    ).exists()
    # A checked day reminds nobody.
    services.daily_check_submit(actor=officer, business=shop, on=today - timedelta(days=1))
    assert services.self_check_reminders_send(evening=False, today=today) == 0
    assert services.self_check_reminders_send(evening=True, today=today) == 0


def test_enrolment_page_opens_an_account(client, shop, county_staff):
    from liangze.accounts.models import Role, User

    issued = services.enrolment_code_issue(
        actor=county_staff, business=shop, role=Role.BUSINESS_OFFICER
    )
    response = client.post(
        reverse("enterprise:enrol"),
        {
            "uscc": shop.uscc,
            "code": issued.code,
            "username": "self_made",
            "display_name": "自助注册",
            "password": "another-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="self_made").jurisdiction().business_ids == (shop.pk,)


def test_a_failed_item_opened_in_the_closed_loop(client_for, shop, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liangze.files.tests import samples
    from liangze.rectification.models import Problem, ProblemSource, ProblemStatus

    point = services.current_risk_list(shop).points.filter(frequency="day").first()
    url = reverse("enterprise:daily_check", args=[shop.pk])
    data = {f"fail_{point.pk}": "1", f"problem_{point.pk}": "冷库制冷故障", f"open_{point.pk}": "1"}
    refused = client_for(officer).post(url, data)
    assert refused.status_code == 422
    assert not DailyCheck.objects.exists() and not Problem.objects.exists()
    photo = SimpleUploadedFile("found.png", samples.png(), content_type="image/png")
    done = client_for(officer).post(url, {**data, f"photo_{point.pk}": photo})
    assert done.status_code == 302
    check = DailyCheck.objects.get()
    problem = Problem.objects.get()
    assert (problem.source, problem.source_id, problem.status) == (
        ProblemSource.SELF_CHECK,
        check.pk,
        ProblemStatus.OPEN,
    )
    assert "冷库制冷故障" in problem.description
    assert problem.photos.count() == 1


def test_office_creates_a_staff_account_in_a_page(client_for, shop, county_staff):
    from liangze.accounts.models import Role, User

    client = client_for(county_staff)
    page = client.get(reverse("enterprise:business", args=[shop.pk]))
    url = reverse("enterprise:staff_account_new", args=[shop.pk])
    assert url.encode() in page.content
    response = client.post(
        url, {"display_name": "新总监", "username": "new_director", "role": "business_director"}
    )
    assert response.status_code == 200
    assert b'data-testid="one-time-password"' in response.content
    user = User.objects.get(username="new_director")
    assert user.jurisdiction().business_ids == (shop.pk,)
    assert user.active_grants()[0].role == Role.BUSINESS_DIRECTOR
    # Shown once: the form page does not show it again.
    assert b"one-time-password" not in client.get(url).content


def test_staff_account_refusal_is_a_form_error_in_chinese(client_for, shop, county_staff):
    client = client_for(county_staff)
    url = reverse("enterprise:staff_account_new", args=[shop.pk])
    data = {"display_name": "甲", "username": "taken_name", "role": "business_officer"}
    assert client.post(url, data).status_code == 200
    response = client.post(url, {**data, "display_name": "乙"})
    assert response.status_code == 422
    assert b"one-time-password" not in response.content
    # The service's refusal sits on the username field, in the default language.
    field = response.content.decode().split('for="id_username"')[1].split('class="field')[0]
    assert "该用户名已被使用" in field


def test_staff_account_page_refused_outside_the_office(
    client_for, shop, officer, regulator, outsider
):
    from liangze.audit.models import AuditEvent

    url = reverse("enterprise:staff_account_new", args=[shop.pk])
    for user in (officer, regulator):
        assert client_for(user).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() >= 2
    assert b'data-testid="staff-account-link"' not in (
        client_for(regulator).get(reverse("enterprise:business", args=[shop.pk])).content
    )


def test_province_office_edits_the_starter_list_used_by_new_businesses(
    client_for, province_staff, county_staff, regions
):
    from liangze.businesses.testing import make_business
    from liangze.enterprise.starter import starter_rows
    from liangze.regions.models import Division

    client = client_for(province_staff)
    assert b"starter-province" in client.get(reverse("enterprise:starter_lists")).content
    url = reverse("enterprise:starter_edit", args=[regions.province.pk, "catering"])
    shipped = starter_rows("catering")
    page = client.get(url)
    assert shipped[0]["point"] in page.content.decode()
    data = {
        "points-TOTAL_FORMS": "2",
        "points-INITIAL_FORMS": "0",
        "points-0-stage": "原料采购",
        "points-0-point": "省定风险点",
        "points-0-measure": "索证索票",
        "points-0-frequency": "week",
        "points-1-frequency": "day",
    }
    assert client.post(url, data).status_code == 302
    business = make_business(actor=county_staff, division=regions.village, serial=7)
    started = services.risk_list_save(actor=county_staff, business=business)
    assert [(p.point, p.frequency) for p in started.points.all()] == [("省定风险点", "week")]
    # Another province still starts from the shipped set.
    other = Division.objects.create(
        code="620000000000",
        name="甘肃省",
        level=regions.province.level,
        path="620000000000"[: len(regions.province.path)],
        vintage=2023,
    )
    assert services.template_rows(province=other, group="catering") == shipped


def test_county_staff_may_not_edit_starter_lists(client_for, county_staff, regions):
    from liangze.audit.models import AuditEvent
    from liangze.enterprise.models import RiskTemplatePoint

    client = client_for(county_staff)
    assert client.get(reverse("enterprise:starter_lists")).status_code == 403
    url = reverse("enterprise:starter_edit", args=[regions.province.pk, "catering"])
    data = {"points-TOTAL_FORMS": "0", "points-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 403
    assert AuditEvent.objects.filter(action="access_denied").count() == 2
    assert not RiskTemplatePoint.objects.exists()


def test_a_starter_list_id_that_names_no_province_is_refused_like_a_foreign_one(
    client_for, county_staff, province_staff, admin_user, regions
):
    """docs/domain.md §1.13: one answer (officials.access.province_by_id) for every page."""
    ours = reverse("enterprise:starter_edit", args=[regions.province.pk, "catering"])
    missing = reverse("enterprise:starter_edit", args=[2000000000, "catering"])
    below = reverse("enterprise:starter_edit", args=[regions.county.pk, "catering"])
    client = client_for(county_staff)
    assert [client.get(url).status_code for url in (ours, missing, below)] == [403, 403, 403]
    admin = client_for(admin_user)
    assert [admin.get(url).status_code for url in (ours, missing, below)] == [200, 404, 404]
    unknown_group = reverse("enterprise:starter_edit", args=[regions.province.pk, "spaceship"])
    assert client_for(province_staff).get(unknown_group).status_code == 404
