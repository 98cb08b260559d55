"""A password reset, a forced change, deactivation and the loss of every role end the account's
API tokens and its other sessions; an account that must change its password cannot use a token."""

import pytest
from django.test import Client

from liangze.accounts import services
from liangze.accounts.models import ApiToken, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.fixtures import TEST_PASSWORD

NEW_PASSWORD = "a-much-better-passphrase-42"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def reset(county_staff, holder, _session):
    services.user_password_reset(actor=county_staff, user=holder)


def forced_change(county_staff, holder, session):
    User.objects.filter(pk=holder.pk).update(must_change_password=True)
    response = session.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=holder.pk).must_change_password is False


def deactivate(county_staff, holder, _session):
    services.user_deactivate(actor=county_staff, user=holder)


def lose_every_role(county_staff, holder, _session):
    for grant in holder.grants.filter(revoked_at__isnull=True):
        services.role_revoke(actor=county_staff, grant=grant)


@pytest.mark.parametrize(
    ("event", "own_session_kept"),
    [(reset, False), (forced_change, True), (deactivate, False), (lose_every_role, False)],
)
def test_it_ends_the_tokens_and_the_other_sessions(
    county_staff, village_official, event, own_session_kept
):
    token = services.api_token_create(actor=village_official, name="script", days=30)
    session = logged_in(village_official)
    other_session = logged_in(village_official)
    assert bearer(token.text).get("/api/v1/me").status_code == 200
    assert other_session.get("/api/v1/me").status_code == 200

    event(county_staff, village_official, session)

    assert ApiToken.objects.get(pk=token.token.pk).revoked_at is not None
    assert bearer(token.text).get("/api/v1/me").status_code == 401
    assert other_session.get("/api/v1/me").status_code == 401
    assert other_session.get("/accounts/password/").status_code == 302  # to the login page
    assert session.get("/api/v1/me").status_code == (200 if own_session_kept else 401)


def test_an_office_reset_reports_the_tokens_it_ended(county_staff, village_official):
    services.api_token_create(actor=village_official, name="one", days=30)
    services.api_token_create(actor=village_official, name="two", days=30)
    services.user_password_reset(actor=county_staff, user=village_official)
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_RESET)
    assert event.data["tokens_revoked"] == 2


def test_a_reactivated_account_does_not_get_its_old_session_back(county_staff, village_official):
    session = logged_in(village_official)
    services.user_deactivate(actor=county_staff, user=village_official)
    services.user_reactivate(actor=county_staff, user=village_official)
    assert session.get("/api/v1/me").status_code == 401


def test_losing_one_of_two_roles_keeps_the_tokens(county_staff, village_official, regions):
    from liangze.accounts.models import Role

    extra = services.role_grant(
        actor=county_staff, user=village_official, role=Role.REGULATOR, division=regions.township
    )
    token = services.api_token_create(actor=village_official, name="script", days=30)
    services.role_revoke(actor=county_staff, grant=extra)
    assert bearer(token.text).get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_token_of_an_account_that_must_change_its_password_gets_403(village_official, method):
    token = services.api_token_create(actor=village_official, name="script", days=30)
    User.objects.filter(pk=village_official.pk).update(must_change_password=True)
    response = getattr(bearer(token.text), method)(
        "/api/v1/me/tokens", {"name": "more", "days": 5}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert ApiToken.objects.filter(user=village_official).count() == 1
    denial = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denial.data["code"] == "password_change_required"
