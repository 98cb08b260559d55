"""Visits under /api/v1/visits: the caller's tasks this quarter, a visit, its problems and its
re-checks, read within the caller's jurisdiction (docs/domain.md §1.13); an official uploads
photos for a business (POST /photos) and records a visit naming them (POST ""), as the phone
form does, re-checking earlier problems of the business on the way (`rechecks`)."""

import uuid
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from liangze.audit.services import access_refuse
from liangze.businesses.selectors import access_business_by_id
from liangze.core.errors import Forbidden, Invalid
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.files.capture import CaptureIn
from liangze.files.models import FileKind, StoredFile
from liangze.files.services import stored_file_save
from liangze.officials.documents.services import signature_from_data_url
from liangze.officials.selectors import official_of
from liangze.rectification.models import Problem
from liangze.rectification.selectors import access_problem_by_id
from liangze.rectification.services import ProblemDraft
from liangze.visits import selectors
from liangze.visits.models import LocationState
from liangze.visits.periods import Quarter
from liangze.visits.services import (
    ItemAnswer,
    RecheckAnswer,
    VisitInput,
    visit_rechecks_authorise,
    visit_submit,
)

router = Router(tags=["visits"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class TaskOut(Schema):
    id: int
    business_id: int
    business_name: str = Field(alias="business.name")
    period: date = Field(description="First day of the quarter.")
    status: str = Field(description="due, done, missed or exempt.")
    required: int
    visits_made: int


class VisitOut(Schema):
    id: int
    business_id: int
    official_id: int
    visited_at: datetime
    received_at: datetime
    mode: str
    location: str = Field(description="given, denied or unavailable.")
    distance_m: int | None
    representative: str
    signature_refused: bool
    problem_count: int
    late: bool
    replaces_id: int | None


class VisitProblemOut(Schema):
    id: int
    description: str
    severity: str
    status: str
    fixed_on_spot: bool
    found_at: datetime


@router.get("/tasks", response=list[TaskOut])
@paginate(Pagination, page_size=50)
def my_tasks(request):
    """The caller's tasks this quarter (an official's own; empty for anyone else)."""
    return selectors.my_tasks(viewer=request.user, quarter=Quarter.current())


class VisitPhotoOut(Schema):
    id: uuid.UUID = Field(description="Name it in a visit's photo lists.")


class ProblemIn(Schema):
    description: str = Field(..., max_length=1000)
    severity: str = Field("general", description="serious or general.", max_length=10)
    fixed_on_spot: bool = False
    photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)
    after_photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)


class ItemIn(Schema):
    key: str = Field(..., max_length=40)
    result: str = Field("pass", description="pass, problem or na.", max_length=8)
    note: str = Field("", max_length=500)
    problem: ProblemIn | None = None


class RecheckIn(Schema):
    problem: int = Field(..., description="An earlier problem of the business visited.")
    fixed: bool = Field(..., description="Fixed closes it; not fixed sends a reported fix back.")
    note: str = Field(
        "", max_length=2000, description="Required when not fixed, and when recording the fix."
    )
    photo_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        description="Photos after the fix (POST /photos), required when the re-check records "
        "the fix: a problem still `accepted`, no fix reported yet.",
    )


class VisitIn(Schema):
    business_id: int
    idempotency_key: uuid.UUID = Field(description="The same key twice makes one visit.")
    visited_at: datetime
    mode: str = Field(..., description="on_site or remote.", max_length=10)
    items: list[ItemIn] = Field(..., max_length=100)
    representative: str = Field("", max_length=60)
    signature: str = Field("", max_length=3_000_000, description="PNG data URL.")
    signature_refused: bool = False
    refusal_note: str = Field("", max_length=300)
    lat_e6: int | None = Field(None, ge=-90_000_000, le=90_000_000)
    lng_e6: int | None = Field(None, ge=-180_000_000, le=180_000_000)
    location: str = Field("unavailable", description="given, denied or unavailable.", max_length=12)
    photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    rechecks: list[RecheckIn] = Field(
        default_factory=list,
        max_length=50,
        description="Re-checks of earlier problems (回头看) this visit carries, one per problem; "
        "one refused refuses the whole visit, with its reason under `recheck-<problem id>`.",
    )


class VisitRecheckOut(Schema):
    id: int
    problem_id: int
    fixed: bool
    note: str
    checked_at: datetime


def _official(request, business_id: int):
    business = access_business_by_id(request.user, business_id)
    if official_of(request.user) is None:
        raise access_refuse(
            Forbidden(code="visit_not_official", message=_("Only officials record visits.")),
            viewer=request.user,
            target_type="businesses.business",
            target_id=business_id,
        )
    return business


def _photos(request, ids) -> list[StoredFile]:
    """The caller's own photos; an id of anything else is refused as unknown."""
    ids = list(dict.fromkeys(ids))
    found = {
        f.public_id: f
        for f in StoredFile.objects.filter(
            public_id__in=ids, kind=FileKind.PHOTO, uploaded_by=request.user
        )
    }
    if len(found) != len(ids):
        message = _("A photo was not found; upload it first.")
        raise Invalid(code="photo_not_found", message=message, fields={"photo_ids": message})
    return [found[i] for i in ids]


@router.post("/photos", response={201: VisitPhotoOut, codes_4xx: ErrorOut})
def visit_photo_upload(
    request,
    business_id: Form[int],
    file: File[UploadedFile],
    captured_at: Form[str] = "",
    lat_e6: Form[str] = "",
    lng_e6: Form[str] = "",
):
    """A photo for a visit to the business (checked, re-encoded, the SHA-256 of the bytes as
    received kept), with the capture time and place read from its EXIF before the phone shrank
    it; a bad value is dropped with its reason, never refused (docs/domain.md §1.10)."""
    business = _official(request, business_id)
    stored = stored_file_save(
        actor=request.user,
        division=business.division,
        kind=FileKind.PHOTO,
        upload=file,
        evidence=True,
        capture=CaptureIn(captured_at=captured_at, lat_e6=lat_e6, lng_e6=lng_e6),
    )
    return Status(201, {"id": stored.public_id})


@router.post("", response={201: VisitOut, codes_4xx: ErrorOut})
def visit_create(request, payload: VisitIn):
    """Record a visit (immutable once written; the same idempotency key returns the first).
    A re-check names a problem the caller reads (else 404) of the business visited (else 422)
    that the caller may re-check from its state now (else 403 or 409)."""
    business = _official(request, payload.business_id)
    rechecks = [
        RecheckAnswer(
            problem=access_problem_by_id(request.user, r.problem),
            fixed=r.fixed,
            note=r.note,
            photos=_photos(request, r.photo_ids),
        )
        for r in payload.rechecks
    ]
    visit_rechecks_authorise(
        actor=request.user,
        business=business,
        idempotency_key=payload.idempotency_key,
        rechecks=rechecks,
    )
    answers = {}
    for item in payload.items:
        problem = None
        if item.problem is not None:
            problem = ProblemDraft(
                description=item.problem.description,
                severity=item.problem.severity,
                category=item.key,
                fixed_on_spot=item.problem.fixed_on_spot,
                photos=_photos(request, item.problem.photo_ids),
                after_photos=_photos(request, item.problem.after_photo_ids),
            )
        answers[item.key] = ItemAnswer(result=item.result, note=item.note, problem=problem)
    signature = signature_from_data_url(payload.signature)
    with transaction.atomic():
        stored_signature = (
            stored_file_save(
                actor=request.user,
                division=business.division,
                kind=FileKind.SIGNATURE,
                upload=ContentFile(signature, "signature.png"),
            )
            if signature and not payload.signature_refused
            else None
        )
        visit = visit_submit(
            actor=request.user,
            data=VisitInput(
                business=business,
                visited_at=payload.visited_at
                if timezone.is_aware(payload.visited_at)
                else timezone.make_aware(payload.visited_at),
                mode=payload.mode,
                answers=answers,
                idempotency_key=payload.idempotency_key,
                representative=payload.representative,
                signature=stored_signature,
                signature_refused=payload.signature_refused,
                refusal_note=payload.refusal_note,
                lat_e6=payload.lat_e6,
                lng_e6=payload.lng_e6,
                location=payload.location
                if payload.location in LocationState.values
                else LocationState.UNAVAILABLE,
                photos=_photos(request, payload.photo_ids),
                rechecks=rechecks,
            ),
        )
    return Status(201, visit)


# After /photos: a path of its own comes before the one that takes any id.
@router.get("/{visit_id}", response={200: VisitOut, codes_4xx: ErrorOut})
def visit_detail(request, visit_id: int):
    return selectors.visit_by_id(viewer=request.user, visit_id=visit_id)


@router.get("/{visit_id}/problems", response={200: list[VisitProblemOut], codes_4xx: ErrorOut})
def visit_problems(request, visit_id: int):
    visit = selectors.visit_by_id(viewer=request.user, visit_id=visit_id)
    return list(Problem.objects.filter(source="visit", source_id=visit.pk).order_by("pk"))


@router.get("/{visit_id}/rechecks", response={200: list[VisitRecheckOut], codes_4xx: ErrorOut})
def visit_rechecks(request, visit_id: int):
    """The re-checks of earlier problems the visit recorded."""
    visit = selectors.visit_by_id(viewer=request.user, visit_id=visit_id)
    return list(visit.rechecks.order_by("pk"))
