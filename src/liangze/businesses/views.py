"""Registry pages: list with filters and bulk actions, detail with history, and the forms.

Each view: access → one service or selector → render. Forms carry raw input; services validate.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from liangze.accounts.access import is_office_or_admin
from liangze.audit.models import AuditAction
from liangze.audit.services import access_refuse
from liangze.businesses import selectors, services
from liangze.businesses.access import can_edit_business
from liangze.businesses.forms import (
    BulkActionForm,
    BusinessFilterForm,
    BusinessForm,
    MoveForm,
    RegradeForm,
    StatusChangeForm,
    add_domain_error,
    e6_to_degrees,
)
from liangze.businesses.hooks import covering_officials, successor_choices
from liangze.businesses.models import Business
from liangze.businesses.search import search_words
from liangze.businesses.services import TRANSITIONS
from liangze.core.errors import Conflict, DomainError, Forbidden, NotFound
from liangze.core.pagination import BoundedPaginator, LargeListPaginator
from liangze.core.views import render_list
from liangze.regions.selectors import division_ancestors, division_list

PAGE_SIZE = 25
HISTORY_LIMIT = 100


def _require_registry_keeper(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="businesses_read_only",
                message=_("Only food safety office staff change the business registry."),
            ),
            viewer=viewer,
            target_type="businesses.business",
        )


def _error_text(exc: DomainError) -> str:
    """One line for a message: the error and what each field needs, each said once."""
    parts = [exc.message]
    parts += [text for text in exc.fields.values() if text not in parts]
    return " ".join(parts)


@login_required
@require_GET
def business_list(request):
    viewer = request.user
    form = BusinessFilterForm(request.GET, divisions=division_list(viewer=viewer))
    search = False
    if form.is_valid():
        filters = form.filters()
        search = bool(search_words(filters.get("search", "")))
        businesses = selectors.business_list(viewer=viewer, **filters)
    else:  # e.g. a division outside the jurisdiction: the error shows, nothing is listed
        businesses = selectors.business_list(viewer=viewer).none()
    # A search lists and counts at most 1,000 (docs/architecture.md, "Bounded search").
    paginator = BoundedPaginator if search else LargeListPaginator
    page = paginator(businesses, PAGE_SIZE).get_page(request.GET.get("page"))
    can_bulk = is_office_or_admin(viewer)
    for business in page.object_list:
        business.editable = can_bulk and can_edit_business(viewer, business)
    context = {
        "form": form,
        "page": page,
        "can_bulk": can_bulk,
        "bulk_form": BulkActionForm() if can_bulk else None,
        "filtered": form.is_filtered(),
    }
    return render_list(request, "businesses/business_list.html", context)


@login_required
@require_POST
def business_bulk(request):
    """Regrade or change the status of the ticked businesses: all of them or none."""
    viewer = request.user
    _require_registry_keeper(viewer)
    form = BulkActionForm(request.POST)
    back = form.back_url(request, default=reverse("businesses:list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    businesses = list(selectors.business_list(viewer=viewer).filter(pk__in=data["ids"]))
    missing = sorted(set(data["ids"]) - {b.pk for b in businesses})
    refused = [b for b in businesses if not can_edit_business(viewer, b)]
    # Refused as a whole below, with a message; each refused id is still recorded.
    for pk in missing:
        access_refuse(
            NotFound(code="business_not_found", message=_("Business not found.")),
            viewer=viewer,
            target_type="businesses.business",
            target_id=pk,
        )
    for business in refused:
        access_refuse(
            Forbidden(
                code="business_read_only",
                message=_("You may view this business, not change it."),
            ),
            viewer=viewer,
            target_type="businesses.business",
            target_id=business.pk,
        )
    if missing:
        messages.error(
            request,
            _("Some selected businesses are no longer in your list. Nothing was changed."),
        )
        return redirect(back)
    if refused:
        messages.error(
            request,
            _("You may view but not change: %(names)s. Nothing was changed.")
            % {"names": "、".join(b.name for b in refused[:10])},
        )
        return redirect(back)
    try:
        if data["action"] == "regrade":
            changed = services.business_bulk_regrade(
                actor=viewer, businesses=businesses, grade=data["grade"], reason=data["reason"]
            )
        else:
            changed = services.business_bulk_status_change(
                actor=viewer,
                businesses=businesses,
                to_status=data["to_status"],
                effective_on=data["effective_on"],
                reason=data["reason"],
            )
    except DomainError as exc:
        messages.error(request, _("Nothing was changed: %(error)s") % {"error": _error_text(exc)})
    else:
        messages.success(
            request,
            ngettext("%(count)d business changed.", "%(count)d businesses changed.", changed)
            % {"count": changed},
        )
    return redirect(back)


def _shown(value, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(labels.get(value, value))


def _describe_changes(event) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an audit event, choice values shown by their labels. A
    registration lists no fields: the page above shows them."""
    if event.action == AuditAction.BUSINESS_CREATED:
        return []
    described = []
    for name, pair in event.changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        try:
            field = Business._meta.get_field(name)
        except FieldDoesNotExist:  # a field since removed: show its stored name
            label, labels = name, {}
        else:
            label, labels = str(field.verbose_name), dict(field.choices or ())
        described.append((label, _shown(before, labels), _shown(after, labels)))
    return described


def _render_detail(request, business: Business, *, status: int = 200, **forms):
    viewer = request.user
    can_edit = can_edit_business(viewer, business)
    allowed = sorted(TRANSITIONS.get(business.status, set()))
    if can_edit:
        forms.setdefault("regrade_form", _regrade_form(viewer, business))
        forms.setdefault("status_form", StatusChangeForm(prefix="status", allowed=allowed))
        forms.setdefault("move_form", _move_form(viewer, business))
    history = [
        (event, _describe_changes(event))
        for event in selectors.business_history(business=business)[:HISTORY_LIMIT]
    ]
    context = {
        "business": business,
        "covering": covering_officials([business.pk]).get(business.pk),
        "can_edit": can_edit,
        "can_change_status": bool(allowed),
        "ancestors": division_ancestors(business.division),
        "annual_revenue_yuan": (
            None if business.annual_revenue_fen is None else business.annual_revenue_fen // 100
        ),
        "latitude": e6_to_degrees(business.lat_e6),
        "longitude": e6_to_degrees(business.lng_e6),
        "status_changes": selectors.business_status_changes(business=business),
        "history": history,
        **forms,
    }
    return render(request, "businesses/business_detail.html", context, status=status)


def _regrade_form(viewer, business: Business, data=None) -> RegradeForm:
    return RegradeForm(
        data,
        prefix="regrade",
        initial={"grade": business.grade},
        successors=successor_choices(viewer, business.division),
    )


def _move_form(viewer, business: Business, data=None) -> MoveForm:
    divisions = selectors.registry_divisions(viewer=viewer)
    chosen = None
    if data is not None and str(data.get("move-division", "")).isdigit():
        chosen = divisions.filter(pk=int(data["move-division"])).first()
    return MoveForm(
        data,
        prefix="move",
        divisions=divisions,
        successors=successor_choices(viewer, chosen) if chosen else (),
        successors_url=reverse("businesses:successors", args=[business.pk]),
    )


@login_required
@require_GET
def business_successors(request, business_id: int):
    """The officials a move may name for the place just chosen (the move form's list, by htmx)."""
    viewer = request.user
    business = selectors.access_business_by_id(viewer, business_id, for_write=True)
    form = _move_form(viewer, business, data=request.GET)
    return render(
        request,
        "businesses/_successor_options.html",
        {"options": form.fields["successor"].widget.choices},
    )


@login_required
@require_GET
def business_detail(request, business_id: int):
    business = selectors.access_business_by_id(request.user, business_id)
    return _render_detail(request, business)


@login_required
def business_create(request):
    viewer = request.user
    _require_registry_keeper(viewer)
    form = BusinessForm(
        request.POST or None,
        creating=True,
        allow_pilot=is_office_or_admin(viewer),
        divisions=selectors.registry_divisions(viewer=viewer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(
                actor=viewer,
                division=form.cleaned_data["division"],
                fields=form.service_fields(),
                grade_reason=form.cleaned_data["grade_reason"],
                status_since=form.cleaned_data["status_since"],
                allow_pilot=is_office_or_admin(viewer),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Business registered."))
            return redirect("businesses:detail", business_id=business.pk)
    return render(request, "businesses/business_form.html", {"form": form, "business": None})


@login_required
def business_edit(request, business_id: int):
    viewer = request.user
    business = selectors.access_business_by_id(viewer, business_id, for_write=True)
    form = BusinessForm(
        request.POST or None,
        initial=BusinessForm.initial_from(business),
        creating=False,
        allow_pilot=is_office_or_admin(viewer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(
                actor=viewer,
                business=business,
                fields=form.service_fields(),
                allow_pilot=is_office_or_admin(viewer),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("businesses:detail", business_id=business.pk)
    return render(request, "businesses/business_form.html", {"form": form, "business": business})


@login_required
@require_POST
def business_regrade(request, business_id: int):
    viewer = request.user
    business = selectors.access_business_by_id(viewer, business_id, for_write=True)
    form = _regrade_form(viewer, business, data=request.POST)
    if form.is_valid():
        before = business.grade
        try:
            services.business_regrade(
                actor=viewer,
                business=business,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                successor=form.cleaned_data["successor"],
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("businesses:detail", business_id=business.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if business.grade == before:
                messages.info(request, _("The business already had this grade; nothing changed."))
            else:
                messages.success(request, _("Grade changed."))
            return redirect("businesses:detail", business_id=business.pk)
    return _render_detail(request, business, regrade_form=form)


@login_required
@require_POST
def business_status_change(request, business_id: int):
    viewer = request.user
    business = selectors.access_business_by_id(viewer, business_id, for_write=True)
    form = StatusChangeForm(
        request.POST, prefix="status", allowed=sorted(TRANSITIONS.get(business.status, set()))
    )
    if form.is_valid():
        try:
            services.business_status_change(actor=viewer, business=business, **form.cleaned_data)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("businesses:detail", business_id=business.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect("businesses:detail", business_id=business.pk)
    return _render_detail(request, business, status_form=form)


@login_required
@require_POST
def business_move(request, business_id: int):
    viewer = request.user
    business = selectors.access_business_by_id(viewer, business_id, for_write=True)
    form = _move_form(viewer, business, data=request.POST)
    if form.is_valid():
        before = business.division_id
        try:
            services.business_move(actor=viewer, business=business, **form.cleaned_data)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("businesses:detail", business_id=business.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if business.division_id == before:
                messages.info(request, _("The business is already there; nothing changed."))
            else:
                messages.success(request, _("Business moved."))
            return redirect("businesses:detail", business_id=business.pk)
    return _render_detail(request, business, move_form=form)
