"""Pages of the commitment letters and the three lists: the office's board (who has signed and
filed, the rates, generating, the archive), the official's documents to sign, one document with
its signing form, and the province's templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangze.accounts.access import can_manage_division, is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.core.errors import DomainError, Forbidden
from liangze.officials.access import reads_own_only
from liangze.officials.documents import selectors, services
from liangze.officials.documents.access import (
    can_reject_document,
    can_replace_templates,
    can_sign_document,
)
from liangze.officials.documents.forms import GenerateForm, RejectForm, SignForm, TemplateForm
from liangze.officials.documents.models import DutyDocument, DutyDocumentKind
from liangze.regions.models import Division
from liangze.regions.selectors import access_division_by_id, division_ancestors, division_roots


def _forbidden(viewer, code: str, division: Division, message: str) -> Forbidden:
    return access_refuse(
        Forbidden(code=code, message=message),
        viewer=viewer,
        target_type="regions.division",
        target_id=division.pk,
    )


def _region(request) -> Division:
    within = request.GET.get("within") or request.POST.get("within")
    if within and str(within).isdigit():
        return access_division_by_id(request.user, int(within))
    root = division_roots(viewer=request.user).first()
    if root is None:
        raise Forbidden(code="no_region", message=_("You see no region."))
    return root


@login_required
@require_GET
def document_board(request):
    """Office staff, leaders and regulators: who has signed and filed under a region, and the
    commitment and list-filing rates of each sub-region on a day (a period's end)."""
    if reads_own_only(request.user):
        return redirect("documents:mine")
    region = _region(request)
    on = parse_date(request.GET.get("on") or "") or timezone.localdate()
    can_manage = can_manage_division(request.user, region)
    context = {
        "region": region,
        "ancestors": division_ancestors(region),
        "on": on,
        "rates": selectors.document_rates(viewer=request.user, region=region, on=on),
        "board": selectors.signing_board(viewer=request.user, region=region, on=on),
        "lists": selectors.duty_document_list(viewer=request.user, within=region).filter(
            kind__in=[DutyDocumentKind.RESPONSIBILITY_LIST, DutyDocumentKind.INSPECTION_LIST]
        ),
        "can_manage": can_manage,
        "generate_form": GenerateForm() if can_manage else None,
    }
    return render(request, "officials/documents/board.html", context)


@login_required
@require_POST
def documents_generate(request):
    if not request.POST.get("within"):
        return redirect("documents:board")
    region = _region(request)
    if not can_manage_division(request.user, region):
        raise _forbidden(
            request.user,
            "duty_documents_read_only",
            region,
            _("Only the food safety office of this region manages its documents."),
        )
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            job = services.duty_documents_generate_start(
                actor=request.user,
                region=region,
                kinds=form.cleaned_data["kinds"],
                year=form.cleaned_data["year"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    else:
        messages.error(request, _("Choose the documents to generate."))
    return redirect(f"{reverse('documents:board')}?within={region.pk}")


@login_required
@require_GET
@never_cache
def documents_archive(request):
    """The region's documents, scans and signatures as one zip (专档专卷). The region is named
    explicitly (the board's link): a download is audited, and never happens by default."""
    if not request.GET.get("within"):
        return redirect("documents:board")
    region = _region(request)
    if not can_manage_division(request.user, region):
        raise _forbidden(
            request.user,
            "duty_documents_read_only",
            region,
            _("Only the food safety office of this region manages its documents."),
        )
    documents = list(
        selectors.duty_document_list(viewer=request.user, within=region).select_related(
            "scan", "official_signature", "countersigner_signature"
        )
    )
    data = services.duty_documents_archive(actor=request.user, region=region, documents=documents)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="documents-{region.code}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def reminder_list(request):
    """The viewer's reminders, unread first, each to mark read (an official's, a clerk's)."""
    page = Paginator(selectors.reminder_list(viewer=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "officials/documents/reminders.html",
        {"page": page, "unread": selectors.unread_reminder_count(viewer=request.user)},
    )


@login_required
@require_POST
def reminder_read(request, reminder_id: int):
    reminder = selectors.access_reminder_by_id(request.user, reminder_id)
    services.reminder_mark_read(actor=request.user, reminder=reminder)
    return redirect("documents:reminders")


@login_required
@require_POST
def reminders_read_all(request):
    services.reminders_mark_all_read(actor=request.user)
    return redirect("documents:reminders")


@login_required
@require_GET
def my_documents(request):
    """An official's letters and task lists: what to sign, what is signed, the office's reasons
    for a rejection, and their reminders."""
    documents = selectors.duty_document_list(viewer=request.user).filter(
        official__user=request.user
    )
    return render(
        request,
        "officials/documents/mine.html",
        {"documents": documents, "reminders": selectors.my_reminders(viewer=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request, document_id: int):
    """One document: download it, and sign it (a scan, or drawn on screen)."""
    document = selectors.access_duty_document_by_id(request.user, document_id)
    can_sign = can_sign_document(request.user, document) and (
        document.status != DutyDocument.Status.SIGNED
    )
    form = SignForm()
    if request.method == "POST":
        document = selectors.access_duty_document_by_id(request.user, document_id, for_sign=True)
        form = SignForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.duty_document_sign(
                    actor=request.user,
                    document=document,
                    signed_on=data["signed_on"],
                    scan=data["scan"],
                    official_signature=services.signature_from_data_url(data["official_signature"]),
                    countersigner_signature=services.signature_from_data_url(
                        data["countersigner_signature"]
                    ),
                    countersigner_name=data["countersigner_name"],
                )
            except DomainError as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("Signed. It counts from today."))
                return redirect("documents:detail", document_id=document.pk)
    context = {
        "document": document,
        "form": form,
        "can_sign": can_sign,
        "can_reject": can_reject_document(request.user, document)
        and document.status == DutyDocument.Status.SIGNED,
        "reject_form": RejectForm(),
    }
    return render(request, "officials/documents/detail.html", context)


@login_required
@require_POST
def document_reject(request, document_id: int):
    document = selectors.access_duty_document_by_id(request.user, document_id)
    if not can_reject_document(request.user, document):
        raise _forbidden(
            request.user,
            "duty_document_read_only",
            document.division,
            _("Only the food safety office rejects a signed document."),
        )
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the document is rejected."))
    else:
        try:
            services.duty_document_reject(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Rejected; the holder sees the reason and signs again."))
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request):
    """A province's own templates; its food safety office uploads a replacement."""
    if not is_office_or_admin(request.user):
        raise access_refuse(
            Forbidden(
                code="duty_documents_read_only",
                message=_("Only food safety office staff manage document templates."),
            ),
            viewer=request.user,
            target_type="officials.dutydocumenttemplate",
        )
    province = division_roots(viewer=request.user).first()
    if province is not None and province.parent_id is not None:
        province = division_ancestors(province)[0]
    can_replace = province is not None and can_replace_templates(request.user, province)
    form = TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_replace:
            raise _forbidden(
                request.user,
                "duty_document_templates_read_only",
                province,
                _("Only the province's food safety office replaces its templates."),
            )
        if form.is_valid():
            try:
                services.duty_document_template_replace(
                    actor=request.user,
                    province=province,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("Template saved; documents generated from now use it."))
                return redirect("documents:templates")
    return render(
        request,
        "officials/documents/templates.html",
        {
            "templates": selectors.template_list(viewer=request.user)[:50],
            "form": form,
            "can_replace": can_replace,
            "province": province,
        },
    )


def job_page_context(request, job) -> dict:
    """The generation job's page links back to the region's documents."""
    return {"result_template": "officials/documents/_job_result.html"}
