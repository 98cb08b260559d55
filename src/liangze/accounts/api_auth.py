from ninja.security import HttpBearer

from liangze.accounts.tokens import token_user


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer lz_…` with a personal API token (accounts.tokens)."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user
