"""Account services: each write is one transaction with its audit event; refusals write nothing."""

import json

import pytest

from liangze.accounts import services
from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.core.testing.fixtures import TEST_PASSWORD


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def state() -> tuple[int, int, int]:
    return User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count()


def event_text(event: AuditEvent) -> str:
    return json.dumps([event.changes, event.data, event.target_repr], ensure_ascii=False)


class TestUserCreate:
    def create(self, actor, division, **overrides):
        arguments = {
            "username": "new_official",
            "display_name": "新干部",
            "division": division,
            "role": Role.OFFICIAL,
            "phone": "138 0000 0000",
        }
        return services.user_create(actor=actor, **{**arguments, **overrides})

    def test_it_creates_an_account_with_a_one_time_password(self, county_staff, regions):
        issued = self.create(county_staff, regions.village)
        user = User.objects.get(username="new_official")
        assert issued.user == user
        assert user.must_change_password is True
        assert user.check_password(issued.one_time_password)
        assert issued.one_time_password not in user.password
        assert user.phone == "+8613800000000"
        assert user.division == regions.village
        grant = user.grants.get()
        assert (grant.role, grant.division, grant.granted_by) == (
            Role.OFFICIAL,
            regions.village,
            county_staff,
        )
        assert user.jurisdiction().paths == (regions.village.path,)

    def test_it_records_the_event_without_the_password(self, county_staff, regions):
        issued = self.create(county_staff, regions.village)
        [event] = events(AuditAction.USER_CREATED)
        assert event.actor == county_staff
        assert event.target_id == str(issued.user.pk)
        assert event.division_path == regions.village.path
        assert event.changes["username"] == [None, "new_official"]
        assert event.changes["role"] == [None, Role.OFFICIAL]
        assert issued.one_time_password not in event_text(event)

    def test_one_time_passwords_differ(self, county_staff, regions):
        first = self.create(county_staff, regions.village, username="a_one")
        second = self.create(county_staff, regions.village, username="a_two")
        assert first.one_time_password != second.one_time_password
        assert len(first.one_time_password) >= 10

    @pytest.mark.parametrize("username", ["county_staff", "COUNTY_STAFF", " county_staff "])
    def test_a_taken_username_is_invalid(self, county_staff, regions, username):
        before = state()
        with pytest.raises(Invalid) as info:
            self.create(county_staff, regions.village, username=username)
        assert "username" in info.value.fields
        assert state() == before

    def test_every_bad_field_is_reported_at_once(self, county_staff, regions):
        before = state()
        with pytest.raises(Invalid) as info:
            self.create(county_staff, regions.village, username=" ", display_name="", phone="12")
        assert set(info.value.fields) == {"username", "display_name", "phone"}
        assert state() == before

    @pytest.mark.parametrize(
        ("persona", "division", "role"),
        [
            ("county_staff", "neighbour_county", Role.OFFICIAL),  # the neighbour's county
            ("county_staff", "neighbour_village", Role.OFFICIAL),
            ("county_staff", "city", Role.OFFICE_STAFF),  # above one's own level
            ("county_staff", "county", Role.ADMIN),  # office staff never grant ADMIN
            ("township_staff", "county", Role.OFFICIAL),
            ("leader", "village", Role.OFFICIAL),  # read-only roles grant nothing
            ("county_official", "village", Role.OFFICIAL),
            ("regulator", "village", Role.OFFICIAL),
        ],
    )
    def test_a_grant_out_of_reach_is_forbidden_and_writes_nothing(
        self, request, regions, persona, division, role
    ):
        actor = request.getfixturevalue(persona)
        before = state()
        with pytest.raises(Forbidden) as info:
            self.create(actor, getattr(regions, division), role=role)
        assert info.value.code == "grant_out_of_reach"
        users, grants, audit_events = before
        assert state() == (users, grants, audit_events + 1)  # the denial, recorded
        [denial] = events(AuditAction.ACCESS_DENIED)
        assert (denial.actor, denial.data["code"]) == (actor, "grant_out_of_reach")
        assert not User.objects.filter(username="new_official").exists()

    def test_an_official_at_province_level_is_invalid(self, admin_user, regions):
        before = state()
        with pytest.raises(Invalid) as info:
            self.create(admin_user, regions.province, role=Role.OFFICIAL)
        assert info.value.code == "official_level"
        assert "division" in info.value.fields
        assert state() == before

    def test_an_unknown_role_is_invalid(self, county_staff, regions):
        with pytest.raises(Invalid) as info:
            self.create(county_staff, regions.village, role="superuser")
        assert info.value.code == "role_unknown"

    def test_an_admin_may_grant_admin(self, admin_user, regions):
        issued = self.create(admin_user, regions.county, role=Role.ADMIN)
        assert issued.user.jurisdiction().everything


class TestUserDeactivate:
    def test_it_deactivates_once(self, county_staff, village_official):
        stale = User.objects.get(pk=village_official.pk)
        user = services.user_deactivate(actor=county_staff, user=village_official)
        assert user.is_active is False
        assert User.objects.get(pk=village_official.pk).is_active is False
        [event] = events(AuditAction.USER_DEACTIVATED)
        assert event.changes == {"is_active": [True, False]}
        assert event.target_id == str(village_official.pk)
        with pytest.raises(Conflict) as info:
            services.user_deactivate(actor=county_staff, user=stale)
        assert info.value.code == "user_already_inactive"
        assert len(events(AuditAction.USER_DEACTIVATED)) == 1

    def test_it_refuses_one_s_own_account(self, county_staff):
        with pytest.raises(Conflict) as info:
            services.user_deactivate(actor=county_staff, user=county_staff)
        assert info.value.code == "deactivate_self"
        assert User.objects.get(pk=county_staff.pk).is_active is True
        assert events(AuditAction.USER_DEACTIVATED) == []


class TestUserReactivate:
    def test_it_reactivates_a_deactivated_account_once(self, county_staff, village_official):
        services.user_deactivate(actor=county_staff, user=village_official)
        user = services.user_reactivate(actor=county_staff, user=village_official)
        assert user.is_active is True
        assert User.objects.get(pk=village_official.pk).is_active is True
        [event] = events(AuditAction.USER_REACTIVATED)
        assert event.changes == {"is_active": [False, True]}
        with pytest.raises(Conflict) as info:
            services.user_reactivate(actor=county_staff, user=village_official)
        assert info.value.code == "user_already_active"
        assert len(events(AuditAction.USER_REACTIVATED)) == 1


class TestUserPasswordReset:
    def test_it_issues_a_new_one_time_password(self, county_staff, village_official):
        issued = services.user_password_reset(actor=county_staff, user=village_official)
        user = User.objects.get(pk=village_official.pk)
        assert user.must_change_password is True
        assert user.check_password(issued.one_time_password)
        assert not user.check_password(TEST_PASSWORD)
        [event] = events(AuditAction.USER_PASSWORD_RESET)
        assert event.actor == county_staff
        assert event.target_id == str(user.pk)
        assert issued.one_time_password not in event_text(event)


class TestUserPasswordChange:
    NEW = "granite-lantern-07"

    def test_it_changes_the_password_and_clears_the_flag(self, county_staff, village_official):
        issued = services.user_password_reset(actor=county_staff, user=village_official)
        holder = User.objects.get(pk=village_official.pk)
        services.user_password_change(
            actor=holder, old_password=issued.one_time_password, new_password=self.NEW
        )
        user = User.objects.get(pk=village_official.pk)
        assert user.must_change_password is False
        assert user.check_password(self.NEW)
        assert not user.check_password(issued.one_time_password)
        [event] = events(AuditAction.PASSWORD_CHANGED)
        assert event.actor == user
        assert self.NEW not in event_text(event)

    @pytest.mark.parametrize(
        ("old", "new", "code", "field"),
        [
            ("wrong-password", NEW, "old_password_wrong", "old_password"),
            (TEST_PASSWORD, TEST_PASSWORD, "password_unchanged", "new_password1"),
            (TEST_PASSWORD, "Ab3xyz", "password_weak", "new_password1"),  # short
            (TEST_PASSWORD, "20240101123456", "password_weak", "new_password1"),  # digits
            (TEST_PASSWORD, "password123", "password_weak", "new_password1"),  # common
            (TEST_PASSWORD, "village_official", "password_weak", "new_password1"),  # username
        ],
    )
    def test_it_refuses_and_keeps_the_old_password(self, village_official, old, new, code, field):
        events_before = AuditEvent.objects.count()
        with pytest.raises(Invalid) as info:
            services.user_password_change(
                actor=village_official, old_password=old, new_password=new
            )
        assert info.value.code == code
        assert field in info.value.fields
        assert User.objects.get(pk=village_official.pk).check_password(TEST_PASSWORD)
        recorded = list(
            AuditEvent.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True)
        )[events_before:]
        # Only a wrong current password is recorded: it may be someone guessing.
        expected = [AuditAction.PASSWORD_CHANGE_FAILED] if code == "old_password_wrong" else []
        assert recorded == expected


class TestRoleGrantAndRevoke:
    def test_it_grants_once(self, county_staff, village_official, regions):
        village_official.jurisdiction()  # cached before the grant: the service must forget it
        grant = services.role_grant(
            actor=county_staff, user=village_official, role=Role.OFFICIAL, division=regions.township
        )
        assert grant.granted_by == county_staff
        assert grant.revoked_at is None
        assert village_official.jurisdiction().paths == (regions.township.path,)
        [event] = events(AuditAction.ROLE_GRANTED)
        assert event.data == {
            "grant": grant.pk,
            "role": Role.OFFICIAL,
            "division": regions.township.code,
        }
        assert event.target_id == str(village_official.pk)
        with pytest.raises(Conflict) as info:
            services.role_grant(
                actor=county_staff,
                user=village_official,
                role=Role.OFFICIAL,
                division=regions.township,
            )
        assert info.value.code == "grant_exists"
        assert village_official.grants.filter(revoked_at__isnull=True).count() == 2
        assert len(events(AuditAction.ROLE_GRANTED)) == 1

    def test_a_grant_out_of_reach_is_forbidden(self, county_staff, village_official, regions):
        before = state()
        with pytest.raises(Forbidden):
            services.role_grant(
                actor=county_staff,
                user=village_official,
                role=Role.REGULATOR,
                division=regions.neighbour_township,
            )
        users, grants, audit_events = before
        assert state() == (users, grants, audit_events + 1)
        [denial] = events(AuditAction.ACCESS_DENIED)
        assert (denial.actor, denial.data["code"]) == (county_staff, "grant_out_of_reach")

    def test_it_revokes_once(self, county_staff, village_official, regions):
        grant = village_official.grants.get()
        stale = RoleGrant.objects.get(pk=grant.pk)
        revoked = services.role_revoke(actor=county_staff, grant=grant)
        assert revoked.revoked_at is not None
        assert RoleGrant.objects.get(pk=grant.pk).revoked_at == revoked.revoked_at
        assert User.objects.get(pk=village_official.pk).jurisdiction().paths == ()
        [event] = events(AuditAction.ROLE_REVOKED)
        assert event.data == {
            "grant": grant.pk,
            "role": Role.OFFICIAL,
            "division": regions.village.code,
            "tokens_revoked": 0,  # its last role: sessions and tokens end (none held)
        }
        with pytest.raises(Conflict) as info:
            services.role_revoke(actor=county_staff, grant=stale)
        assert info.value.code == "grant_already_revoked"
        assert len(events(AuditAction.ROLE_REVOKED)) == 1

    def test_a_revoked_role_may_be_granted_again(self, county_staff, village_official, regions):
        services.role_revoke(actor=county_staff, grant=village_official.grants.get())
        again = services.role_grant(
            actor=county_staff, user=village_official, role=Role.OFFICIAL, division=regions.village
        )
        assert again.revoked_at is None
        assert village_official.grants.count() == 2

    def test_revoking_out_of_reach_is_forbidden(self, county_staff, outsider):
        grant = outsider.grants.get()
        with pytest.raises(Forbidden):
            services.role_revoke(actor=county_staff, grant=grant)
        assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None
        assert events(AuditAction.ROLE_REVOKED) == []
