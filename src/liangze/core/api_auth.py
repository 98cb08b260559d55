from ninja.security import APIKeyCookie


class SessionAuth(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods (ninja does it for cookie auth).

    A holder of a one-time password is refused until they change it in the browser."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = request.user
        if user.is_authenticated and user.is_active and not user.must_change_password:
            return user
        return None
