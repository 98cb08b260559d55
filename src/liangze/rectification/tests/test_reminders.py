"""Reminders and overdue notices, run as the scheduler runs them, with the clock frozen."""

from datetime import datetime, time, timedelta
from unittest import mock

from django.core import mail
from django.utils import timezone

from liangze.jobs import schedule
from liangze.notifications.models import Notification
from liangze.notifications.sms import LocmemSmsBackend
from liangze.rectification import services
from liangze.rectification.reminders import problem_reminders_run


def _at(day):
    """Frozen time: 07:30 Shanghai on `day`."""
    moment = timezone.make_aware(datetime.combine(day, time(7, 30)))
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_the_daily_job_is_scheduled():
    assert "problem_reminders" in {job.name for job in schedule.PERIODIC_JOBS}


def test_reminders_and_the_overdue_notice_on_their_days(
    record,
    regulator,
    director,
    county_staff,
    township_staff,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.LIANGZE_SMS_BACKEND = "liangze.notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    director.email, director.phone = "boss@example.com", "13900000000"
    director.save()
    today = timezone.localdate()
    waiting = record()
    accepted = record(severity="serious")
    services.problem_accept(actor=regulator, problem=accepted)
    deadline = accepted.deadline
    assert deadline == today + timedelta(days=7)
    Notification.objects.all().delete()

    def run(day):
        with _at(day), django_capture_on_commit_callbacks(execute=True):
            return problem_reminders_run.call()

    assert run(today + timedelta(days=2)) == {"due": 0, "not_accepted": 0, "overdue": 0}
    # Pushed three days ago and not accepted: the regulator hears of it.
    assert run(today + timedelta(days=3))["not_accepted"] == 1
    assert _kinds(regulator) == ["problem_not_accepted"]
    # Three days before the deadline: the business (in the app, by mail and SMS).
    assert run(deadline - timedelta(days=3))["due"] == 1
    assert _kinds(director) == ["problem_due_soon"]
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    assert [m.phone for m in LocmemSmsBackend.outbox] == ["13900000000"]
    # Overdue is shown, not a state; seven days past it the office above the township is told.
    assert run(deadline + timedelta(days=6))["overdue"] == 0
    assert run(deadline + timedelta(days=7))["overdue"] == 1
    assert _kinds(county_staff) == ["problem_overdue_notice"]
    assert _kinds(township_staff) == []
    accepted.refresh_from_db()
    assert accepted.status == "accepted"
    # The next day nobody is told again.
    assert run(deadline + timedelta(days=8)) == {"due": 0, "not_accepted": 0, "overdue": 0}
    assert waiting.status == "pushed"


def test_the_queue_shows_as_due_soon_what_the_provinces_reminder_warns_of(
    record, regulator, regions
):
    """The regulator's "due soon" follows the province's reminder days, not the default."""
    from liangze.rectification.models import LoopRule
    from liangze.rectification.selectors import regulator_queue

    problem = record(severity="serious")
    services.problem_accept(actor=regulator, problem=problem)
    problem.refresh_from_db()
    five_before = problem.deadline - timedelta(days=5)
    assert problem not in regulator_queue(viewer=regulator, today=five_before)["due_soon"]
    LoopRule.objects.create(
        province=regions.province,
        serious_days=7,
        general_days=15,
        reminder_days=5,
        accept_reminder_days=3,
        overdue_notice_days=7,
    )
    queue = regulator_queue(viewer=regulator, today=five_before)
    assert list(queue["due_soon"]) == [problem]
    assert (
        problem
        not in regulator_queue(viewer=regulator, today=five_before - timedelta(days=1))["due_soon"]
    )
