"""Wrong current passwords on the password change, page and API alike, count towards the login
lockout (same limit, same username-and-address key) and are each audited; once locked, even the
right password is refused with the lockout message."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from liangze.accounts.models import User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.fixtures import TEST_PASSWORD

NEW_PASSWORD = "a-much-better-passphrase-42"
GUESS = "guess-number-seven"


def change_by_page(client: Client, old: str):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def change_by_api(client: Client, old: str):
    return client.post(
        "/api/v1/me/password",
        {"old_password": old, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )


CHANNELS = [
    # (how, a wrong guess answers, the lockout answers)
    pytest.param(change_by_page, 200, 429, id="page"),
    pytest.param(change_by_api, 422, 429, id="api"),
]


@pytest.mark.parametrize("persona", ["county_staff", "village_official", "business_director"])
@pytest.mark.parametrize(("change", "wrong", "locked"), CHANNELS)
def test_wrong_current_passwords_lock_like_wrong_logins(
    request, client_for, persona, change, wrong, locked
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change(client, GUESS).status_code == wrong
    response = change(client, GUESS)  # the limit
    assert response.status_code == locked
    refused = change(client, TEST_PASSWORD)  # now even the right one
    assert refused.status_code == locked
    if change is change_by_api:
        assert refused.json()["code"] == "locked_out"
    else:
        assert "accounts/locked_out.html" in [t.name for t in refused.templates]
    assert User.objects.get(pk=user.pk).check_password(TEST_PASSWORD)
    failed = AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE_FAILED, actor=user)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)
    assert set(denied.values_list("data__code", flat=True)) == {"locked_out"}
    # The same lockout as the login's: that username from that address cannot log in either.
    login = Client().post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert login.status_code == 429


@pytest.mark.parametrize(("change", "wrong", "locked"), CHANNELS)
def test_fewer_failures_than_the_limit_still_let_the_right_password_through(
    client_for, village_official, change, wrong, locked
):
    client = client_for(village_official)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change(client, GUESS).status_code == wrong
    assert change(client, TEST_PASSWORD).status_code == (302 if change is change_by_page else 200)
    assert User.objects.get(pk=village_official.pk).check_password(NEW_PASSWORD)


def test_the_lockout_keeps_no_password_that_was_typed(client_for, village_official):
    change_by_page(client_for(village_official), GUESS)
    [attempt] = AccessAttempt.objects.all()
    assert GUESS not in attempt.post_data
    assert NEW_PASSWORD not in attempt.post_data
