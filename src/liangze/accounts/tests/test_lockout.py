from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from liangze.accounts import services
from liangze.accounts.lockout import MAX_COOLOFF, cooloff_time
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.templatetags.display import duration
from liangze.core.testing.fixtures import TEST_PASSWORD


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(None, 15), (0, 15), (5, 15), (9, 15), (10, 30), (15, 60), (20, 120)],
)
def test_each_repeat_lockout_doubles_the_cool_off(settings, failures, minutes):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LIANGZE_LOGIN_COOLOFF_BASE = timedelta(minutes=15)
    request = RequestFactory().post("/accounts/login/")
    request.axes_failures_since_start = failures
    assert cooloff_time(request) == timedelta(minutes=minutes)


def test_the_cool_off_is_capped_at_a_day_and_never_permanent(settings):
    settings.AXES_FAILURE_LIMIT = 5
    request = RequestFactory().post("/accounts/login/")
    request.axes_failures_since_start = 10_000
    assert cooloff_time(request) == MAX_COOLOFF == timedelta(hours=24)
    assert settings.AXES_COOLOFF_TIME is not None


# --- What a locked-out person reads, and what their office can do about it -------------------

LOGIN = "/accounts/login/"


def _log_in(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _lock(username: str) -> Client:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, username, "wrong-password")
    assert _log_in(client, username).status_code == 429
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "15 分钟"), ("en", "15 minutes")])
def test_the_lockout_page_says_the_pause_in_words(village_official, language, words):
    client = _lock("village_official")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = _log_in(client, "village_official")
    assert response.status_code == 429
    text = response.content.decode()
    assert "PT15M" not in text
    assert words in text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(seconds=20), "1 minute"),
    ],
)
def test_durations_read_as_hours_and_minutes(value, words):
    with translation.override("en"):
        assert duration(value) == words
    with translation.override("zh-hans"):
        assert "分钟" in duration(value) or "小时" in duration(value)


@pytest.mark.django_db
def test_an_office_password_reset_lifts_the_lockout(village_official, county_staff):
    client = _lock("village_official")
    issued = services.user_password_reset(actor=county_staff, user=village_official)
    assert _log_in(client, "village_official", issued.one_time_password).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_RESET)
    assert event.data == {"lockout_lifted": True}


@pytest.mark.django_db
class TestOfficeSeesAndLiftsLockouts:
    def test_it_lists_locked_accounts_only_when_asked(
        self, village_official, township_official, county_staff, client_for
    ):
        _lock("village_official")
        office = client_for(county_staff)
        listed = office.get("/accounts/", {"status": "locked"})
        assert [a.username for a in listed.context["page"].object_list] == ["village_official"]
        everyone = office.get("/accounts/").context["page"].object_list
        assert {a.username: a.locked_out for a in everyone}["village_official"] is True
        assert {a.username: a.locked_out for a in everyone}["township_official"] is False
        assert office.get(f"/accounts/{village_official.pk}/").context["account"].locked_out

    def test_office_staff_lift_a_lockout_and_it_is_audited(
        self, village_official, county_staff, client_for
    ):
        client = _lock("village_official")
        office = client_for(county_staff)
        response = office.post(f"/accounts/{village_official.pk}/unlock/")
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.USER_UNLOCKED)
        assert (event.actor, event.target_id) == (county_staff, str(village_official.pk))
        assert _log_in(client, "village_official").status_code == 302
        # A second press finds nothing to lift and records nothing.
        office.post(f"/accounts/{village_official.pk}/unlock/")
        assert AuditEvent.objects.filter(action=AuditAction.USER_UNLOCKED).count() == 1

    @pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("township_official", 403)])
    def test_others_cannot_lift_it(self, persona, status, village_official, request, client_for):
        client = _lock("village_official")
        response = client_for(request.getfixturevalue(persona)).post(
            f"/accounts/{village_official.pk}/unlock/"
        )
        assert response.status_code == status
        assert not AuditEvent.objects.filter(action=AuditAction.USER_UNLOCKED).exists()
        assert _log_in(client, "village_official").status_code == 429
