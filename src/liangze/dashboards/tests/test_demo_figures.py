"""Every figure the dashboards show for the demo equals an independent, straightforward count
from the raw rows, for every region and every period the demo fills (docs/domain.md §2)."""

from datetime import timedelta

import pytest
from django.db.models import Q

from liangze.accounts.models import User
from liangze.businesses.models import Business, BusinessStatus
from liangze.dashboards.selectors import dashboard
from liangze.figures.models import Figure
from liangze.figures.periods import open_periods, today
from liangze.figures.rates import Rate
from liangze.officials.documents.models import DutyDocument
from liangze.officials.models import Assignment, Official
from liangze.regions.models import Division

pytestmark = pytest.mark.django_db

LEVEL_OF_GRADE = {"A": "city", "B": "county", "C": "township", "D": "village"}


def independent(path: str) -> dict[str, Rate]:
    """Today's figures of the subtree at `path`, counted the plain way."""
    day = today()
    in_scope = Business.objects.filter(
        status=BusinessStatus.OPERATING, status_since__lte=day, division__path__startswith=path
    )
    covered = 0
    for grade, level in LEVEL_OF_GRADE.items():
        covered += (
            in_scope.filter(grade=grade)
            .filter(
                pk__in=Assignment.objects.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gt=day),
                    starts_on__lte=day,
                    official__grant__division__level=level,
                ).values("business_id")
            )
            .count()
        )
    officials = (
        Official.objects.filter(
            Q(active_to__isnull=True) | Q(active_to__gt=day),
            active_from__lte=day,
            grant__division__path__startswith=path,
            assignments__starts_on__lte=day,
        )
        .filter(Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gt=day))
        .distinct()
    )
    year_ago = day.replace(year=day.year - 1) + timedelta(days=1)

    def signed(kind):
        return DutyDocument.objects.filter(
            kind=kind, status="signed", signed_on__gte=year_ago, signed_on__lte=day
        )

    letters = officials.filter(pk__in=signed("commitment").values("official_id")).count()
    task_lists = officials.filter(pk__in=signed("task_list").values("official_id")).count()
    units = set(officials.values_list("grant__division_id", flat=True))
    filed = set(signed("responsibility_list").values_list("division_id", flat=True))
    return {
        "coverage_rate": Rate(covered, in_scope.count()),
        "commitment_rate": Rate(letters, officials.count()),
        "task_list_filing_rate": Rate(task_lists, officials.count()),
        "list_filing_rate": Rate(len(units & filed), len(units)),
    }


def test_demo_figures_equal_an_independent_count(demo_loaded):
    assert Figure.objects.exists()
    admin = User.objects.get(username="admin")
    checked = 0
    for region in Division.objects.all():
        expected = independent(region.path)
        for period in open_periods():
            board = dashboard(viewer=admin, region=region, period=period)
            for code, rate in expected.items():
                assert board.totals[code] == rate, (region.name, period.code, code)
                checked += 1
    assert checked > 0
    province = Division.objects.get(parent__isnull=True)
    assert independent(province.path)["coverage_rate"].denominator > 1000
