"""The measures whose facts the officials app holds (docs/domain.md §2), registered with the
figures machinery (docs/architecture.md#figures), and the marks its services write when those
facts change.

- `coverage_rate` (business side): in-scope businesses with an assignment active that day to an
  official posted at the level their grade requires / in-scope businesses.
- `commitment_rate` (official side): officials with tasks holding a valid letter / officials
  with tasks (已分配任务).
- `list_filing_rate` (official side, per filing unit): filing units holding a valid
  responsibility list / filing units (divisions with officials with tasks posted at them).
- `task_list_filing_rate` (official side, per official): officials with tasks holding a valid
  task list / officials with tasks.
- `data_collection_rate` (business side, 数据归集率): rows of the regulator's register in force
  that name a business operating that day with its required fields complete (credit code or
  name, licence or registration number, grade, division, status, an official covering it) / rows
  of the register in force, less those whose business on the platform was suspended or closed
  that day (out of scope, docs/domain.md §1.7). A row counts at its business's division, or at
  its own when no business on the platform matches it (docs/domain.md §2, "The register").

Who has tasks and which documents are valid are the documents' own definitions
(documents/selectors.py: `officials_with_tasks_on`, `holders_of_valid`), used here and by the
documents board alike.
"""

from collections.abc import Collection, Iterable
from datetime import date

from django.db.models import Q

from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.figures.measures import Computed, Measure, Side, measure_register
from liangze.figures.services import figures_mark

COVERAGE = "coverage_rate"
COMMITMENT = "commitment_rate"
LIST_FILING = "list_filing_rate"
TASK_LIST_FILING = "task_list_filing_rate"
DATA_COLLECTION = "data_collection_rate"


def _active_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


def in_scope_on(day: date, division_ids: Collection[int] | None) -> list[tuple]:
    """(pk, division id, division path, grade) of the businesses operating on `day` (docs/domain.md
    §1.7): the current status when it began by then, else the status before the first change after
    `day` (none: the business was not yet registered)."""
    businesses = Business.objects.all()
    if division_ids is not None:
        businesses = businesses.filter(division_id__in=list(division_ids))
    rows = list(
        businesses.values_list(
            "pk", "division_id", "division__path", "grade", "status", "status_since"
        )
    )
    later = [row[0] for row in rows if row[5] > day]
    before: dict[int, str] = {}
    if later:
        for business_id, from_status in (
            StatusChange.objects.filter(business_id__in=later, effective_on__gt=day)
            .order_by("business_id", "effective_on", "pk")
            .values_list("business_id", "from_status")
        ):
            before.setdefault(business_id, from_status)
    out = []
    for pk, division_id, path, grade, status, since in rows:
        status_then = status if since <= day else before.get(pk, "")
        if status_then == BusinessStatus.OPERATING:
            out.append((pk, division_id, path, grade))
    return out


def coverage_compute(day: date, division_ids: Collection[int] | None) -> Computed:
    from liangze.officials.models import Assignment
    from liangze.officials.rules import rule_book

    rules = rule_book()
    businesses = in_scope_on(day, division_ids)
    levels = (
        dict(
            Assignment.objects.filter(
                _active_on(day), business_id__in=[b[0] for b in businesses]
            ).values_list("business_id", "official__grant__division__level")
        )
        if businesses
        else {}
    )
    out: dict[int, list] = {}
    for pk, division_id, path, grade in businesses:
        row = out.setdefault(division_id, [path, 0, 0])
        row[2] += 1
        if levels.get(pk) == rules.required_level(grade=grade, path=path):
            row[1] += 1
    return {pk: tuple(row) for pk, row in out.items()}


def statuses_on(day: date, business_ids: Collection[int]) -> dict[int, str]:
    """{business id: its status on `day`} ("" when it was not yet registered), by the same
    rule as in_scope_on."""
    statuses: dict[int, str] = {}
    later = []
    for pk, status, since in Business.objects.filter(pk__in=list(business_ids)).values_list(
        "pk", "status", "status_since"
    ):
        if since <= day:
            statuses[pk] = status
        else:
            later.append(pk)
    for business_id, from_status in (
        StatusChange.objects.filter(business_id__in=later, effective_on__gt=day)
        .order_by("business_id", "effective_on", "pk")
        .values_list("business_id", "from_status")
    ):
        statuses.setdefault(business_id, from_status)
    return statuses


def data_collection_compute(day: date, division_ids: Collection[int] | None) -> Computed:
    from liangze.businesses.models import RegisterEntry
    from liangze.officials.models import Assignment

    entries = RegisterEntry.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    if division_ids is not None:
        ids = list(division_ids)
        entries = entries.filter(
            Q(business__isnull=True, division_id__in=ids) | Q(business__division_id__in=ids)
        )
    rows = list(
        entries.values_list(
            "division_id",
            "division__path",
            "business_id",
            "business__division_id",
            "business__division__path",
        )
    )
    matched = {row[2] for row in rows if row[2] is not None}
    statuses = statuses_on(day, matched) if matched else {}
    complete: set[int] = set()
    covered: set[int] = set()
    if matched:
        # Required fields (docs/domain.md §2): division and status are never blank.
        complete = set(
            Business.objects.filter(pk__in=list(matched))
            .filter(Q(uscc__gt="") | Q(name__gt=""))
            .filter(Q(license_number__gt="") | Q(registration_number__gt=""))
            .exclude(grade="")
            .values_list("pk", flat=True)
        )
        covered = set(
            Assignment.objects.filter(_active_on(day), business_id__in=list(matched)).values_list(
                "business_id", flat=True
            )
        )
    out: dict[int, list] = {}
    for division_id, path, business_id, business_division, business_path in rows:
        if business_id is None:
            out.setdefault(division_id, [path, 0, 0])[2] += 1
            continue
        status = statuses.get(business_id, "")
        if status and status != BusinessStatus.OPERATING:
            continue  # suspended or closed that day: out of scope
        row = out.setdefault(business_division, [business_path, 0, 0])
        row[2] += 1
        row[1] += bool(
            status == BusinessStatus.OPERATING
            and business_id in complete
            and business_id in covered
        )
    return {pk: tuple(row) for pk, row in out.items()}


def _officials_by_post(day: date, division_ids: Collection[int] | None) -> list[tuple]:
    from liangze.officials.documents.selectors import officials_with_tasks_on

    officials = officials_with_tasks_on(day)
    if division_ids is not None:
        officials = officials.filter(grant__division_id__in=list(division_ids))
    return list(officials.values_list("pk", "grant__division_id", "grant__division__path"))


def _per_official(kind: str):
    def compute(day: date, division_ids: Collection[int] | None) -> Computed:
        from liangze.officials.documents.selectors import holders_of_valid

        officials = _officials_by_post(day, division_ids)
        holders = set(
            holders_of_valid(kind=kind, on=day)
            .filter(official_id__in=[o[0] for o in officials])
            .values_list("official_id", flat=True)
        )
        out: dict[int, list] = {}
        for pk, division_id, path in officials:
            row = out.setdefault(division_id, [path, 0, 0])
            row[2] += 1
            row[1] += pk in holders
        return {pk: tuple(row) for pk, row in out.items()}

    return compute


def list_filing_compute(day: date, division_ids: Collection[int] | None) -> Computed:
    from liangze.officials.documents.models import DutyDocumentKind
    from liangze.officials.documents.selectors import holders_of_valid

    units = {(d, path) for _pk, d, path in _officials_by_post(day, division_ids)}
    filed = set(
        holders_of_valid(kind=DutyDocumentKind.RESPONSIBILITY_LIST, on=day)
        .filter(division_id__in=[d for d, _p in units])
        .values_list("division_id", flat=True)
    )
    return {d: (path, int(d in filed), 1) for d, path in units}


def _documents_url(division_id: int, period: str) -> str:
    from django.urls import reverse

    from liangze.figures.periods import Period, today

    on = Period.parse(period).as_of(today())
    return f"{reverse('documents:board')}?within={division_id}&on={on.isoformat()}"


def _register_missing_url(division_id: int, period: str) -> str:
    from django.urls import reverse

    return f"{reverse('businesses:register_missing')}?within={division_id}"


def _uncovered_url(division_id: int, period: str) -> str:
    from django.urls import reverse

    return f"{reverse('officials:uncovered')}?within={division_id}"


def register_measures() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.officials.documents.models import DutyDocumentKind

    measure_register(
        Measure(
            code=COVERAGE,
            label=_("Coverage"),
            side=Side.BUSINESS,
            compute=coverage_compute,
            order=10,
            rows_url=_uncovered_url,
        )
    )
    measure_register(
        Measure(
            code=COMMITMENT,
            label=_("Commitment letters signed"),
            side=Side.OFFICIAL,
            compute=_per_official(DutyDocumentKind.COMMITMENT),
            order=40,
            rows_url=_documents_url,
        )
    )
    measure_register(
        Measure(
            code=LIST_FILING,
            label=_("Responsibility lists filed"),
            side=Side.OFFICIAL,
            compute=list_filing_compute,
            order=50,
            rows_url=_documents_url,
        )
    )
    measure_register(
        Measure(
            code=DATA_COLLECTION,
            label=_("Data collection"),
            side=Side.BUSINESS,
            compute=data_collection_compute,
            order=65,
            rows_url=_register_missing_url,
            help=_(
                "Businesses of the regulator's register that are on the platform, operating, "
                "with their codes, licence, grade and official / businesses of the register."
            ),
        )
    )
    measure_register(
        Measure(
            code=TASK_LIST_FILING,
            label=_("Task lists filed"),
            side=Side.OFFICIAL,
            compute=_per_official(DutyDocumentKind.TASK_LIST),
            order=51,
            rows_url=_documents_url,
        )
    )


# --- Marks, written by the services in the transaction of a change ---------------------------


def mark_businesses(division_ids: Iterable[int]) -> None:
    """The businesses in these divisions changed (registered, regraded, moved, status)."""
    figures_mark(side=Side.BUSINESS, division_ids=division_ids)


def mark_posts(division_ids: Iterable[int]) -> None:
    """Officials posted at these divisions changed (tasks, documents, post, deactivation)."""
    figures_mark(side=Side.OFFICIAL, division_ids=division_ids)


def mark_assignments(pairs: Iterable[tuple[int, int]]) -> None:
    """Assignments of (business id, official id) began or ended: the business's division and
    the official's post."""
    from liangze.officials.models import Official

    pairs = list(pairs)
    if not pairs:
        return
    businesses = {b for b, _o in pairs}
    officials = {o for _b, o in pairs}
    mark_businesses(
        Business.objects.filter(pk__in=businesses).values_list("division_id", flat=True).distinct()
    )
    mark_posts(
        Official.objects.filter(pk__in=officials)
        .values_list("grant__division_id", flat=True)
        .distinct()
    )


def follow_business_change(event) -> None:
    """A business hook (businesses/hooks.py): the businesses' divisions now. The division a
    business moved from is marked by the registry's move itself."""
    mark_businesses({b.division_id for b in event.businesses})
