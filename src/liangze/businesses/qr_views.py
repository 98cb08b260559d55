"""QR codes for office staff: one PNG per business, a print sheet of stickers, and reissuing a
business's token so that old stickers stop working."""

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from liangze.audit.services import access_denied_record
from liangze.businesses import services
from liangze.businesses.access import can_keep_registry
from liangze.businesses.forms import BusinessFilterForm
from liangze.businesses.hooks import covering_officials
from liangze.businesses.models import Business, BusinessStatus, Grade
from liangze.businesses.selectors import access_business_by_id, business_list
from liangze.businesses.stickers import (
    QR_STICKERS_KIND,
    StickerSelection,
    sticker_businesses,
    stickers_job_start,
)
from liangze.core.errors import Forbidden, Invalid, NotFound
from liangze.files.models import StoredFile
from liangze.files.responses import stored_file_response
from liangze.jobs.models import Job
from liangze.jobs.selectors import access_job_by_id
from liangze.regions.selectors import division_list

# One A4 sheet holds 12 stickers; 200 is about 17 sheets, as many as one print job should be.
SHEET_MAX = 200
# More ids than this in one request are ignored: the sheet shows at most SHEET_MAX anyway.
IDS_MAX = 1000


def public_url(request, business: Business) -> str:
    """The absolute address a sticker's code opens: on LIANGZE_PUBLIC_BASE_URL when set, so a
    code printed from an office intranet address still works on a phone."""
    path = reverse("public:business", kwargs={"token": business.public_token})
    base = settings.LIANGZE_PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_code(url: str) -> segno.QRCode:
    """Level M at least (segno raises it when the version allows): a sticker gets dirty."""
    return segno.make(url, error="m", micro=False)


@login_required
@require_GET
@never_cache
def business_qr_png(request, business_id: int):
    """The business's code as a PNG, for anyone who may read the business."""
    business = access_business_by_id(request.user, business_id)
    buffer = io.BytesIO()
    qr_code(public_url(request, business)).save(buffer, kind="png", scale=10, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="qr-{business.pk}.png"'
    return response


@login_required
@require_POST
def business_qr_reissue(request, business_id: int):
    """Revoke the business's token and issue a new one (office staff of its subtree). Goes back
    to `next` when it is a local address, else to a print sheet with the new sticker."""
    business = access_business_by_id(request.user, business_id, for_write=True)
    services.business_public_token_reissue(actor=request.user, business=business)
    messages.success(
        request,
        _("A new QR code was issued. Stickers printed before no longer work: print a new one."),
    )
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{reverse('businesses:qr_sheet')}?ids={business.pk}"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@dataclass(frozen=True)
class Sticker:
    name: str
    grade: str
    svg: SafeString
    official: str = ""


def _ids(raw: str) -> list[int] | None:
    """'3,1,2' → [3, 1, 2]; None when no ids were given. Anything not a number is dropped."""
    if not raw.strip():
        return None
    parts = [part.strip() for part in raw.split(",")][:IDS_MAX]
    return [int(part) for part in parts if part.isascii() and part.isdigit()]


def _require_sticker_printer(viewer) -> None:
    if not can_keep_registry(viewer):
        access_denied_record(
            viewer=viewer,
            code="qr_sheet_forbidden",
            target_type="businesses.business",
            target_id="",
        )
        raise Forbidden(
            code="qr_sheet_forbidden",
            message=_("Only food-safety office staff print QR stickers."),
        )


def _back(request, field: str) -> str:
    url = request.POST.get(field, "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("businesses:list")


@login_required
@require_POST
def qr_stickers(request):
    """Stickers for the ticked rows (`bulk-ids`, from the list's bulk form) or for everything
    the list's filters find: up to SHEET_MAX on the print sheet at once, more (a township) by a
    background job whose page offers the document when it is ready."""
    viewer = request.user
    _require_sticker_printer(viewer)
    ticked = request.POST.get("stickers") == "ticked"
    back = _back(request, "bulk-next" if ticked else "next")
    form = BusinessFilterForm(
        {} if ticked else request.POST, divisions=division_list(viewer=viewer)
    )
    if not form.is_valid():
        messages.error(request, _("The filters are not valid; nothing was printed."))
        return redirect(back)
    ids = None
    if ticked:
        ids = _ids(",".join(request.POST.getlist("bulk-ids"))) or []
        if not ids:
            messages.error(request, _("Tick the businesses to print first."))
            return redirect(back)
    selection = StickerSelection(filters=form.filters(), ids=ids)
    chosen = list(
        sticker_businesses(viewer=viewer, selection=selection).values_list("pk", flat=True)[
            : SHEET_MAX + 1
        ]
    )
    if not chosen:
        messages.error(request, _("No business to print: closed businesses get no sticker."))
        return redirect(back)
    if len(chosen) <= SHEET_MAX:
        return redirect(f"{reverse('businesses:qr_sheet')}?ids={','.join(map(str, chosen))}")
    base = settings.LIANGZE_PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    try:
        job = stickers_job_start(actor=viewer, selection=selection, base_url=base)
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_GET
def qr_stickers_file(request, job_id: int):
    """The document of the viewer's own sticker job."""
    job = access_job_by_id(request.user, job_id)
    public_id = job.result.get("file") if job.status == Job.Status.SUCCEEDED else None
    stored = (
        StoredFile.objects.filter(public_id=public_id).first()
        if job.kind == QR_STICKERS_KIND and public_id
        else None
    )
    if stored is None:
        raise NotFound(code="stored_file_not_found", message=_("File not found."))
    return stored_file_response(stored)


@login_required
@require_GET
@never_cache
def qr_sheet(request):
    """A printable sheet of up to SHEET_MAX stickers: the businesses named by `ids`, or those the
    list filters (q, grade, status) find, always within the viewer's jurisdiction. Ids of
    businesses outside it are dropped silently, like ids that do not exist. Closed businesses
    get no sticker."""
    _require_sticker_printer(request.user)
    grade = request.GET.get("grade", "")
    status = request.GET.get("status", "")
    businesses = business_list(
        viewer=request.user,
        search=request.GET.get("q", "")[:100],
        grade=grade if grade in Grade.values else "",
        status=status if status in BusinessStatus.values else "",
        sort="division",
    ).exclude(status=BusinessStatus.CLOSED)
    ids = _ids(request.GET.get("ids", ""))
    if ids is not None:
        businesses = businesses.filter(pk__in=ids)
    chosen = list(
        businesses.only("name", "grade", "public_token", "division__path")[: SHEET_MAX + 1]
    )
    covering = covering_officials([b.pk for b in chosen[:SHEET_MAX]])
    stickers = [
        Sticker(
            name=business.name,
            grade=business.grade,
            official=getattr(covering.get(business.pk), "name", ""),
            # segno writes attributes only (no style attribute, no script): CSP allows it inline.
            svg=mark_safe(  # noqa: S308 - markup generated by segno from our own URL
                qr_code(public_url(request, business)).svg_inline(
                    omitsize=True, border=4, svgclass="qr", lineclass="qr-line"
                )
            ),
        )
        for business in chosen[:SHEET_MAX]
    ]
    context = {"stickers": stickers, "truncated": len(chosen) > SHEET_MAX, "limit": SHEET_MAX}
    return render(request, "businesses/qr_sheet.html", context)
