"""The page a QR sticker opens, for anyone, without login. It shows published fields only
(public_selectors) and takes problem reports (public_services)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liangze.businesses.public_forms import PublicReportForm
from liangze.businesses.public_selectors import public_business_card
from liangze.businesses.public_services import public_report_submit
from liangze.core.errors import Invalid, NotFound
from liangze.core.middleware import client_ip
from liangze.core.ratelimit import RateLimited

PAGE = "businesses/public_business.html"


def _public(response: HttpResponse) -> HttpResponse:
    # The page carries a CSRF token and live data: no cache keeps it; search engines skip it.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_vary_headers(response, ["HX-Request"])
    return response


def _not_found(request) -> HttpResponse:
    """Unknown and revoked tokens look alike, and nothing else is said."""
    return _public(render(request, "businesses/public_not_found.html", status=404))


def _redirect_to_page(request, token: str) -> HttpResponse:
    url = reverse("public:business", kwargs={"token": token})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return _public(response)
    return _public(redirect(url, permanent=False))


@require_GET
def business_page(request, token: str):
    card = public_business_card(token=token)
    if card is None:
        return _not_found(request)
    return _public(
        render(request, PAGE, {"card": card, "form": PublicReportForm(), "token": token})
    )


@require_POST
def business_report(request, token: str):
    """Full page for a plain form post, the #report fragment for htmx. Invalid input and a
    rate limit re-render the form with the input kept: 200 for htmx, which swaps no 4xx, and 429
    for a plain post when rate-limited."""
    card = public_business_card(token=token)
    if card is None:
        return _not_found(request)
    if card.closed:
        return _redirect_to_page(request, token)
    form = PublicReportForm(request.POST)
    status = 200
    if form.is_valid():
        if form.is_robot:
            return _sent(request, token, card)
        try:
            public_report_submit(
                token=token,
                description=form.cleaned_data["description"],
                contact_phone=form.cleaned_data["contact_phone"],
                client_ip=client_ip(request),
            )
        except Invalid as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 200 if request.htmx else RateLimited.status
        except NotFound:
            return _not_found(request)
        else:
            return _sent(request, token, card)
    template = f"{PAGE}#report" if request.htmx else PAGE
    return _public(
        render(request, template, {"card": card, "form": form, "token": token}, status=status)
    )


def _sent(request, token: str, card) -> HttpResponse:
    """The thanks, echoing nothing that was sent. A robot caught by the honeypot sees the same."""
    if request.htmx:
        return _public(
            render(request, f"{PAGE}#report", {"card": card, "sent": True, "token": token})
        )
    messages.success(
        request, _("Thank you. Your report has been passed to the food-safety office.")
    )
    return _public(redirect(reverse("public:business", kwargs={"token": token})))
