"""Helpers for tests and the demo: a business's staff with logins and a starter risk list."""

from liangze.accounts.models import Role, RoleGrant
from liangze.core.testing.fixtures import make_user
from liangze.enterprise import services


def make_staff(*, business, username: str, role: str = Role.BUSINESS_OFFICER):
    """A login holding `role` on `business`, and the matching appointment."""
    user = make_user(username, None, business.division, display_name=f"员工{username}")
    RoleGrant.objects.create(user=user, role=role, division=business.division, business=business)
    appoint = services.director_appoint if role == Role.BUSINESS_DIRECTOR else services.officer_add
    appoint(actor=None, business=business, name=user.display_name, user=user)
    return user
