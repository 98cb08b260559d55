"""Pages of the visits app: the official's tasks and the phone form, the office's progress
and a visit's detail. Thin: reads through selectors, writes through services."""

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liangze.audit.services import access_refuse
from liangze.businesses.selectors import access_business_by_id
from liangze.core.errors import DomainError, Forbidden
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.documents.services import signature_from_data_url
from liangze.officials.selectors import official_of
from liangze.rectification.models import Problem, Severity
from liangze.rectification.services import ProblemDraft
from liangze.visits import selectors
from liangze.visits.checklist import checklist_for
from liangze.visits.models import ItemResult, LocationState, VisitMode
from liangze.visits.periods import Quarter
from liangze.visits.rules import entry_state
from liangze.visits.services import ItemAnswer, VisitInput, visit_submit


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


def _photos(request, name: str, actor, division) -> list:
    return [
        stored_file_save(actor=actor, division=division, kind=FileKind.PHOTO, upload=upload)
        for upload in request.FILES.getlist(name)
    ]


def _visit_input(request, business, items) -> VisitInput:
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
    try:
        visited_at = datetime.fromisoformat(post.get("visited_at", ""))
    except ValueError:
        visited_at = timezone.now()
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    signature = signature_from_data_url(post.get("signature", ""))
    refused = post.get("signature_refused") == "on"
    try:
        key = uuid.UUID(post.get("idempotency_key", ""))
    except ValueError:
        key = uuid.uuid4()
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
    if request.method == "POST":
        try:
            with transaction.atomic():
                visit = visit_submit(
                    actor=request.user, data=_visit_input(request, business, items)
                )
        except DomainError as exc:
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
            "error": error,
            "post": request.POST,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
            "now": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "state": entry_state(official, quarter, now),
            "modes": VisitMode.choices,
            "results": ItemResult.choices,
            "severities": Severity.choices,
        },
    )


@login_required
@require_GET
def visit_detail(request, visit_id: int):
    visit = selectors.visit_by_id(viewer=request.user, visit_id=visit_id)
    problems = Problem.objects.filter(source="visit", source_id=visit.pk).prefetch_related(
        "photos__file"
    )
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "items": visit.items.all(),
            "photos": visit.photos.select_related("file"),
            "problems": problems,
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


SERVICE_WORKER = """// Keeps the visits pages and the static assets for offline use
// (docs/architecture.md#the-visit-form). Only GETs; a visit is sent by the page's outbox.
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
