"""Reads of officials and assignments, each starting from the scoping function.

Office staff, leaders and regulators read the officials whose post lies in their subtrees and the
assignments of the businesses there; an official with no wider role reads only their own.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DateField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.access import office_subtrees, official_posts_q
from liangze.accounts.models import Role
from liangze.audit.services import access_refuse
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.selectors import business_list
from liangze.core.errors import Forbidden, NotFound
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.officials.access import (
    can_assign,
    can_edit_official,
    can_read_province_rules,
    can_set_province_rules,
    province_by_id,
    reads_own_only,
    rule_provinces,
)
from liangze.officials.hooks import visits_settled
from liangze.officials.models import Assignment, Official
from liangze.officials.rules import rule_book
from liangze.regions.models import Division
from liangze.regions.selectors import division_list

ONE_DAY = timedelta(days=1)


def official_list(
    *,
    viewer,
    search: str = "",
    level: str = "",
    within: Division | None = None,
    active: bool | None = True,
) -> QuerySet[Official]:
    """Officials whose post the viewer reads, with `load` (businesses covered now)."""
    officials = in_jurisdiction(Official.objects.all(), viewer, via="grant__division")
    if reads_own_only(viewer):
        officials = officials.filter(user=viewer)
    if within is not None:
        officials = within_subtrees(officials, [within.path], via="grant__division")
    if search:
        term = search.strip()
        officials = officials.filter(
            Q(user__display_name__icontains=term)
            | Q(phone__contains=term)
            | Q(position__icontains=term)
        )
    if level:
        officials = officials.filter(grant__division__level=level)
    if active is True:
        officials = officials.filter(active_to__isnull=True)
    elif active is False:
        officials = officials.filter(active_to__isnull=False)
    return (
        officials.select_related("user", "grant__division")
        .annotate(load=Count("assignments", filter=Q(assignments__ends_on__isnull=True)))
        .order_by("grant__division__path", "user__display_name", "pk")
    )


def office_post_divisions(*, viewer) -> QuerySet[Division]:
    """The divisions in the viewer's office subtrees an official may be posted on (a city,
    county, township or village, or a municipality): the posts they may give."""
    divisions = division_list(viewer=viewer).filter(official_posts_q())
    return within_subtrees(divisions, office_subtrees(viewer), via=".")


def imported_officials(*, viewer, ids) -> QuerySet[Official]:
    """The officials of an import's result (their ids) the viewer reads, as the password sheet
    lists them."""
    return (
        official_list(viewer=viewer, active=None)
        .filter(pk__in=list(ids))
        .order_by("grant__division__path", "user__display_name", "pk")
    )


def official_of(user) -> Official | None:
    """The viewer's own active official record, if they are one."""
    # The grants are read once per request anyway: no query for anyone without the role.
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.OFFICIAL):
        return None
    cached = getattr(user, "_official_record", False)
    if cached is False:
        cached = (
            Official.objects.filter(user=user, active_to__isnull=True)
            .select_related("user", "grant__division")
            .first()
        )
        user._official_record = cached
    return cached


def access_official_by_id(viewer, official_id: int, *, for_write: bool = False) -> Official:
    """Missing and out-of-reach raise the same NotFound; readable but not the viewer's office's
    to change raises Forbidden."""
    official = official_list(viewer=viewer, active=None).filter(pk=official_id).first()
    if official is None:
        raise access_refuse(
            NotFound(code="official_not_found", message=_("Official not found.")),
            viewer=viewer,
            target_type="officials.official",
            target_id=official_id,
        )
    if for_write and not can_edit_official(viewer, official):
        raise access_refuse(
            Forbidden(
                code="official_read_only", message=_("You may view this official, not change them.")
            ),
            viewer=viewer,
            target_type="officials.official",
            target_id=official_id,
        )
    return official


def assignment_list(
    *,
    viewer,
    official: Official | None = None,
    business: Business | None = None,
    open_only: bool = True,
) -> QuerySet[Assignment]:
    """Assignments of the businesses the viewer reads (an official: their own)."""
    assignments = in_jurisdiction(
        Assignment.objects.all(), viewer, via="business__division", business="business_id"
    )
    if reads_own_only(viewer):
        assignments = assignments.filter(official__user=viewer)
    if official is not None:
        assignments = assignments.filter(official=official)
    if business is not None:
        assignments = assignments.filter(business=business)
    if open_only:
        assignments = assignments.filter(ends_on__isnull=True)
    return assignments.select_related(
        "business__division", "official__user", "official__grant__division"
    ).order_by("-starts_on", "-pk")


def access_assignment_by_id(viewer, assignment_id: int, *, for_write: bool = False) -> Assignment:
    assignment = assignment_list(viewer=viewer, open_only=False).filter(pk=assignment_id).first()
    if assignment is None:
        raise access_refuse(
            NotFound(code="assignment_not_found", message=_("Assignment not found.")),
            viewer=viewer,
            target_type="officials.assignment",
            target_id=assignment_id,
        )
    if for_write and not can_assign(
        viewer, business=assignment.business, official=assignment.official
    ):
        raise access_refuse(
            Forbidden(
                code="assignment_read_only",
                message=_("You may view this assignment, not change it."),
            ),
            viewer=viewer,
            target_type="officials.assignment",
            target_id=assignment_id,
        )
    return assignment


def my_businesses(*, viewer) -> QuerySet[Business]:
    """The businesses the viewer covers now (an official's home), with `assigned_on`."""
    official = official_of(viewer)
    if official is None:
        return Business.objects.none()
    return (
        in_jurisdiction(Business.objects.all(), viewer, via="division")
        .filter(assignments__official=official, assignments__ends_on__isnull=True)
        .exclude(status__in=(BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT))
        .select_related("division")
        .order_by("division__path", "name", "pk")
    )


def quarter_end(day: date) -> date:
    """The last day of the quarter holding `day` (docs/domain.md §1.3)."""
    month = (day.month - 1) // 3 * 3 + 3
    following = date(day.year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class VisitsDue:
    """When each business of an official is next due a visit (docs/domain.md §1.2, §1.3): by
    this quarter's end, or by the next quarter's once this quarter's task is settled."""

    this_quarter: date
    next_quarter: date
    settled: frozenset[int] = frozenset()

    def of(self, business_id: int) -> date:
        return self.next_quarter if business_id in self.settled else self.this_quarter


def next_visits_due(*, official: Official | None, today: date | None = None) -> VisitsDue:
    """Read once for all the official's businesses (one query by the app that keeps the visits;
    none registered: every business is due by this quarter's end)."""
    today = today or timezone.localdate()
    this_quarter = quarter_end(today)
    due = VisitsDue(this_quarter=this_quarter, next_quarter=quarter_end(this_quarter + ONE_DAY))
    settled = visits_settled(official.pk, today) if official is not None else None
    if not settled:
        return due
    return VisitsDue(
        this_quarter=due.this_quarter, next_quarter=due.next_quarter, settled=frozenset(settled)
    )


def uncovered_businesses(*, viewer, **filters) -> QuerySet[Business]:
    """应包尽包: operating businesses with no open assignment, with `uncovered_since` (the day
    the last assignment ended, or the day the business began operating, whichever is later).
    `filters` are the business list's (search, grade, within, …)."""
    last_end = (
        Assignment.objects.filter(business=OuterRef("pk"))
        .order_by("-ends_on")
        .values("ends_on")[:1]
    )
    return (
        business_list(viewer=viewer, **filters)
        .filter(status=BusinessStatus.OPERATING)
        .exclude(pk__in=Assignment.objects.filter(ends_on__isnull=True).values("business_id"))
        .annotate(
            uncovered_since=Greatest(
                Coalesce(Subquery(last_end), "status_since"),
                "status_since",
                output_field=DateField(),
            )
        )
    )


def days_since(day: date, today: date | None = None) -> int:
    return ((today or timezone.localdate()) - day).days


def officials_without_businesses(*, viewer, within: Division | None = None) -> QuerySet[Official]:
    return official_list(viewer=viewer, within=within).filter(load=0)


@dataclass(frozen=True)
class Overload:
    official: Official
    load: int
    limit: int


def officials_over_load(*, viewer, within: Division | None = None) -> list[Overload]:
    """Officials covering more businesses than their province's warning (a warning, never a
    refusal)."""
    rules = rule_book()
    lowest = min([*rules.loads.values(), 30])
    found = []
    for official in official_list(viewer=viewer, within=within).filter(load__gt=lowest):
        limit = rules.load_warning(official.grant.division.path)
        if official.load > limit:
            found.append(Overload(official=official, load=official.load, limit=limit))
    return found


def covering_officials(business_ids) -> dict[int, Official]:
    """The official covering each business now, for pages that name them (registered with the
    registry's hooks: the business detail, its public page and its stickers)."""
    return {
        a.business_id: a.official
        for a in Assignment.objects.filter(
            business_id__in=list(business_ids), ends_on__isnull=True
        ).select_related("official__user", "official__grant__division")
    }


def candidate_officials(*, viewer, business: Business) -> QuerySet[Official]:
    """Active officials the viewer may assign `business` to (level and post fitting)."""
    rules = rule_book()
    level = rules.required_level(grade=business.grade, path=business.division.path)
    officials = official_list(viewer=viewer).filter(grant__division__level=level)
    return [
        o
        for o in officials
        if business.division.path.startswith(o.grant.division.path)
        and can_assign(viewer, business=business, official=o)
    ]


def assignable_businesses(
    *,
    viewer,
    official: Official,
    within: Division | None = None,
    business_ids=(),
    only_uncovered: bool = False,
) -> list[Business]:
    """What a bulk assignment takes: every live business of `within` whose grade the official's
    level covers (整街/分片包保), or exactly the businesses named by id (NotFound when one is not
    the viewer's to read)."""
    # Only what the rules and the events read: a village may hold 10,000 businesses.
    businesses = (
        business_list(viewer=viewer, within=within)
        .exclude(status__in=(BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT))
        .only("name", "grade", "status", "division__path", "division__level", "division__name")
        .order_by("pk")
    )
    if within is None:
        ids = set(business_ids)
        found = list(businesses.filter(pk__in=ids))
        if len(found) != len(ids):
            raise NotFound(code="business_not_found", message=_("Business not found."))
    else:
        rules = rule_book()
        post = official.grant.division
        grades = [
            grade
            for grade in ("A", "B", "C", "D")
            if rules.required_level(grade=grade, path=post.path) == post.level
        ]
        found = list(businesses.filter(grade__in=grades))
    if only_uncovered:
        covered = set(
            Assignment.objects.filter(
                business_id__in=[b.pk for b in found], ends_on__isnull=True
            ).values_list("business_id", flat=True)
        )
        found = [b for b in found if b.pk not in covered]
    return found


def access_rule_province(viewer, province_id: int | None = None, *, for_write: bool = False):
    """The province whose settings (docs/domain.md §1.12) the viewer reads or, `for_write`,
    changes: the one named, else the first the viewer reads. A province the viewer may not read
    (or change) is refused, and so is a viewer who reads none; an id that names no province is
    refused alike (docs/domain.md §1.13: an id reveals nothing), except to an administrator, who
    reads every province and is told it is not found."""
    if province_id is None:
        provinces = rule_provinces(viewer)
        province = provinces[0] if provinces else None
    else:
        province = province_by_id(viewer, province_id)
    allowed = can_set_province_rules if for_write else can_read_province_rules
    if province is None or not allowed(viewer, province):
        raise access_refuse(
            Forbidden(
                code="province_rules_out_of_reach",
                message=_(
                    "Only the province's food safety office changes its settings; its "
                    "leaders may read them."
                )
                if for_write
                else _("Only the province's food safety office and leaders read its settings."),
            ),
            viewer=viewer,
            target_type="regions.division",
            target_id=province_id or "",
        )
    return province
