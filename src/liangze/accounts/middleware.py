from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """A user holding a one-time password may do nothing but change it (or log out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The public pages are looked at before the user: reading the user reads the session,
        # and a page that read it cannot be kept by a shared cache.
        if request.path.startswith(("/static/", "/api/", "/p/")):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                reverse("set_language"),
            }
            if request.path not in allowed:
                if request.headers.get("HX-Request"):
                    # A piece of a page (the notifications badge) gets nothing, not the password
                    # page swapped into it, which would load its own badge, and so on.
                    return HttpResponse(status=204)
                return redirect("accounts:password_change")
        return self.get_response(request)
