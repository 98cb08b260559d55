from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from liangze.accounts.tokens import token_user


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
        user = token_user(token)
        if user is not None:
            request.user = user
        return user
