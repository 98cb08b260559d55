"""Reads of the commitment letters and the three lists, and the two rates they feed
(docs/domain.md §2: commitment_rate, list_filing_rate)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden, NotFound
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.core.tree import SEGMENT_WIDTH, is_within
from liangze.figures.rates import Rate
from liangze.officials.access import reads_own_only
from liangze.officials.documents.access import can_sign_document
from liangze.officials.documents.models import (
    DutyDocument,
    DutyDocumentKind,
    DutyDocumentTemplate,
    Reminder,
    earliest_signing_valid_on,
)
from liangze.officials.models import Assignment, Official
from liangze.officials.selectors import official_list
from liangze.regions.models import Division


def duty_document_list(
    *,
    viewer,
    kind: str = "",
    status: str = "",
    within: Division | None = None,
    year: int | None = None,
) -> QuerySet[DutyDocument]:
    """Documents whose holder's division the viewer reads; an official: only their own."""
    documents = in_jurisdiction(DutyDocument.objects.all(), viewer, via="division")
    if reads_own_only(viewer):
        documents = documents.filter(official__user=viewer)
    if within is not None:
        documents = within_subtrees(documents, [within.path], via="division")
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(year=year)
    return documents.select_related(
        "division", "official__user", "official__grant__division", "document"
    ).order_by("division__path", "kind", "official__user__display_name", "pk")


def access_duty_document_by_id(viewer, document_id: int, *, for_sign: bool = False) -> DutyDocument:
    """Missing and out-of-reach raise the same NotFound; readable but not the viewer's to sign
    raises Forbidden."""
    document = duty_document_list(viewer=viewer).filter(pk=document_id).first()
    if document is None:
        raise access_refuse(
            NotFound(code="duty_document_not_found", message=_("Document not found.")),
            viewer=viewer,
            target_type="officials.dutydocument",
            target_id=document_id,
        )
    if for_sign and not can_sign_document(viewer, document):
        raise access_refuse(
            Forbidden(
                code="duty_document_read_only",
                message=_("You may view this document, not sign or change it."),
            ),
            viewer=viewer,
            target_type="officials.dutydocument",
            target_id=document_id,
        )
    return document


def documents_to_sign(*, viewer) -> QuerySet[DutyDocument]:
    """The viewer's own letters and task lists still to sign, or rejected and to sign again."""
    return (
        duty_document_list(viewer=viewer)
        .filter(official__user=viewer)
        .exclude(status=DutyDocument.Status.SIGNED)
    )


def my_reminders(*, viewer, limit: int = 10) -> list[Reminder]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(
        Reminder.objects.filter(user=viewer, read_at__isnull=True)
        .select_related("document__official__user", "document__division")
        .order_by("-created_at", "-pk")[:limit]
    )


def reminder_list(*, viewer) -> QuerySet[Reminder]:
    """The viewer's own reminders (an official's, an office clerk's), unread first."""
    if not getattr(viewer, "is_authenticated", False):
        return Reminder.objects.none()
    return (
        Reminder.objects.filter(user=viewer)
        .select_related("document__official__user", "document__division")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def unread_reminder_count(*, viewer) -> int:
    if not getattr(viewer, "is_authenticated", False):
        return 0
    return Reminder.objects.filter(user=viewer, read_at__isnull=True).count()


def access_reminder_by_id(viewer, reminder_id: int) -> Reminder:
    """One of the viewer's own reminders; anyone else's answers as missing."""
    reminder = reminder_list(viewer=viewer).filter(pk=reminder_id).first()
    if reminder is None:
        raise access_refuse(
            NotFound(code="reminder_not_found", message=_("Reminder not found.")),
            viewer=viewer,
            target_type="officials.reminder",
            target_id=reminder_id,
        )
    return reminder


def template_for(*, kind: str, division: Division) -> DutyDocumentTemplate | None:
    """The newest template the province of `division` uploaded for `kind` (None: the default)."""
    province_path = division.path[:SEGMENT_WIDTH]  # the root of the tree is the province
    return (
        DutyDocumentTemplate.objects.filter(kind=kind, province__path=province_path)
        .select_related("file")
        .order_by("-created_at", "-pk")
        .first()
    )


def template_list(*, viewer) -> QuerySet[DutyDocumentTemplate]:
    return (
        in_jurisdiction(DutyDocumentTemplate.objects.all(), viewer, via="province")
        .select_related("province", "file", "uploaded_by")
        .order_by("-created_at", "-pk")
    )


# --- Who must hold what ----------------------------------------------------------------------


def _active_on(day: date) -> Q:
    """Assignments covering on `day`: begun by then, not ended by then."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


def officials_with_tasks(*, viewer, within: Division, on: date) -> QuerySet[Official]:
    """已分配任务: officials active on `on` whose post lies under `within` and who cover at least
    one business that day (the denominators of both official-side rates). Scoped as the
    officials list is (officials.selectors.official_list)."""
    officials = official_list(viewer=viewer, within=within, active=None)
    return officials.filter(pk__in=officials_with_tasks_on(on).values("pk")).select_related(
        "user", "grant__division"
    )


def officials_with_tasks_on(on: date) -> QuerySet[Official]:
    """已分配任务, unscoped: officials active on `on` who cover at least one business that day
    (also the figures' definition, officials/figures.py)."""
    covering = Assignment.objects.filter(_active_on(on)).values("official_id")
    return Official.objects.filter(
        Q(active_to__isnull=True) | Q(active_to__gt=on), active_from__lte=on
    ).filter(pk__in=covering)


def _valid_on(day: date) -> Q:
    return Q(
        status=DutyDocument.Status.SIGNED,
        signed_on__lte=day,
        signed_on__gte=earliest_signing_valid_on(day),
    )


def holders_of_valid(*, kind: str, on: date) -> QuerySet:
    """Ids of the holders (officials, or divisions for division-held kinds) of a valid `kind`."""
    valid = DutyDocument.objects.filter(_valid_on(on), kind=kind)
    if kind in (DutyDocumentKind.COMMITMENT, DutyDocumentKind.TASK_LIST):
        return valid.values("official_id")
    return valid.values("division_id")


# --- Rates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRates:
    division: Division
    own_level: bool  # the row of officials posted at the region itself, not below
    commitment: Rate
    task_list: Rate
    responsibility_list: Rate


def document_rates(*, viewer, region: Division, on: date) -> list[RegionRates]:
    """commitment_rate and list_filing_rate on `on` (the period's end) for `region`'s own level
    and each direct sub-region, then the region as a whole: Σ numerators / Σ denominators over
    each subtree, never a mean of percentages. Officials count where their post is; a filing
    unit is a division with officials posted at it who cover businesses."""
    officials = list(
        officials_with_tasks(viewer=viewer, within=region, on=on).values_list(
            "pk", "grant__division_id", "grant__division__path"
        )
    )
    letters = set(
        holders_of_valid(kind=DutyDocumentKind.COMMITMENT, on=on).values_list(
            "official_id", flat=True
        )
    )
    task_lists = set(
        holders_of_valid(kind=DutyDocumentKind.TASK_LIST, on=on).values_list(
            "official_id", flat=True
        )
    )
    filed = set(
        holders_of_valid(kind=DutyDocumentKind.RESPONSIBILITY_LIST, on=on).values_list(
            "division_id", flat=True
        )
    )
    units = {(division_id, path) for _pk, division_id, path in officials}
    children = list(
        in_jurisdiction(Division.objects.filter(parent=region), viewer, via=".").order_by("path")
    )

    def rates_for(match) -> tuple[Rate, Rate, Rate]:
        mine = [(pk, path) for pk, _d, path in officials if match(path)]
        my_units = [d for d, path in units if match(path)]
        return (
            Rate(sum(pk in letters for pk, _p in mine), len(mine)),
            Rate(sum(pk in task_lists for pk, _p in mine), len(mine)),
            Rate(sum(d in filed for d in my_units), len(my_units)),
        )

    rows = [RegionRates(region, True, *rates_for(lambda path: path == region.path))]
    for child in children:
        rows.append(
            RegionRates(child, False, *rates_for(lambda path, c=child: is_within(path, c.path)))
        )
    total = RegionRates(region, False, *rates_for(lambda path: is_within(path, region.path)))
    return [*rows, total]


@dataclass(frozen=True)
class OfficialStanding:
    official: Official
    letter: DutyDocument | None
    task_list: DutyDocument | None


def signing_board(*, viewer, region: Division, on: date) -> list[OfficialStanding]:
    """Each official with tasks under `region` and their newest letter and task list: who has
    signed and filed, and who has not."""
    officials = list(
        officials_with_tasks(viewer=viewer, within=region, on=on).order_by(
            "grant__division__path", "user__display_name", "pk"
        )
    )
    newest: dict[tuple[int, str], DutyDocument] = {}
    documents = defaultdict(list)
    for document in (
        DutyDocument.objects.filter(official__in=[o.pk for o in officials])
        .select_related("division")
        .order_by("year", "pk")
    ):
        newest[(document.official_id, document.kind)] = document
        documents[document.official_id].append(document)
    return [
        OfficialStanding(
            official=o,
            letter=newest.get((o.pk, DutyDocumentKind.COMMITMENT)),
            task_list=newest.get((o.pk, DutyDocumentKind.TASK_LIST)),
        )
        for o in officials
    ]
