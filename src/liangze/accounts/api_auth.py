"""How the API knows its caller: Django's session or a personal API token. Both refuse, with 403
`password_change_required`, an account holding a one-time password until it is changed in the
browser; both answer 401 (no caller) for anything else they do not accept."""

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from liangze.accounts.tokens import token_user
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden


def _usable(request, user):
    """`user` if it may use the API now; raises Forbidden (recorded) while it must change its
    password; None when there is no active user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.must_change_password:
        raise access_refuse(
            Forbidden(
                code="password_change_required",
                message=_("Change your one-time password in the browser before using the API."),
            ),
            viewer=user,
            target_type="accounts.user",
            target_id=user.pk,
        )
    return user


class SessionAuth(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods (ninja does it for cookie auth)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return _usable(request, request.user)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer lz_…` with a personal API token (accounts.tokens).

    A request that sends an Authorization header is judged by it alone: a bad, expired or revoked
    token, or another scheme, answers 401 on every method, never falling through to the session
    (whose CSRF check would answer 403 on a POST)."""

    def __call__(self, request):
        if not request.headers.get(self.header):
            return None  # no header: the session decides
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user

    def authenticate(self, request, token):
        user = _usable(request, token_user(token))
        if user is not None:
            request.user = user
        return user
