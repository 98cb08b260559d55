"""Pages of the visits app: the official's tasks and the phone form, the office's progress
and a visit's detail. Thin: reads through selectors, writes through services."""

import re
import uuid
from dataclasses import replace
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liangze.audit.services import access_refuse
from liangze.businesses.forms import add_domain_error
from liangze.businesses.selectors import access_business_by_id
from liangze.core.errors import DomainError, Forbidden
from liangze.files.capture import capture_in_list
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.access import can_set_province_rules, rule_provinces
from liangze.officials.documents.services import signature_from_data_url
from liangze.officials.selectors import access_rule_province, official_of
from liangze.officials.views import province_id_of
from liangze.rectification.models import Problem, ProblemPhoto, Severity
from liangze.rectification.selectors import access_problem_by_id, problems_awaiting_recheck
from liangze.rectification.services import ProblemDraft
from liangze.visits import selectors, services
from liangze.visits.checklist import checklist_for, province_checklist_items
from liangze.visits.forms import (
    ChecklistItemAddForm,
    ChecklistItemChangeForm,
    business_type_choices,
)
from liangze.visits.models import ItemResult, LocationState, VisitMode
from liangze.visits.periods import Quarter
from liangze.visits.rules import entry_state
from liangze.visits.services import (
    ItemAnswer,
    RecheckAnswer,
    VisitInput,
    recheck_field,
    visit_rechecks_authorise,
    visit_submit,
)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def my_tasks(request):
    """The official's tasks this quarter: due, done, missed, exempt."""
    quarter = Quarter.current()
    lat, lng = _int_or_none(request.GET.get("lat_e6")), _int_or_none(request.GET.get("lng_e6"))
    if lat is None or lng is None:
        lat = lng = None
    tasks = selectors.my_tasks(viewer=request.user, quarter=quarter, lat_e6=lat, lng_e6=lng)
    official = official_of(request.user)
    state = entry_state(official, quarter, timezone.now()) if official else None
    return render(
        request,
        "visits/my_tasks.html",
        {"tasks": tasks, "quarter": quarter, "state": state, "sorted_by_distance": lat is not None},
    )


def _key(post) -> uuid.UUID:
    """The page's idempotency key; a missing or broken one gets a key of its own."""
    try:
        return uuid.UUID(post.get("idempotency_key", ""))
    except ValueError:
        return uuid.uuid4()


def _photos(request, name: str, actor, division) -> list:
    """The evidence photos of form field `name`, each with the capture time and place the phone
    read from it before shrinking it (files.capture)."""
    uploads = request.FILES.getlist(name)
    captures = capture_in_list(request.POST, name, len(uploads))
    return [
        stored_file_save(
            actor=actor,
            division=division,
            kind=FileKind.PHOTO,
            upload=upload,
            evidence=True,
            capture=capture,
        )
        for upload, capture in zip(uploads, captures, strict=True)
    ]


_RECHECK_NAME = re.compile(r"recheck-(\d{1,18})")
_RECHECK_ANSWERS = {"fixed": True, "not_fixed": False}


def _posted_rechecks(request, awaiting) -> list[RecheckAnswer]:
    """The re-checks the form answers: each `recheck-<problem>` marked fixed or not fixed (one
    left unanswered is not re-checked on this visit). A problem no longer awaiting one is still
    named, so that the service refuses the visit rather than drop the re-check unsaid; one out
    of reach is not found."""
    known = {p.pk: p for p in awaiting}
    answers = []
    for name, value in request.POST.items():
        match = _RECHECK_NAME.fullmatch(name)
        if match is None or value not in _RECHECK_ANSWERS:
            continue
        pk = int(match[1])
        problem = known.get(pk) or access_problem_by_id(request.user, pk)
        answers.append(
            RecheckAnswer(
                problem=problem,
                fixed=_RECHECK_ANSWERS[value],
                note=request.POST.get(f"recheck-note-{pk}", ""),
            )
        )
    return answers


def _visit_input(request, business, items, *, key: uuid.UUID, rechecks) -> VisitInput:
    post = request.POST
    actor = request.user
    division = business.division
    answers = {}
    for item in items:
        result = post.get(f"item-{item.key}", "")
        note = post.get(f"note-{item.key}", "")
        problem = None
        if result == ItemResult.PROBLEM:
            fixed = post.get(f"fixed-{item.key}") == "on"
            problem = ProblemDraft(
                description=post.get(f"problem-{item.key}", "") or note,
                severity=post.get(f"severity-{item.key}", Severity.GENERAL),
                category=item.key,
                fixed_on_spot=fixed,
                photos=_photos(request, f"photo-{item.key}", actor, division),
                after_photos=_photos(request, f"after-{item.key}", actor, division)
                if fixed
                else (),
            )
        if result:
            answers[item.key] = ItemAnswer(result=result, note=note, problem=problem)
    # Answers to items the checklist no longer has (a form or an offline draft opened before the
    # province changed it) go to the service, which refuses them with their own message.
    known = {item.key for item in items}
    for name, result in post.items():
        if name.startswith("item-") and result and name.removeprefix("item-") not in known:
            answers[name.removeprefix("item-")] = ItemAnswer(result=result)
    try:
        visited_at = datetime.fromisoformat(post.get("visited_at", ""))
    except ValueError:
        visited_at = timezone.now()
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    signature = signature_from_data_url(post.get("signature", ""))
    refused = post.get("signature_refused") == "on"
    lat, lng = _int_or_none(post.get("lat_e6")), _int_or_none(post.get("lng_e6"))
    location = post.get("location", LocationState.UNAVAILABLE)
    return VisitInput(
        business=business,
        visited_at=visited_at,
        mode=post.get("mode", ""),
        answers=answers,
        idempotency_key=key,
        representative=post.get("representative", ""),
        signature=stored_file_save(
            actor=actor,
            division=division,
            kind=FileKind.SIGNATURE,
            upload=ContentFile(signature, "signature.png"),
        )
        if signature and not refused
        else None,
        signature_refused=refused,
        refusal_note=post.get("refusal_note", ""),
        lat_e6=lat if lng is not None else None,
        lng_e6=lng if lat is not None else None,
        location=location if location in LocationState.values else LocationState.UNAVAILABLE,
        photos=_photos(request, "photos", actor, division),
        rechecks=[
            replace(r, photos=_photos(request, f"recheck-photo-{r.problem.pk}", actor, division))
            if r.fixed
            else r
            for r in rechecks
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request, business_id: int):
    """The phone form (docs/architecture.md#the-visit-form)."""
    business = access_business_by_id(request.user, business_id)
    official = official_of(request.user)
    if official is None:
        raise access_refuse(
            Forbidden(code="visit_not_official", message=_("Only officials record visits.")),
            viewer=request.user,
            target_type="businesses.business",
            target_id=business_id,
        )
    items = checklist_for(business)
    now = timezone.now()
    quarter = Quarter.current()
    errors: dict[str, str] = {}
    error = ""
    # The page's script sends from its outbox and wants the answer as data.
    outbox = request.headers.get("X-Visit-Outbox") == "1"
    awaiting = problems_awaiting_recheck(viewer=request.user, business=business)
    if request.method == "POST":
        try:
            key = _key(request.POST)
            rechecks = _posted_rechecks(request, awaiting)
            visit_rechecks_authorise(
                actor=request.user, business=business, idempotency_key=key, rechecks=rechecks
            )
            with transaction.atomic():
                visit = visit_submit(
                    actor=request.user,
                    data=_visit_input(request, business, items, key=key, rechecks=rechecks),
                )
        except DomainError as exc:
            # Nothing was written; the problems are read again as they stand.
            awaiting = problems_awaiting_recheck(viewer=request.user, business=business)
            if outbox:
                return JsonResponse(
                    {"code": exc.code, "message": exc.message, "fields": dict(exc.fields)},
                    status=exc.status,
                )
            errors = dict(exc.fields)
            error = exc.message
        else:
            url = reverse("visits:detail", kwargs={"visit_id": visit.pk})
            if outbox:
                return JsonResponse({"visit": visit.pk, "url": url}, status=201)
            messages.success(request, _("Visit recorded."))
            return redirect(url)
    return render(
        request,
        "visits/visit_form.html",
        {
            "business": business,
            "items": items,
            "errors": errors,
            # Each field's message but the one shown first (a dict's `.items` in a template would
            # read the field named "items").
            "other_errors": [m for m in dict.fromkeys(errors.values()) if m != error],
            "error": error,
            "post": request.POST,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
            "now": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "state": entry_state(official, quarter, now),
            "modes": VisitMode.choices,
            "results": ItemResult.choices,
            "severities": Severity.choices,
            "rechecks": [
                {
                    "problem": problem,
                    "field": recheck_field(problem),
                    "answer": request.POST.get(recheck_field(problem), ""),
                    "note": request.POST.get(f"recheck-note-{problem.pk}", ""),
                    "error": errors.get(recheck_field(problem), ""),
                }
                for problem in awaiting
            ],
        },
    )


@login_required
@require_GET
def visit_detail(request, visit_id: int):
    visit = selectors.visit_by_id(viewer=request.user, visit_id=visit_id)
    problems = Problem.objects.filter(source="visit", source_id=visit.pk).prefetch_related(
        Prefetch("photos", queryset=ProblemPhoto.objects.select_related("file__display_copy"))
    )
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "items": visit.items.all(),
            "photos": visit.photos.select_related("file__display_copy"),
            "problems": problems,
            "rechecks": visit.rechecks.select_related("problem").order_by("pk"),
        },
    )


@login_required
@require_GET
def progress(request):
    """Office staff: this quarter's tasks per official and per post division."""
    quarter = Quarter.current()
    chosen = request.GET.get("division", "")
    rows, divisions, listed = selectors.progress(
        viewer=request.user,
        quarter=quarter,
        division_id=int(chosen) if chosen.isdigit() else None,
    )
    return render(
        request,
        "visits/progress.html",
        {"quarter": quarter, "rows": rows, "divisions": divisions, "listed": listed},
    )


@login_required
@require_GET
def official_visits(request, official_id: int):
    quarter = Quarter.current()
    visits = selectors.visits_of_official(
        viewer=request.user, official_id=official_id, quarter=quarter
    )
    return render(
        request, "visits/official_visits.html", {"quarter": quarter, "visits": visits[:500]}
    )


# --- a province's checklist templates (docs/domain.md §1.5, §1.12) ----------------------------


def _checklist_prefix(business_type: str, key: str) -> str:
    return f"i-{business_type or 'all'}-{key}"


def _checklist_post(request, viewer, province) -> tuple[str | None, dict]:
    """Carry out the one change the page posted: (the changed item's anchor, {}) or (None, the
    failed form to show again: `add_form`, or `failed` with its item's set and key)."""
    action = request.POST.get("action", "")
    if action == "add":
        form = ChecklistItemAddForm(request.POST)
        if form.is_valid():
            try:
                item = services.checklist_item_create(
                    actor=viewer, province=province, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Item added."))
                return _checklist_prefix(item.business_type, item.key), {}
        return None, {"add_form": form}
    business_type = request.POST.get("business_type", "")
    key = request.POST.get("key", "")
    anchor = _checklist_prefix(business_type, key)
    item = {"actor": viewer, "province": province, "business_type": business_type, "key": key}
    if action in ("up", "down"):
        try:
            services.checklist_item_move(**item, up=action == "up")
        except DomainError as exc:
            messages.error(request, exc.message)
        return anchor, {}
    form = ChecklistItemChangeForm(request.POST, prefix=anchor)
    if form.is_valid():
        try:
            services.checklist_item_update(**item, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return anchor, {}
    return None, {"failed": (business_type, key, form)}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def checklist_items(request):
    """A province's visit checklist per business type (docs/domain.md §1.5, §1.12): read by its
    office staff and leaders, changed by its office staff, one item at a time."""
    viewer = request.user
    province = access_rule_province(viewer, province_id_of(request))
    forms = {}
    if request.method == "POST":
        province = access_rule_province(viewer, province.pk, for_write=True)
        # Back to the item changed, so that a phone keeps its place in a long list.
        anchor, forms = _checklist_post(request, viewer, province)
        if anchor is not None:
            url = reverse("visits:checklist")
            return redirect(f"{url}?province={province.pk}#{anchor}")
    can_write = can_set_province_rules(viewer, province)
    rows, is_default = province_checklist_items(province)
    failed = forms.get("failed")
    sets: dict[str, list] = {}
    for row in rows:
        row.form = None
        if failed is not None and failed[:2] == (row.business_type, row.key):
            row.form = failed[2]
        elif can_write:
            row.form = ChecklistItemChangeForm(
                initial={"label": row.label, "order": row.order, "active": row.active},
                prefix=_checklist_prefix(row.business_type, row.key),
            )
        sets.setdefault(row.business_type, []).append(row)
    labels = dict(business_type_choices())
    context = {
        "province": province,
        "provinces": rule_provinces(viewer),
        "sets": [(kind, labels.get(kind, kind), items) for kind, items in sets.items()],
        "is_default": is_default,
        "add_form": forms.get("add_form", ChecklistItemAddForm()) if can_write else None,
    }
    return render(request, "visits/checklist_items.html", context)


SERVICE_WORKER = """// Keeps the visits pages and the static assets for offline use
// (docs/architecture.md#the-visit-form). Only GETs; a visit is sent by the page's outbox.
// Pages hold personal data: app.js deletes every cache named liangze-* at logout.
const CACHE = "liangze-visits-1";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("%(static)s")) {
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
            return response;
          }),
      ),
    );
  } else if (url.pathname.startsWith("%(scope)s")) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || Response.error())),
    );
  }
});
"""


@require_GET
def service_worker(request):
    """The visits' service worker, served from /visits/ so that its scope covers the pages."""
    from django.conf import settings

    body = SERVICE_WORKER % {"static": settings.STATIC_URL, "scope": reverse("visits:mine")}
    response = HttpResponse(body, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def visits_export(request):
    """Office staff: this quarter's visits of their subtrees as .xlsx, one row per visit."""
    import tempfile

    from liangze.accounts.access import is_office_or_admin
    from liangze.visits.exports import export_visits, visits_workbook

    if not is_office_or_admin(request.user):
        raise access_refuse(
            Forbidden(
                code="visit_export_forbidden",
                message=_("Only food safety office staff export visits."),
            ),
            viewer=request.user,
        )
    quarter = Quarter.current()
    with tempfile.TemporaryFile() as target:
        rows = visits_workbook(target, visits=export_visits(viewer=request.user, quarter=quarter))
        target.seek(0)
        content = target.read()
    del rows  # the count is not recorded: a GET writes nothing (the cross-county walk)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="visits-{quarter}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
