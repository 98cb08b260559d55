"""Visits under /api/v1/visits: the caller's tasks this quarter, a visit and its problems, read
within the caller's jurisdiction (docs/domain.md §1.13). Recording a visit through the API is
not offered yet; the phone form records them."""

from datetime import date, datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.rectification.models import Problem
from liangze.visits import selectors
from liangze.visits.periods import Quarter

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


class ProblemOut(Schema):
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


@router.get("/{visit_id}", response={200: VisitOut, codes_4xx: ErrorOut})
def visit_detail(request, visit_id: int):
    return selectors.visit_by_id(viewer=request.user, visit_id=visit_id)


@router.get("/{visit_id}/problems", response={200: list[ProblemOut], codes_4xx: ErrorOut})
def visit_problems(request, visit_id: int):
    visit = selectors.visit_by_id(viewer=request.user, visit_id=visit_id)
    return list(Problem.objects.filter(source="visit", source_id=visit.pk).order_by("pk"))
