"""Office staff manage an account only when every active grant it holds lies inside their office
subtrees: an account that also holds a role above or beside the office is answered as missing, so
a county office cannot reset the password of a prefecture role holder homed in its county and log
in as them."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.accounts.access import can_manage_user
from liangze.accounts.models import Role, RoleGrant, User
from liangze.accounts.selectors import access_user_by_id, user_list
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import NotFound
from liangze.core.testing.fixtures import TEST_PASSWORD, make_user
from liangze.core.tree import is_within

ACCOUNT_ACTIONS = [
    ("get", "/api/v1/accounts/{id}", None),
    ("post", "/api/v1/accounts/{id}/password-reset", None),
    ("post", "/api/v1/accounts/{id}/deactivate", None),
    ("post", "/api/v1/accounts/{id}/grants", "grant"),
]


@pytest.fixture
def golmud_resident_with_prefecture_role(regions):
    """Homed in the county, promoted by the prefecture office to a prefecture-level role."""
    user = make_user("promoted", Role.OFFICIAL, regions.village)
    RoleGrant.objects.create(user=user, role=Role.OFFICE_STAFF, division=regions.city)
    return user


@pytest.mark.parametrize(
    ("persona", "answer"),
    [
        ("admin_user", 200),
        ("province_staff", 200),  # the prefecture role lies inside the province office
        ("county_staff", 404),  # the account's home is theirs, its prefecture role is not
        ("township_staff", 404),
        ("outsider", 404),
        ("leader", 403),  # no account manager at all
    ],
)
@pytest.mark.parametrize(("method", "url", "body"), ACCOUNT_ACTIONS)
def test_an_office_cannot_manage_an_account_holding_a_role_above_it(
    request,
    client_for,
    regions,
    golmud_resident_with_prefecture_role,
    persona,
    answer,
    method,
    url,
    body,
):
    target = golmud_resident_with_prefecture_role
    client = client_for(request.getfixturevalue(persona))
    payload = {"role": Role.OFFICIAL, "division_id": regions.other_village.pk} if body else {}
    response = getattr(client, method)(
        url.format(id=target.pk), payload, content_type="application/json"
    )
    expected = 201 if body and answer == 200 else answer
    assert response.status_code == expected
    target.refresh_from_db()
    if answer != 200:
        assert target.is_active is True
        assert target.check_password(TEST_PASSWORD)
        assert target.grants.filter(revoked_at__isnull=True).count() == 2
        assert AuditEvent.objects.filter(
            action=AuditAction.ACCESS_DENIED, actor__isnull=False
        ).exists()


def test_the_answer_matches_an_account_the_office_cannot_see(
    client_for, county_staff, golmud_resident_with_prefecture_role, outsider
):
    client = client_for(county_staff)
    promoted = client.post(
        f"/api/v1/accounts/{golmud_resident_with_prefecture_role.pk}/password-reset"
    )
    unseen = client.post(f"/api/v1/accounts/{outsider.pk}/password-reset")
    assert promoted.status_code == unseen.status_code == 404
    assert promoted.json() == unseen.json()


def test_a_grant_revoked_from_an_account_above_the_office_is_refused(
    client_for, county_staff, golmud_resident_with_prefecture_role
):
    village_grant = golmud_resident_with_prefecture_role.grants.get(role=Role.OFFICIAL)
    response = client_for(county_staff).post(f"/api/v1/accounts/grants/{village_grant.pk}/revoke")
    assert response.status_code == 404
    assert RoleGrant.objects.get(pk=village_grant.pk).revoked_at is None


def test_once_the_higher_role_is_revoked_the_office_manages_the_account_again(
    client_for, county_staff, admin_user, golmud_resident_with_prefecture_role
):
    target = golmud_resident_with_prefecture_role
    client = client_for(county_staff)
    assert client.get(f"/api/v1/accounts/{target.pk}").status_code == 404
    higher = target.grants.get(role=Role.OFFICE_STAFF)
    revoked = client_for(admin_user).post(f"/api/v1/accounts/grants/{higher.pk}/revoke")
    assert revoked.status_code == 200
    assert client.get(f"/api/v1/accounts/{target.pk}").status_code == 200


# --- Property: over random grant sets, the selector, the predicate and the rule agree ----------

DIVISION_NAMES = [
    "province",
    "city",
    "county",
    "township",
    "village",
    "other_village",
    "neighbour_county",
    "neighbour_township",
    "neighbour_village",
]
ROLES = [
    r for r in Role.values if r not in (Role.ADMIN, Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER)
]
HOMES = ["county", "township", "village", "other_village", "neighbour_village"]
GRANTS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(ROLES), st.sampled_from(DIVISION_NAMES)),
        st.just((Role.ADMIN, None)),
    ),
    max_size=4,
    unique=True,
)
VIEWERS = st.sampled_from(["county_staff", "township_staff", "outsider", "province_staff"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(home=st.sampled_from(HOMES), grants=GRANTS, revoked=GRANTS, viewer_name=VIEWERS)
def test_office_staff_manage_exactly_the_accounts_whose_every_grant_is_theirs(
    request, regions, home, grants, revoked, viewer_name
):
    viewer = request.getfixturevalue(viewer_name)
    office = {
        "county_staff": regions.county,
        "township_staff": regions.township,
        "outsider": regions.neighbour_county,
        "province_staff": regions.province,
    }[viewer_name]
    with transaction.atomic():
        account = make_user("subject", None, getattr(regions, home))
        for role, name in grants:
            division = getattr(regions, name) if name else None
            RoleGrant.objects.create(user=account, role=role, division=division)
        for role, name in revoked:  # revoked grants never count
            if (role, name) in grants:
                continue
            division = getattr(regions, name) if name else None
            grant = RoleGrant.objects.create(user=account, role=role, division=division)
            RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=grant.created_at)
        account = User.objects.get(pk=account.pk)

        expected = is_within(getattr(regions, home).path, office.path) and all(
            name is not None and is_within(getattr(regions, name).path, office.path)
            for _role, name in grants
        )
        assert can_manage_user(viewer, account) is expected
        assert user_list(viewer=viewer).filter(pk=account.pk).exists() is expected
        if expected:
            assert access_user_by_id(viewer, account.pk) == account
        else:
            with pytest.raises(NotFound):
                access_user_by_id(viewer, account.pk)
        transaction.set_rollback(True)
