from datetime import timedelta

import pytest
from django.utils import timezone

from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditEvent
from liangze.core.errors import Conflict, Invalid, Throttled
from liangze.enterprise import periods, services
from liangze.enterprise.models import (
    DailyCheck,
    DailyCheckFailure,
    EnrolmentCode,
    RiskPoint,
    SafetyDirector,
    SelfCheckNotice,
)
from liangze.officials.testing import make_official

pytestmark = pytest.mark.django_db


def test_clean_day_is_one_row(shop, officer):
    check = services.daily_check_submit(actor=officer, business=shop)
    assert check.failures == 0 and not check.late
    assert DailyCheck.objects.count() == 1
    assert DailyCheckFailure.objects.count() == 0
    assert AuditEvent.objects.filter(action="daily_check_submitted").count() == 1


def test_failed_items_are_rows_against_the_list_version(shop, officer):
    risk_list = services.current_risk_list(shop)
    point = risk_list.points.filter(frequency="day").first()
    check = services.daily_check_submit(
        actor=officer,
        business=shop,
        failures=[{"risk_point_id": point.pk, "problem": "冷柜温度12℃", "owner": "张三"}],
    )
    assert check.failures == 1
    assert check.items.get().risk_point == point
    # A new version of the list leaves the record on the version it was made against.
    rows = list(RiskPoint.objects.filter(risk_list=risk_list).values())[:3]
    new = services.risk_list_save(actor=officer, business=shop, rows=rows, note="精简")
    assert new.version == risk_list.version + 1
    check.refresh_from_db()
    assert check.risk_list_id == risk_list.pk
    assert risk_list.points.count() > 3


def test_failure_must_name_a_point_of_the_list(shop, officer):
    with pytest.raises(Invalid):
        services.daily_check_submit(
            actor=officer, business=shop, failures=[{"risk_point_id": 999999, "problem": "x"}]
        )
    assert not DailyCheck.objects.exists()


def test_entry_window_today_yesterday_only(shop, officer):
    today = periods.today()
    late = services.daily_check_submit(actor=officer, business=shop, on=today - timedelta(days=1))
    assert late.late
    for day in (today - timedelta(days=2), today + timedelta(days=1)):
        with pytest.raises(Invalid) as caught:
            services.daily_check_submit(actor=officer, business=shop, on=day)
        assert caught.value.code == "period_closed"


def test_correction_is_a_new_record_once(shop, officer):
    first = services.daily_check_submit(actor=officer, business=shop)
    second = services.daily_check_submit(
        actor=officer, business=shop, note="补记", corrects_id=first.pk
    )
    assert second.corrects == first
    assert DailyCheck.objects.count() == 2
    with pytest.raises(Conflict):
        services.daily_check_submit(actor=officer, business=shop, corrects_id=first.pk)


def test_weekly_review_windows_and_rating(shop, director):
    this_week = periods.week_start(periods.today())
    review = services.weekly_review_submit(actor=director, business=shop, rating=1)
    assert review.week_start == this_week and not review.late
    last = services.weekly_review_submit(
        actor=director, business=shop, week_start=this_week - timedelta(days=7), rating=1
    )
    assert last.late
    with pytest.raises(Invalid):
        services.weekly_review_submit(
            actor=director, business=shop, week_start=this_week - timedelta(days=14), rating=1
        )
    with pytest.raises(Invalid):  # not a Monday
        services.weekly_review_submit(
            actor=director, business=shop, week_start=this_week + timedelta(days=1), rating=1
        )
    with pytest.raises(Invalid):  # hazards need words
        services.weekly_review_submit(actor=director, business=shop, rating=2)


def test_week_rated_three_notifies_the_covering_official(shop, director, county_staff, regions):
    from liangze.officials.services import assignment_create

    official = make_official(actor=county_staff, division=regions.village, serial=7)
    assignment_create(actor=county_staff, business=shop, official=official)
    review = services.weekly_review_submit(
        actor=director, business=shop, rating=3, problems="后厨鼠迹"
    )
    notice = SelfCheckNotice.objects.get()
    assert notice.user == official.user
    assert notice.topic == SelfCheckNotice.Topic.WEEK_SERIOUS
    assert notice.key == f"week3:{review.pk}"
    services.weekly_review_submit(actor=director, business=shop, rating=1)
    assert SelfCheckNotice.objects.count() == 1


def test_monthly_minutes_need_a_signature(shop, director):
    today = periods.today()
    fields = {
        "held_on": today,
        "place": "会议室",
        "chair": "李总",
        "attendees": "李总、王总监、张安全员",
        "summary": "本月日查无异常",
    }
    with pytest.raises(Invalid) as caught:
        services.monthly_meeting_submit(actor=director, business=shop, **fields)
    assert "signature" in caught.value.fields


def test_director_appointment_replaces_the_current_one(shop, county_staff):
    first = services.director_appoint(
        actor=county_staff,
        business=shop,
        name="王一",
        appointed_on=periods.today() - timedelta(days=30),
    )
    second = services.director_appoint(actor=county_staff, business=shop, name="王二")
    first.refresh_from_db()
    assert first.ended_on == periods.today() - timedelta(days=1)
    assert list(SafetyDirector.objects.filter(ended_on__isnull=True)) == [second]


def test_removing_an_officer_takes_their_role(shop, officer, director):
    from liangze.enterprise.models import SafetyOfficer

    appointment = SafetyOfficer.objects.get(user=officer)
    services.safety_person_end(actor=director, person=appointment)
    assert not RoleGrant.objects.filter(user=officer, revoked_at__isnull=True).exists()
    with pytest.raises(Conflict):
        services.safety_person_end(actor=director, person=appointment)


def _redeem(shop, code, username="new_officer", ip="10.0.0.1"):
    return services.enrolment_redeem(
        uscc=shop.uscc,
        code=code,
        username=username,
        display_name="新安全员",
        phone="",
        password="a-long-enough-passphrase-42",
        client_ip=ip,
    )


def test_enrolment_is_single_use(shop, county_staff):
    issued = services.enrolment_code_issue(
        actor=county_staff, business=shop, role=Role.BUSINESS_OFFICER
    )
    user = _redeem(shop, issued.code.lower())
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.business) == (Role.BUSINESS_OFFICER, shop)
    assert user.check_password("a-long-enough-passphrase-42")
    with pytest.raises(Invalid):
        _redeem(shop, issued.code, username="second")
    assert not User.objects.filter(username="second").exists()


def test_enrolment_expires_after_seven_days(shop, county_staff):
    issued = services.enrolment_code_issue(
        actor=county_staff, business=shop, role=Role.BUSINESS_DIRECTOR
    )
    EnrolmentCode.objects.filter(pk=issued.enrolment.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(Invalid):
        _redeem(shop, issued.code)


def test_enrolment_attempts_are_limited_even_when_wrong(shop, county_staff):
    issued = services.enrolment_code_issue(
        actor=county_staff, business=shop, role=Role.BUSINESS_OFFICER
    )
    for attempt in range(services.ENROLMENT_PER_CODE.count):
        with pytest.raises(Invalid):
            _redeem(shop, f"WRONG{attempt}", ip=f"10.0.1.{attempt}")
    with pytest.raises(Throttled):
        _redeem(shop, issued.code, ip="10.0.2.1")


def test_staff_account_made_by_the_office_holds_its_role_on_the_business(shop, county_staff):
    issued = services.staff_account_create(
        actor=county_staff,
        business=shop,
        role=Role.BUSINESS_DIRECTOR,
        username="dir2",
        display_name="总监二",
    )
    assert issued.user.jurisdiction().business_ids == (shop.pk,)


def test_contact_details_but_not_identity(shop, director):
    services.enterprise_profile_update(
        actor=director,
        business=shop,
        contact_name="赵六",
        contact_phone="13900001111",
        operating_weekdays="12345",
        people_served=300,
    )
    shop.refresh_from_db()
    assert shop.contact_name == "赵六"
    assert services.profile_of(shop).operating_weekdays == "12345"
    with pytest.raises(Invalid):
        services.enterprise_profile_update(actor=director, business=shop, operating_weekdays="89")


def test_province_starter_set_replaces_the_shipped_one(county_staff, province_staff, regions):
    from liangze.businesses.testing import make_business

    rows = [{"stage": "自定义", "point": "省级风险点", "measure": "检查", "frequency": "day"}]
    services.risk_template_save(
        actor=province_staff, province=regions.province, group="catering", rows=rows
    )
    business = make_business(actor=county_staff, division=regions.village, serial=9)
    risk_list = services.risk_list_save(actor=county_staff, business=business)
    assert [p.point for p in risk_list.points.all()] == ["省级风险点"]
