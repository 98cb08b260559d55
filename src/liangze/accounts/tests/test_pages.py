"""Login, the forced password change and the account pages, by persona."""

import pytest
from django.conf import settings
from django.test import Client

from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.fixtures import TEST_PASSWORD

LOGIN = "/accounts/login/"
PASSWORD_CHANGE = "/accounts/password/"
NEW_PASSWORD = "granite-lantern-07"


def log_in(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


class TestLogin:
    def test_it_logs_in_with_a_real_post(self, county_staff):
        client = Client()
        response = log_in(client, "county_staff")
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.get("/").status_code == 200
        assert int(client.session["_auth_user_id"]) == county_staff.pk
        event = AuditEvent.objects.get(action=AuditAction.LOGIN)
        assert event.actor == county_staff

    def test_a_wrong_password_shows_the_error_and_is_audited(self, county_staff):
        client = Client()
        response = log_in(client, "county_staff", "not-the-password")
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors().as_data()
        assert [error.code for error in errors] == ["invalid_login"]
        assert "_auth_user_id" not in client.session
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
        assert event.data == {"username": "county_staff"}
        assert event.target_id == str(county_staff.pk)
        assert event.ip == "127.0.0.1"
        assert "not-the-password" not in str(event.data)

    def test_an_unknown_username_is_audited_without_a_target(self, regions):
        log_in(Client(), "nobody", "whatever-password")
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
        assert (event.data, event.target_id) == ({"username": "nobody"}, "")

    def test_a_deactivated_account_cannot_log_in(self, village_official):
        User.objects.filter(pk=village_official.pk).update(is_active=False)
        client = Client()
        response = log_in(client, "village_official")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_repeated_failures_lock_out_that_username_from_that_address(
        self, county_staff, township_staff
    ):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert log_in(client, "county_staff", "wrong-password").status_code == 200
        # django-axes 8 answers a lockout with 429 (AXES_HTTP_RESPONSE_CODE is not set).
        assert log_in(client, "county_staff", "wrong-password").status_code == 429  # the limit
        locked = log_in(client, "county_staff")  # now even the right password
        assert locked.status_code == 429
        assert "accounts/locked_out.html" in template_names(locked)
        assert "_auth_user_id" not in client.session
        other = log_in(Client(), "township_staff")
        assert other.status_code == 302
        assert other["Location"] == "/"
        # Locked on username and address together: the same user elsewhere still logs in.
        elsewhere = log_in(Client(REMOTE_ADDR="203.0.113.9"), "county_staff")
        assert elsewhere.status_code == 302

    def test_fewer_failures_than_the_limit_do_not_lock(self, county_staff):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, "county_staff", "wrong-password")
        assert log_in(client, "county_staff").status_code == 302


class TestForcedPasswordChange:
    @pytest.fixture
    def holder(self, village_official):
        User.objects.filter(pk=village_official.pk).update(must_change_password=True)
        return village_official

    @pytest.mark.parametrize("url", ["/", "/regions/", "/accounts/", "/audit/", "/accounts/new/"])
    def test_every_page_leads_to_the_password_change(self, holder, url):
        client = Client()
        assert log_in(client, "village_official").status_code == 302
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == PASSWORD_CHANGE

    def test_a_piece_of_a_page_gets_nothing_not_the_password_page(self, holder):
        """The notifications badge is fetched by htmx; swapping the password page into it would
        load the badge again inside it, without end."""
        client = Client()
        assert log_in(client, "village_official").status_code == 302
        response = client.get("/notifications/badge/", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response.content == b""

    def test_after_changing_the_user_reaches_home(self, holder):
        client = Client()
        log_in(client, "village_official")
        assert client.get(PASSWORD_CHANGE).status_code == 200
        response = client.post(
            PASSWORD_CHANGE,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.get("/").status_code == 200  # still logged in: the session hash moved on
        user = User.objects.get(pk=holder.pk)
        assert user.must_change_password is False
        assert user.check_password(NEW_PASSWORD)

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"old_password": "wrong-one", "new_password1": NEW_PASSWORD}, "old_password"),
            ({"old_password": TEST_PASSWORD, "new_password1": "12345678901"}, "new_password1"),
            ({"old_password": TEST_PASSWORD, "new_password1": "short1"}, "new_password1"),
        ],
    )
    def test_a_refused_change_re_renders_with_the_error(self, holder, data, field):
        client = Client()
        log_in(client, "village_official")
        response = client.post(PASSWORD_CHANGE, {**data, "new_password2": data["new_password1"]})
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert User.objects.get(pk=holder.pk).must_change_password is True

    def test_differing_new_passwords_are_refused(self, holder):
        client = Client()
        log_in(client, "village_official")
        response = client.post(
            PASSWORD_CHANGE,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD + "x",
            },
        )
        assert response.status_code == 200
        assert "new_password2" in response.context["form"].errors
        assert User.objects.get(pk=holder.pk).check_password(TEST_PASSWORD)


def valid_new_account(division) -> dict:
    return {
        "username": "new_official",
        "display_name": "新干部",
        "phone": "13800000000",
        "division": division.pk,
        "role": Role.OFFICIAL,
    }


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("county_staff", 200, "ok"),  # the office of the account's county
        ("province_staff", 200, "ok"),  # an office above it
        ("admin_user", 200, "ok"),
        ("leader", 403, 403),  # read-only: not an account manager
        ("city_official", 403, 403),
        ("county_official", 403, 403),
        ("township_official", 403, 403),
        ("village_official", 403, 403),
        ("regulator", 403, 403),
        ("business_director", 403, 403),
        ("outsider", 404, 404),  # the neighbour's office: our ids are as good as missing
        ("public", "login", "login"),
    ],
)
def test_account_pages_by_persona(persona, read, write, request, client_for, regions):
    target = User.objects.create(username="target", display_name="目标", division=regions.village)
    target.set_password(TEST_PASSWORD)
    target.save()
    grant = RoleGrant.objects.create(user=target, role=Role.OFFICIAL, division=regions.village)
    client = client_for(request.getfixturevalue(persona))

    def check(response, expected, ok_status):
        if expected == "login":
            assert response.status_code == 302
            assert response["Location"].startswith(LOGIN)
        elif expected == "ok":
            assert response.status_code == ok_status
        else:
            assert response.status_code == expected

    base = f"/accounts/{target.pk}/"
    check(client.get(base), read, None)
    before = User.objects.get(pk=target.pk)
    check(client.post(base + "password-reset/"), write, 200)
    check(
        client.post(base + "grants/", {"division": regions.township.pk, "role": Role.REGULATOR}),
        write,
        302,
    )
    check(client.post(base + "deactivate/"), write, 302)
    check(client.post(f"/accounts/grants/{grant.pk}/revoke/"), write, 302)

    after = User.objects.get(pk=target.pk)
    grants = set(
        RoleGrant.objects.filter(user=target, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    if write == "ok":
        assert after.is_active is False
        assert after.must_change_password is True
        assert not after.check_password(TEST_PASSWORD)
        assert grants == {Role.REGULATOR}
    else:
        assert (after.is_active, after.password, after.must_change_password) == (
            before.is_active,
            before.password,
            before.must_change_password,
        )
        assert grants == {Role.OFFICIAL}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 200),
        ("outsider", 200),  # their own (empty of ours) list and form
        ("leader", 403),
        ("city_official", 403),
        ("county_official", 403),
        ("township_official", 403),
        ("village_official", 403),
        ("regulator", 403),
        ("business_director", 403),
        ("public", 302),
    ],
)
def test_account_list_and_form_by_persona(persona, status, request, client_for, regions):
    client = client_for(request.getfixturevalue(persona))
    for url in ("/accounts/", "/accounts/new/"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith(LOGIN)
    response = client.post("/accounts/new/", valid_new_account(regions.village))
    assert response.status_code == status
    assert User.objects.filter(username="new_official").exists() is (persona == "county_staff")


class TestAccountList:
    def test_it_lists_only_accounts_in_the_viewer_s_offices(
        self, client_for, county_staff, outsider, village_official, township_official, leader
    ):
        response = client_for(county_staff).get("/accounts/")
        listed = {user.username for user in response.context["page"].object_list}
        assert listed == {"county_staff", "village_official", "township_official", "leader"}
        response = client_for(outsider).get("/accounts/")
        assert {user.username for user in response.context["page"].object_list} == {"outsider"}

    def test_a_wider_read_role_does_not_widen_the_accounts_one_manages(
        self, client_for, township_staff, county_official, village_official, regions
    ):
        # Office staff of the township who also lead the county read the county, but manage
        # only the township's accounts (not even their own, now that it holds a county role).
        RoleGrant.objects.create(user=township_staff, role=Role.LEADER, division=regions.county)
        client = client_for(township_staff)
        listed = {u.username for u in client.get("/accounts/").context["page"].object_list}
        assert listed == {"village_official"}
        assert client.get(f"/accounts/{county_official.pk}/").status_code == 404
        assert client.post(f"/accounts/{county_official.pk}/deactivate/").status_code == 404
        assert User.objects.get(pk=county_official.pk).is_active is True

    def test_it_filters_by_search_and_status(self, client_for, county_staff, village_official):
        User.objects.filter(pk=village_official.pk).update(is_active=False)
        client = client_for(county_staff)
        names = lambda query: {  # noqa: E731
            u.username for u in client.get("/accounts/", query).context["page"].object_list
        }
        assert names({"q": "VILLAGE"}) == {"village_official"}
        assert names({"status": "inactive"}) == {"village_official"}
        assert names({"status": "active"}) == {"county_staff"}

    def test_htmx_gets_the_rows_fragment(self, client_for, county_staff):
        response = client_for(county_staff).get("/accounts/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert b"<html" not in response.content
        assert b"<table" in response.content
        assert response["Vary"].count("HX-Request") == 1

    @pytest.mark.parametrize("count", [2, 20])
    def test_its_query_count_does_not_grow_with_rows(
        self, count, client_for, county_staff, regions, user_factory, django_assert_max_num_queries
    ):
        for index in range(count):
            user_factory(f"official_{index:02d}", Role.OFFICIAL, regions.village)
        client = client_for(county_staff)
        with django_assert_max_num_queries(QUERIES_FOR_ACCOUNT_LIST) as captured:
            response = client.get("/accounts/")
        assert len(response.context["page"].object_list) == count + 1
        assert len(captured.captured_queries) == QUERIES_FOR_ACCOUNT_LIST


# Session, user, the viewer's grants, count, page of users, their grants (prefetched), and the
# usernames locked out of logging in.
QUERIES_FOR_ACCOUNT_LIST = 7


class TestAccountCreatePage:
    def test_invalid_input_re_renders_with_field_errors(self, client_for, county_staff, regions):
        data = {**valid_new_account(regions.village), "username": "", "phone": "12"}
        response = client_for(county_staff).post("/accounts/new/", data)
        assert response.status_code == 200
        assert "accounts/account_form.html" in template_names(response)
        errors = response.context["form"].errors
        assert "username" in errors
        assert response.context["form"].data["display_name"] == "新干部"  # input kept
        assert not User.objects.filter(display_name="新干部").exists()

    def test_a_service_error_shows_inline(self, client_for, county_staff, regions):
        data = {**valid_new_account(regions.village), "phone": "12"}
        response = client_for(county_staff).post("/accounts/new/", data)
        assert response.status_code == 200
        assert "phone" in response.context["form"].errors
        assert not User.objects.filter(username="new_official").exists()

    def test_a_taken_username_shows_inline(self, client_for, county_staff, regions):
        data = {**valid_new_account(regions.village), "username": "County_Staff"}
        response = client_for(county_staff).post("/accounts/new/", data)
        assert response.status_code == 200
        assert "username" in response.context["form"].errors

    @pytest.mark.parametrize(
        ("division", "role"),
        [("neighbour_village", Role.OFFICIAL), ("city", Role.OFFICIAL), ("village", Role.ADMIN)],
    )
    def test_choices_out_of_reach_are_refused(
        self, client_for, county_staff, regions, division, role
    ):
        data = {**valid_new_account(getattr(regions, division)), "role": role}
        response = client_for(county_staff).post("/accounts/new/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not User.objects.filter(username="new_official").exists()

    def test_the_one_time_password_is_shown_once(self, client_for, county_staff, regions):
        client = client_for(county_staff)
        response = client.post("/accounts/new/", valid_new_account(regions.village))
        assert response.status_code == 200
        assert "accounts/one_time_password.html" in template_names(response)
        password = response.context["issued"].one_time_password
        user = User.objects.get(username="new_official")
        assert user.check_password(password)
        assert password.encode() in response.content
        detail = client.get(f"/accounts/{user.pk}/")
        assert detail.status_code == 200
        assert password.encode() not in detail.content
        assert password.encode() not in client.get("/accounts/").content

    def test_a_password_reset_shows_the_new_password(
        self, client_for, county_staff, village_official
    ):
        response = client_for(county_staff).post(f"/accounts/{village_official.pk}/password-reset/")
        assert response.status_code == 200
        password = response.context["issued"].one_time_password
        assert password.encode() in response.content
        assert User.objects.get(pk=village_official.pk).check_password(password)


class TestAccountActions:
    def test_deactivating_oneself_is_refused_with_a_message(self, client_for, county_staff):
        client = client_for(county_staff)
        response = client.post(f"/accounts/{county_staff.pk}/deactivate/", follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert User.objects.get(pk=county_staff.pk).is_active is True

    def test_reactivating_restores_the_account(self, client_for, county_staff, village_official):
        client = client_for(county_staff)
        client.post(f"/accounts/{village_official.pk}/deactivate/")
        assert User.objects.get(pk=village_official.pk).is_active is False
        client.post(f"/accounts/{village_official.pk}/reactivate/")
        assert User.objects.get(pk=village_official.pk).is_active is True

    def test_a_get_does_not_deactivate(self, client_for, county_staff, village_official):
        response = client_for(county_staff).get(f"/accounts/{village_official.pk}/deactivate/")
        assert response.status_code == 405
        assert User.objects.get(pk=village_official.pk).is_active is True

    def test_a_duplicate_grant_re_renders_with_the_error(
        self, client_for, county_staff, village_official, regions
    ):
        response = client_for(county_staff).post(
            f"/accounts/{village_official.pk}/grants/",
            {"division": regions.village.pk, "role": Role.OFFICIAL},
        )
        assert response.status_code == 200
        assert response.context["grant_form"].non_field_errors()
        assert village_official.grants.count() == 1


@pytest.mark.parametrize("url", ["/accounts/", "/accounts/new/", "/api/v1/accounts"])
def test_a_non_manager_refused_account_pages_is_audited(url, leader, client_for):
    from liangze.audit.models import AuditAction, AuditEvent

    response = client_for(leader).get(url)
    assert response.status_code == 403
    denial = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED, actor=leader)
    assert denial.data["code"] == "accounts_forbidden"
