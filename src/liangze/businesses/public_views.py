"""The page a QR sticker opens, for anyone, without login. It shows published fields only
(public_selectors) and takes problem reports (public_services).

A post that goes viral sends thousands to one shop's page at once, so the page itself is made
for a shared cache (docs/architecture.md, "The public page"): `Cache-Control: public` for
PUBLIC_MAX_AGE seconds, varying by language only, and nothing in it that belongs to one visitor.
It is rendered without the request's context (no session, user or messages read, so no
`Vary: Cookie`), in the language the browser asks for, and carries no CSRF token: the report
form comes from its own address (`business_report`, never cached), fetched by htmx when the
visitor asks to write a report, or opened as a page without JavaScript.

Behind no proxy, the server keeps the page too (docs/architecture.md, "The public page"): each
rendered page in the `public_pages` cache for PUBLIC_MAX_AGE seconds, keyed by token, language and
the business row's `updated_at`. A request reads that one column by the token (one indexed
query), so a change to the business or a reissued token shows at once; what lives in other
tables (who covers it, the last visit and self-check) shows when the kept page expires, as it
would from a proxy. The kept page says when its data was read, its `max-age` is what is left of
its minute, and its ETag and Last-Modified let a phone revalidate it for a 304.
"""

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_GET, require_http_methods

from liangze.businesses.public_forms import PublicReportForm
from liangze.businesses.public_selectors import public_business_card, public_business_stamp
from liangze.businesses.public_services import public_report_submit
from liangze.core.errors import Invalid, NotFound
from liangze.core.middleware import client_ip
from liangze.core.ratelimit import RateLimited

PAGE = "businesses/public_business.html"
# The page shows the time its data was read; a minute old is fresh enough for a shop's card.
PUBLIC_MAX_AGE = 60
PAGE_CACHE = "public_pages"


def _public(response: HttpResponse) -> HttpResponse:
    # Forms and answers to a post: no cache keeps them; search engines skip every public page.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page_language(request) -> str:
    """`?lang=` when it names a language of ours (the page's own switch, part of the address a
    cache keys by), else Accept-Language alone: a shared cache keys the page by that header, so
    the page may depend on nothing else (not the language cookie)."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header[:255]):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _shared(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """A page every visitor may be given from a shared cache."""
    language = _page_language(request)
    with translation.override(language):
        body = render_to_string(template, context)
    return _shared_response(body, language, status=status)


def _shared_response(
    body: str, language: str, *, status: int = 200, max_age: int = PUBLIC_MAX_AGE
) -> HttpResponse:
    response = HttpResponse(body, status=status)
    patch_cache_control(response, public=True, max_age=max_age)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
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
    stamp = public_business_stamp(token=token)
    if stamp is None:
        return _shared(request, "businesses/public_not_found.html", {}, status=404)
    language = _page_language(request)
    cache = caches[PAGE_CACHE]
    key = f"public-page:{token}:{language}:{stamp.timestamp()}"
    kept = cache.get(key)
    if kept is None:
        card = public_business_card(token=token)
        if card is None:  # gone between the two reads
            return _shared(request, "businesses/public_not_found.html", {}, status=404)
        with translation.override(language):
            body = render_to_string(PAGE, {"card": card, "token": token})
        kept = (body, card.read_at.timestamp())
        cache.set(key, kept, PUBLIC_MAX_AGE)
    body, read_at = kept
    age = max(int(time.time() - read_at), 0)
    response = _shared_response(body, language, max_age=max(PUBLIC_MAX_AGE - age, 0))
    etag = quote_etag(hashlib.blake2b(f"{key}:{read_at}".encode(), digest_size=12).hexdigest())
    response["ETag"] = etag
    response["Last-Modified"] = http_date(read_at)
    # A phone that kept this copy gets a 304 with the same headers.
    return get_conditional_response(
        request, etag=etag, last_modified=int(read_at), response=response
    )


@require_http_methods(["GET", "POST"])
def business_report(request, token: str):
    """The report form with its CSRF token (GET: the #report fragment for htmx, else the page
    with the form), and the report itself (POST). Invalid input and a rate limit re-render the
    form with the input kept: 200 for htmx, which swaps no 4xx, and 429 for a plain post when
    rate-limited."""
    card = public_business_card(token=token)
    if card is None:
        return _not_found(request)
    if card.closed:
        return _redirect_to_page(request, token)
    with translation.override(_page_language(request)):
        response = _report(request, token, card)
    return response


def _report(request, token: str, card) -> HttpResponse:
    template = f"{PAGE}#report" if request.htmx else PAGE
    if request.method == "GET":
        form = PublicReportForm()
        return _public(render(request, template, {"card": card, "form": form, "token": token}))
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
    return _public(
        render(request, template, {"card": card, "form": form, "token": token}, status=status)
    )


def _sent(request, token: str, card) -> HttpResponse:
    """The thanks, echoing nothing that was sent. A robot caught by the honeypot sees the same.
    A plain post goes to the form's own page, never cached, which shows the thanks."""
    if request.htmx:
        return _public(
            render(request, f"{PAGE}#report", {"card": card, "sent": True, "token": token})
        )
    messages.success(
        request, _("Thank you. Your report has been passed to the food-safety office.")
    )
    url = reverse("public:report", kwargs={"token": token})
    return _public(redirect(f"{url}?lang={translation.get_language()}"))
