"""Pages of the enterprise duties (docs/domain.md §1.8): the business staff's day on a phone,
the business's duties page for the office, the official and the regulator, and the gaps."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangze.audit.services import access_refuse
from liangze.businesses.forms import add_domain_error
from liangze.businesses.types import BusinessGroup
from liangze.core.errors import DomainError, Forbidden, Invalid, NotFound
from liangze.core.middleware import client_ip
from liangze.core.scoping import in_jurisdiction
from liangze.enterprise import access, periods, selectors, services, starter
from liangze.enterprise.forms import (
    EnrolForm,
    EnrolmentIssueForm,
    MonthlyMeetingForm,
    PersonForm,
    ProfileForm,
    RiskPointFormSet,
    StaffAccountForm,
    StarterPointFormSet,
    TrainingForm,
    WeeklyReviewForm,
)
from liangze.enterprise.models import (
    DailyCheck,
    Frequency,
    SafetyDirector,
    SafetyOfficer,
    SelfCheckNotice,
)
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.access import province_by_id
from liangze.officials.documents.services import signature_from_data_url
from liangze.regions.models import Division


def _refuse(request, business, code="enterprise_forbidden"):
    return access_refuse(
        Forbidden(code=code, message=_("You may view this business, not change it.")),
        viewer=request.user,
        target_type="businesses.business",
        target_id=business.pk,
    )


def _business(request, business_id: int, *, check=None):
    try:
        business = selectors.business_for_viewer(viewer=request.user, business_id=business_id)
    except DomainError:
        raise Http404 from None
    if check is not None and not check(request.user, business):
        raise _refuse(request, business)
    return business


def _person(business, kind: str, person_id: int):
    model = {"officer": SafetyOfficer, "director": SafetyDirector}.get(kind)
    person = model and model.objects.filter(pk=person_id, business=business).first()
    if person is None:
        raise Http404
    return person


def _staff_business(request, business_id: int):
    return _business(request, business_id, check=access.can_keep_records)


@login_required
@require_GET
def home(request):
    """Business staff: the day's work of their business (the first, or ?business=)."""
    ids = access.staff_business_ids(request.user)
    if not ids:
        return redirect("enterprise:gaps")
    wanted = request.GET.get("business", "")
    business_id = int(wanted) if wanted.isdigit() and int(wanted) in ids else ids[0]
    business = _staff_business(request, business_id)
    work = selectors.day_work(viewer=request.user, business=business)
    return render(
        request,
        "enterprise/home.html",
        {
            "work": work,
            "business": business,
            "role": access.staff_role(request.user, business),
            "others": selectors.staff_businesses(request.user).exclude(pk=business.pk),
        },
    )


def _daily_points(business):
    risk_list = services.current_risk_list(business)
    if risk_list is None:
        return None, []
    return risk_list, list(risk_list.points.filter(frequency=Frequency.DAY))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def daily_check(request, business_id: int):
    """All pass in one tap, or tick the failed items and say what was wrong."""
    business = _staff_business(request, business_id)
    risk_list, points = _daily_points(business)
    today = periods.today()
    errors = {}
    if request.method == "POST":
        late = request.POST.get("late") == "1"
        on = today - timedelta(days=1) if late else today
        failures = []
        try:
            if request.POST.get("all_pass") != "1":
                failures = _failures_from_form(request, business, points)
            services.daily_check_submit(
                actor=request.user,
                business=business,
                on=on,
                failures=failures,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            errors = exc.fields or {"__all__": exc.message}
        else:
            if failures:
                messages.warning(
                    request,
                    _(
                        "Daily check saved with %(count)d problem(s): follow them in the weekly review."
                    )
                    % {"count": len(failures)},
                )
            else:
                messages.success(request, _("Daily check saved: all pass."))
            return redirect(f"{_home_url()}?business={business.pk}")
    return render(
        request,
        "enterprise/daily_check.html",
        {
            "business": business,
            "risk_list": risk_list,
            "points": points,
            "errors": errors,
            "error_text": " ".join(errors.values()),
            "today": today,
        },
        status=422 if errors else 200,
    )


def _failures_from_form(request, business, points) -> list[dict]:
    """The ticked items; a photo of an item opened in the closed loop is stored first (files
    are checked and kept outside the record's transaction)."""
    failures = []
    for point in points:
        if not request.POST.get(f"fail_{point.pk}"):
            continue
        open_problem = request.POST.get(f"open_{point.pk}") == "1"
        upload = request.FILES.get(f"photo_{point.pk}")
        photo = None
        if open_problem and upload is not None:
            photo = stored_file_save(
                actor=request.user, division=business.division, kind=FileKind.PHOTO, upload=upload
            )
        failures.append(
            {
                "risk_point_id": point.pk,
                "problem": request.POST.get(f"problem_{point.pk}", ""),
                "measure": request.POST.get(f"measure_{point.pk}", ""),
                "owner": request.POST.get(f"owner_{point.pk}", ""),
                "open_problem": open_problem,
                "photo": photo,
            }
        )
    return failures


def _home_url():
    from django.urls import reverse

    return reverse("enterprise:home")


@login_required
@require_POST
def closed_day(request, business_id: int):
    business = _staff_business(request, business_id)
    try:
        services.closed_day_mark(
            actor=request.user,
            business=business,
            on=periods.today(),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Today is marked closed: no daily check is due."))
    return redirect(f"{_home_url()}?business={business.pk}")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def weekly_review(request, business_id: int):
    business = _staff_business(request, business_id)
    form = WeeklyReviewForm(request.POST or None)
    this_week = periods.week_start(periods.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.weekly_review_submit(
                actor=request.user,
                business=business,
                week_start=this_week - timedelta(days=7) if data["late"] else this_week,
                rating=data["rating"],
                problems=data["problems"],
                rectification=data["rectification"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Weekly review saved."))
            return redirect(f"{_home_url()}?business={business.pk}")
    return render(
        request,
        "enterprise/weekly_review.html",
        {
            "business": business,
            "form": form,
            "week_start": this_week,
            "week_end": this_week + timedelta(days=6),
            "failures": DailyCheck.objects.filter(
                business=business, on__gte=this_week, failures__gt=0
            ).prefetch_related("items__risk_point"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def monthly_meeting(request, business_id: int):
    business = _staff_business(request, business_id)
    today = periods.today()
    form = MonthlyMeetingForm(
        request.POST or None, request.FILES or None, initial={"held_on": today}
    )
    signature_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        month = periods.previous_month_start(today) if data["late"] else periods.month_start(today)
        try:
            services.monthly_meeting_submit(
                actor=request.user,
                business=business,
                month=month,
                held_on=data["held_on"],
                place=data["place"],
                chair=data["chair"],
                attendees=data["attendees"],
                summary=data["summary"],
                priorities=data["priorities"],
                signature_png=signature_from_data_url(request.POST.get("signature", "")),
                scan=data["scan"],
            )
        except DomainError as exc:
            signature_error = exc.fields.get("signature", "")
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Monthly minutes saved."))
            return redirect(f"{_home_url()}?business={business.pk}")
    return render(
        request,
        "enterprise/monthly_meeting.html",
        {"business": business, "form": form, "signature_error": signature_error},
        status=422 if form.errors else 200,
    )


# --- the business's duties page ---------------------------------------------------------------


@login_required
@require_GET
def business_duties(request, business_id: int):
    """People, staffing, risk list, records and completion of one business: for its staff, the
    office, the responsible official and the regulator."""
    business = _business(request, business_id)
    today = periods.today()
    first = max(today - timedelta(days=29), business.status_since)
    completion = selectors.completion_by_business([business.pk], first=first, last=today)[
        business.pk
    ]
    context = {
        "business": business,
        "profile": services.profile_of(business),
        "staffing": selectors.staffing_of(business),
        "risk_list": services.current_risk_list(business),
        "records": selectors.records_of(business),
        "completion": completion,
        "first": first,
        "can_manage_officers": access.can_manage_officers(request.user, business),
        "can_manage_people": access.can_manage_people(request.user, business),
        "can_edit_risk_list": access.can_edit_risk_list(request.user, business),
        "person_form": PersonForm(),
        "enrolment_form": EnrolmentIssueForm(),
        "issued_code": request.session.pop("enterprise_issued_code", None),
    }
    return render(request, "enterprise/business.html", context)


def _person_action(request, business, appoint):
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return
    try:
        appoint(actor=request.user, business=business, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *exc.fields.values()]))
    else:
        messages.success(request, _("Saved."))


@login_required
@require_POST
def officer_add(request, business_id: int):
    business = _business(request, business_id, check=access.can_manage_officers)
    _person_action(request, business, services.officer_add)
    return redirect("enterprise:business", business.pk)


@login_required
@require_POST
def director_appoint(request, business_id: int):
    business = _business(request, business_id, check=access.can_manage_people)
    _person_action(request, business, services.director_appoint)
    return redirect("enterprise:business", business.pk)


@login_required
@require_POST
def person_end(request, business_id: int, kind: str, person_id: int):
    check = access.can_manage_officers if kind == "officer" else access.can_manage_people
    business = _business(request, business_id, check=check)
    person = _person(business, kind, person_id)
    try:
        services.safety_person_end(actor=request.user, person=person)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The appointment has ended."))
    return redirect("enterprise:business", business.pk)


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request, business_id: int, kind: str, person_id: int):
    business = _business(request, business_id, check=access.can_manage_officers)
    person = _person(business, kind, person_id)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("enterprise:business", business.pk)
    return render(
        request,
        "enterprise/simple_form.html",
        {
            "business": business,
            "form": form,
            "title": _("Record training for %(name)s") % {"name": person.name},
        },
    )


@login_required
@require_GET
def duty_card(request, business_id: int, kind: str, person_id: int):
    """A printable card of the person's duties (岗位职责), to post at the workplace."""
    business = _business(request, business_id)
    person = _person(business, kind, person_id)
    hours = selectors.training_hours(persons=[person], year=periods.today().year).get(person.pk, 0)
    return render(
        request,
        "enterprise/duty_card.html",
        {"business": business, "person": person, "kind": kind, "hours": hours},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, business_id: int):
    business = _business(request, business_id, check=access.can_manage_officers)
    profile = services.profile_of(business)
    initial = {
        "principal_name": profile.principal_name,
        "principal_phone": profile.principal_phone,
        "people_served": profile.people_served,
        "operating_weekdays": list(profile.operating_weekdays),
        "contact_name": business.contact_name,
        "contact_phone": business.contact_phone,
        "address": business.address,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["operating_weekdays"] = "".join(data["operating_weekdays"])
        try:
            services.enterprise_profile_update(actor=request.user, business=business, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprise:business", business.pk)
    return render(
        request,
        "enterprise/simple_form.html",
        {"business": business, "form": form, "title": _("Principal, contact and operating days")},
    )


@login_required
@require_POST
def enrolment_issue(request, business_id: int):
    business = _business(request, business_id, check=access.can_manage_people)
    form = EnrolmentIssueForm(request.POST)
    if form.is_valid():
        try:
            issued = services.enrolment_code_issue(
                actor=request.user, business=business, role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session["enterprise_issued_code"] = {
                "code": issued.code,
                "expires": issued.enrolment.expires_at.isoformat()[:10],
            }
    return redirect("enterprise:business", business.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_account_new(request, business_id: int):
    """An account for the business's director or officer, made by the office of its subtree
    (docs/domain.md §1.8): the one-time password is shown on this answer only."""
    business = _business(request, business_id, check=access.can_manage_people)
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.staff_account_create(
                actor=request.user, business=business, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return render(
                request,
                "enterprise/staff_account_issued.html",
                {"business": business, "issued": issued},
            )
    return render(
        request,
        "enterprise/staff_account_form.html",
        {"business": business, "form": form},
        status=422 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Self-registration of business staff with the credit code and an enrolment code."""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_redeem(client_ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your account is ready. Log in with it."))
            return redirect("accounts:login")
    return render(
        request, "enterprise/enrol.html", {"form": form}, status=422 if form.errors else 200
    )


# --- risk control list ----------------------------------------------------------------------


@login_required
@require_GET
def risk_list(request, business_id: int):
    business = _business(request, business_id)
    current = services.current_risk_list(business)
    version = request.GET.get("version", "")
    shown = current
    if version.isdigit() and current is not None:
        shown = current.__class__.objects.filter(business=business, version=int(version)).first()
        if shown is None:
            raise Http404
    return render(
        request,
        "enterprise/risk_list.html",
        {
            "business": business,
            "risk_list": shown,
            "current": current,
            "points": list(shown.points.all()) if shown else [],
            "can_edit": access.can_edit_risk_list(request.user, business),
            "versions": range(1, current.version + 1) if current else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_list_edit(request, business_id: int):
    business = _business(request, business_id, check=access.can_edit_risk_list)
    current = services.current_risk_list(business)
    if current is None and request.method == "POST" and request.POST.get("start") == "1":
        services.risk_list_save(
            actor=request.user, business=business, note=_("From the starter list")
        )
        return redirect("enterprise:risk_list", business.pk)
    initial = (
        list(
            current.points.values(
                "stage", "point", "description", "measure", "target", "frequency", "responsible"
            )
        )
        if current
        else []
    )
    formset = RiskPointFormSet(request.POST or None, initial=initial, prefix="points")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("point")]
        try:
            services.risk_list_save(
                actor=request.user, business=business, rows=rows, note=request.POST.get("note", "")
            )
        except Invalid as exc:
            error = " ".join([exc.message, *exc.fields.values()])
        else:
            messages.success(request, _("A new version of the list is saved."))
            return redirect("enterprise:risk_list", business.pk)
    return render(
        request,
        "enterprise/risk_list_edit.html",
        {"business": business, "formset": formset, "current": current, "error": error},
    )


# --- the province's starter lists ------------------------------------------------------------


def _editable_provinces(viewer) -> list[Division]:
    provinces = Division.objects.filter(parent__isnull=True).order_by("code")
    return [p for p in provinces if access.can_edit_starter_lists(viewer, p)]


@login_required
@require_GET
def starter_lists(request):
    """The groups of the starter lists of the provinces the viewer edits (docs/domain.md §1.8)."""
    provinces = _editable_provinces(request.user)
    if not provinces:
        raise access_refuse(
            Forbidden(
                code="starter_lists_forbidden",
                message=_("Only a province's office staff edit its starter lists."),
            ),
            viewer=request.user,
            target_type="regions.division",
            target_id="",
        )
    custom = selectors.starter_groups_with_own_points([p.pk for p in provinces])
    rows = [
        (province, [(group, (province.pk, group.value) in custom) for group in BusinessGroup])
        for province in provinces
    ]
    return render(request, "enterprise/starter_lists.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def starter_edit(request, province_id: int, group: str):
    """Replace one group's starter list of a province; businesses that start their list later
    start from it, lists already made keep their rows."""
    province = province_by_id(request.user, province_id)
    if province is None or not access.can_edit_starter_lists(request.user, province):
        raise access_refuse(
            Forbidden(
                code="starter_lists_forbidden",
                message=_("Only a province's office staff edit its starter lists."),
            ),
            viewer=request.user,
            target_type="regions.division",
            target_id=province_id,
        )
    if group not in BusinessGroup.values:
        raise access_refuse(
            NotFound(code="starter_list_not_found", message=_("Not found.")),
            viewer=request.user,
            target_type="regions.division",
            target_id=province_id,
        )
    initial = [
        {name: row.get(name, "") for name in starter.FIELDS}
        for row in services.template_rows(province=province, group=group)
    ]
    formset = StarterPointFormSet(request.POST or None, initial=initial, prefix="points")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("point")]
        try:
            services.risk_template_save(
                actor=request.user, province=province, group=group, rows=rows
            )
        except Invalid as exc:
            error = " ".join([exc.message, *exc.fields.values()])
        else:
            messages.success(request, _("The starter list is saved."))
            return redirect("enterprise:starter_lists")
    return render(
        request,
        "enterprise/starter_edit.html",
        {
            "province": province,
            "group": BusinessGroup(group),
            "formset": formset,
            "error": error,
        },
        status=422 if error or (formset.is_bound and not formset.is_valid()) else 200,
    )


# --- gaps: the official's and the regulator's view -------------------------------------------


@login_required
@require_GET
def gaps(request):
    """Businesses that keep records and missed them, in the viewer's jurisdiction, with the
    staffing and completion rates of the viewer's regions."""
    viewer = request.user
    today = periods.today()
    jurisdiction = viewer.jurisdiction()
    regions = (
        list(in_jurisdiction(Division.objects.filter(parent__isnull=True), viewer, via="."))
        if jurisdiction.everything
        else list(Division.objects.filter(path__in=jurisdiction.paths))
    )
    first = periods.previous_month_start(today)
    last = periods.month_start(today) - timedelta(days=1)
    rates = [
        (
            region,
            *selectors.staffing_rates(region=region),
            selectors.completion_rates(region=region, first=first, last=last),
        )
        for region in regions[:5]
    ]
    return render(
        request,
        "enterprise/gaps.html",
        {
            "gaps": selectors.self_check_gaps(viewer=viewer, today=today)[:500],
            "rates": rates,
            "first": first,
            "last": last,
            "notices": selectors.notices_for(viewer),
            "can_edit_starters": bool(_editable_provinces(viewer)),
        },
    )


@login_required
@require_POST
def notice_read(request, self_check_notice_id: int):
    notice = SelfCheckNotice.objects.filter(pk=self_check_notice_id, user=request.user).first()
    if notice is None:
        access_refuse(
            NotFound(code="notice_not_found", message=_("Not found.")),
            viewer=request.user,
            target_type="enterprise.selfchecknotice",
            target_id=self_check_notice_id,
        )
        raise Http404
    services.self_check_notice_read(actor=request.user, notice=notice)
    return redirect("enterprise:gaps")
