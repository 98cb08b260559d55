"""Officials pages: the office's list with the gap lists, an official's page (edit, bulk
assignment, hand-over, deactivation), the uncovered businesses, and an official's own businesses.

Each view: access → one service or selector → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from liangze.accounts import views as accounts_views
from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses.forms import add_domain_error
from liangze.businesses.models import Grade
from liangze.core.errors import DomainError, Forbidden, NotFound
from liangze.core.views import render_list
from liangze.imports.views import job_of_kind
from liangze.jobs.models import Job
from liangze.officials import selectors, services
from liangze.officials.access import can_edit_official, can_set_province_rules, rule_provinces
from liangze.officials.forms import (
    BulkAssignForm,
    CoveringRuleForm,
    HandOverForm,
    OfficialFilterForm,
    OfficialForm,
)
from liangze.officials.imports import OFFICIAL_IMPORT_WRITE
from liangze.officials.maps import amap_url, geo_uri
from liangze.officials.rules import province_covering
from liangze.officials.services import grouped_password
from liangze.regions.models import Level
from liangze.regions.selectors import division_list

PAGE_SIZE = 25


def _require_office(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="officials_read_only",
                message=_("Only food safety office staff change officials and assignments."),
            ),
            viewer=viewer,
            target_type="officials.official",
        )


def _office_divisions(viewer):
    """The divisions of the viewer's office subtrees an official may be posted on."""
    return selectors.office_post_divisions(viewer=viewer)


def _error_text(exc: DomainError) -> str:
    parts = [exc.message]
    parts += [text for text in list(exc.fields.values())[:5] if text not in parts]
    return " ".join(parts)


@login_required
def home(request):
    """An official's home opens on the businesses they cover, business staff's on their day's
    work (enterprise duties); everyone else's is the usual."""
    if selectors.official_of(request.user) is not None:
        return my_businesses(request)
    from liangze.enterprise.access import staff_business_ids

    if staff_business_ids(request.user):
        return redirect("enterprise:home")
    return accounts_views.home(request)


@login_required
@require_GET
def official_list(request):
    viewer = request.user
    form = OfficialFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    view = data.get("view", "")
    officials = selectors.official_list(
        viewer=viewer, search=data.get("q", ""), level=data.get("level", "")
    )
    overloads = {}
    if view == "idle":
        officials = officials.filter(load=0)
    elif view == "overloaded":
        found = selectors.officials_over_load(viewer=viewer)
        overloads = {o.official.pk: o.limit for o in found}
        officials = officials.filter(pk__in=overloads)
    page = Paginator(officials, PAGE_SIZE).get_page(request.GET.get("page"))
    for official in page.object_list:
        official.limit = overloads.get(official.pk)
    context = {
        "form": form,
        "page": page,
        "view": view,
        "can_manage": is_office_or_admin(viewer),
    }
    return render_list(request, "officials/official_list.html", context)


@login_required
@never_cache
def official_create(request):
    viewer = request.user
    _require_office(viewer)
    form = OfficialForm(request.POST or None, divisions=_office_divisions(viewer))
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.official_create(
                actor=viewer,
                display_name=form.cleaned_data["display_name"],
                phone=form.cleaned_data["phone"],
                division=form.cleaned_data["division"],
                position=form.cleaned_data["position"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Rendered, not redirected to: the password exists only in this response.
            return render(
                request,
                "officials/password_sheet.html",
                {"issued": [(issued.official, grouped_password(issued.one_time_password))]},
            )
    return render(request, "officials/official_form.html", {"form": form, "official": None})


@login_required
@require_POST
@never_cache
def import_passwords(request, job_id: int):
    """The one-time password sheet of an officials import, for the clerk who imported them:
    the passwords are made now and shown only in this response; a second visit issues none."""
    viewer = request.user
    _require_office(viewer)
    job = job_of_kind(viewer, job_id, (OFFICIAL_IMPORT_WRITE,))
    if job.created_by_id != viewer.pk or job.status != Job.Status.SUCCEEDED:
        raise NotFound(code="job_not_found", message=_("Job not found."))
    officials = selectors.imported_officials(viewer=viewer, ids=job.result.get("officials", []))
    issued = services.official_passwords_issue(
        actor=viewer, officials=officials, data={"import_job": job.pk}
    )
    if not issued:
        messages.info(
            request,
            _(
                "The one-time passwords of this import were shown already. If one is lost, "
                "reset that official's password on their account page."
            ),
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "officials/password_sheet.html",
        {"issued": [(i.official, grouped_password(i.one_time_password)) for i in issued]},
    )


def _assign_divisions(viewer, official):
    return _office_divisions(viewer).filter(path__startswith=official.grant.division.path)


def _successors(viewer, official):
    return (
        selectors.official_list(viewer=viewer)
        .filter(grant__division__level=official.grant.division.level)
        .exclude(pk=official.pk)
    )


def _detail_context(viewer, official, **forms):
    can_edit = can_edit_official(viewer, official)
    assignments = list(selectors.assignment_list(viewer=viewer, official=official)[:500])
    context = {
        "official": official,
        "can_edit": can_edit,
        "assignments": assignments,
        "history": selectors.assignment_list(
            viewer=viewer, official=official, open_only=False
        ).exclude(ends_on__isnull=True)[:50],
    }
    if can_edit and official.is_active:
        forms.setdefault(
            "assign_form",
            BulkAssignForm(prefix="assign", divisions=_assign_divisions(viewer, official)),
        )
        forms.setdefault(
            "hand_over_form",
            HandOverForm(prefix="handover", successors=_successors(viewer, official)),
        )
    context.update(forms)
    return context


@login_required
@require_GET
def official_detail(request, official_id: int):
    official = selectors.access_official_by_id(request.user, official_id)
    return render(
        request, "officials/official_detail.html", _detail_context(request.user, official)
    )


@login_required
def official_edit(request, official_id: int):
    viewer = request.user
    official = selectors.access_official_by_id(viewer, official_id, for_write=True)
    initial = {
        "display_name": official.user.display_name,
        "phone": official.phone.removeprefix("+86"),
        "division": official.grant.division_id,
        "position": official.position,
    }
    form = OfficialForm(
        request.POST or None,
        initial=initial,
        divisions=_office_divisions(viewer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.official_update(
                actor=viewer,
                official=official,
                display_name=form.cleaned_data["display_name"],
                phone=form.cleaned_data["phone"],
                division=form.cleaned_data["division"],
                position=form.cleaned_data["position"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Official saved."))
            return redirect("officials:detail", official_id=official.pk)
    return render(request, "officials/official_form.html", {"form": form, "official": official})


@login_required
@require_POST
def official_assign(request, official_id: int):
    """整街/分片包保: every business of an area that the official's level covers, at once."""
    viewer = request.user
    official = selectors.access_official_by_id(viewer, official_id, for_write=True)
    context = _detail_context(viewer, official)
    form = BulkAssignForm(
        request.POST, prefix="assign", divisions=_assign_divisions(viewer, official)
    )
    if form.is_valid():
        try:
            businesses = selectors.assignable_businesses(
                viewer=viewer,
                official=official,
                within=form.cleaned_data["division"],
                only_uncovered=form.cleaned_data["only_uncovered"],
            )
            count = services.assignment_bulk_create(
                actor=viewer,
                official=official,
                businesses=businesses,
                replace=form.cleaned_data["replace"],
            )
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                ngettext("%(count)d business assigned.", "%(count)d businesses assigned.", count)
                % {"count": count},
            )
            return redirect("officials:detail", official_id=official.pk)
    context["assign_form"] = form
    return render(request, "officials/official_detail.html", context)


@login_required
@require_POST
def official_hand_over(request, official_id: int):
    viewer = request.user
    official = selectors.access_official_by_id(viewer, official_id, for_write=True)
    context = _detail_context(viewer, official)
    form = HandOverForm(request.POST, prefix="handover", successors=_successors(viewer, official))
    if form.is_valid():
        successor = selectors.access_official_by_id(
            viewer, form.cleaned_data["successor"].pk, for_write=True
        )
        try:
            count = services.official_hand_over(
                actor=viewer, official=official, successor=successor
            )
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d business handed over to %(name)s.",
                    "%(count)d businesses handed over to %(name)s.",
                    count,
                )
                % {"count": count, "name": successor.user.display_name},
            )
            return redirect("officials:detail", official_id=official.pk)
    context["hand_over_form"] = form
    return render(request, "officials/official_detail.html", context)


@login_required
@require_POST
def official_deactivate(request, official_id: int):
    viewer = request.user
    official = selectors.access_official_by_id(viewer, official_id, for_write=True)
    try:
        services.official_deactivate(actor=viewer, official=official)
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Official deactivated."))
    return redirect("officials:detail", official_id=official.pk)


@login_required
@require_GET
def uncovered_list(request):
    """应包尽包: operating businesses nobody covers, longest waiting first."""
    viewer = request.user
    grade = request.GET.get("grade", "")
    # A dashboard's coverage figure links here for its region (`within`, a division's id);
    # one the viewer does not read narrows to nothing, as the business list does.
    within_id = request.GET.get("within", "")
    within = None
    if within_id.isdigit():
        within = division_list(viewer=viewer).filter(pk=int(within_id)).first()
    businesses = selectors.uncovered_businesses(
        viewer=viewer,
        search=request.GET.get("q", "")[:100],
        grade=grade if grade in Grade.values else "",
        within=within,
    ).order_by("uncovered_since", "pk")
    if within_id and within is None:
        businesses = businesses.none()
    page = Paginator(businesses, PAGE_SIZE).get_page(request.GET.get("page"))
    for business in page.object_list:
        business.days_uncovered = selectors.days_since(business.uncovered_since)
    context = {
        "page": page,
        "grades": Grade.choices,
        "grade": grade,
        "q": request.GET.get("q", ""),
        "within": within,
        "within_id": within_id,
    }
    return render_list(request, "officials/uncovered_list.html", context)


@login_required
@require_GET
def my_businesses(request):
    """The official's own businesses: where they are, whom to call, when the visit is due."""
    viewer = request.user
    official = selectors.official_of(viewer)
    businesses = list(selectors.my_businesses(viewer=viewer)[:1000])
    due = selectors.next_visits_due(official=official)
    for business in businesses:
        business.geo_uri = geo_uri(business)
        business.amap_url = amap_url(business)
        business.next_visit_due = due.of(business.pk)
    return render(
        request,
        "officials/my_businesses.html",
        {"official": official, "businesses": businesses},
    )


def province_id_of(request) -> int | None:
    """The `province` of the query string or the form; a value that is no id names no
    province (refused as not found by the selector)."""
    raw = request.POST.get("province") or request.GET.get("province")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return 0


@login_required
@never_cache
def covering_rules(request):
    """A province's covering level per grade and load warning (docs/domain.md §1.2, §1.12):
    read by its office staff and leaders, changed by its office staff."""
    viewer = request.user
    province = selectors.access_rule_province(viewer, province_id_of(request))
    if request.method == "POST":
        province = selectors.access_rule_province(viewer, province.pk, for_write=True)
    current = province_covering(province)
    can_write = can_set_province_rules(viewer, province)
    initial = {f"grade_{g.lower()}_level": level for g, level in current.levels.items()}
    form = (
        CoveringRuleForm(
            request.POST or None,
            initial={**initial, "load_warning": current.load_warning},
            province=province,
        )
        if can_write
        else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.covering_rule_set(
                actor=viewer,
                province=province,
                levels=form.levels(),
                load_warning=form.cleaned_data["load_warning"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Covering levels saved."))
            return redirect(f"{reverse('officials:rules')}?province={province.pk}")
    context = {
        "province": province,
        "provinces": rule_provinces(viewer),
        "rows": [
            (grade, Grade(grade).label, Level(level).label)
            for grade, level in current.levels.items()
        ],
        "current": current,
        "form": form,
    }
    return render(request, "officials/covering_rules.html", context)
