"""Recording a visit (docs/domain.md §1.5, §1.10): who, when, evidence, immutability."""

from datetime import timedelta

import pytest
from django.utils import timezone

from liangze.audit.models import AuditEvent
from liangze.core.errors import Forbidden, Invalid
from liangze.rectification.models import Problem, ProblemStatus
from liangze.rectification.services import ProblemDraft
from liangze.visits.models import LocationState, TaskStatus, Visit, VisitItem, VisitTask
from liangze.visits.rules import haversine_m
from liangze.visits.services import ItemAnswer, visit_submit
from liangze.visits.tests.conftest import clean_input, photo


def test_a_clean_remote_visit_without_photos_counts_and_writes_no_item_rows(covered):
    shop, official = covered
    visit = visit_submit(actor=official.user, data=clean_input(shop, timezone.now()))
    assert visit.location == LocationState.UNAVAILABLE and visit.distance_m is None
    assert not VisitItem.objects.exists() and visit.problem_count == 0
    assert len(visit.checklist) == 13
    assert VisitTask.objects.get(business=shop).status == TaskStatus.DONE
    assert AuditEvent.objects.filter(action="visit_recorded").count() == 1


def test_the_same_key_twice_makes_one_visit(covered):
    shop, official = covered
    data = clean_input(shop, timezone.now())
    first = visit_submit(actor=official.user, data=data)
    assert visit_submit(actor=official.user, data=data).pk == first.pk
    assert Visit.objects.count() == 1


def test_only_the_assigned_official_records(covered, village_officials):
    shop, _official = covered
    with pytest.raises(Forbidden):
        visit_submit(actor=village_officials[1].user, data=clean_input(shop, timezone.now()))


def test_never_in_the_future(covered):
    shop, official = covered
    with pytest.raises(Invalid) as refused:
        visit_submit(
            actor=official.user, data=clean_input(shop, timezone.now() + timedelta(minutes=5))
        )
    assert refused.value.code == "visit_in_future"


def test_on_site_needs_a_signature_or_a_noted_refusal_and_measures_distance(covered):
    shop, official = covered
    with pytest.raises(Invalid):
        visit_submit(
            actor=official.user,
            data=clean_input(shop, timezone.now(), mode="on_site", representative="张三"),
        )
    visit = visit_submit(
        actor=official.user,
        data=clean_input(
            shop,
            timezone.now(),
            mode="on_site",
            representative="张三",
            signature_refused=True,
            refusal_note="店主外出",
            lat_e6=36_401_000,
            lng_e6=94_900_000,
        ),
    )
    assert visit.location == LocationState.GIVEN
    assert visit.distance_m == haversine_m(36_401_000, 94_900_000, 36_400_000, 94_900_000) == 111


def test_problem_items_become_problems_with_their_photos(covered, county_staff, regions):
    shop, official = covered
    data = clean_input(shop, timezone.now())
    with pytest.raises(Invalid):  # a problem without its photo
        data.answers["storage"] = ItemAnswer(
            result="problem", problem=ProblemDraft(description="冷柜温度过高")
        )
        visit_submit(actor=official.user, data=data)
    before, after = photo(official.user, regions.village), photo(official.user, regions.village)
    data.answers["storage"] = ItemAnswer(
        result="problem", problem=ProblemDraft(description="冷柜温度过高", photos=[before])
    )
    data.answers["cleaning"] = ItemAnswer(
        result="problem",
        problem=ProblemDraft(
            description="抹布未消毒", fixed_on_spot=True, photos=[before], after_photos=[after]
        ),
    )
    data.answers["samples"] = ItemAnswer(result="na")
    visit = visit_submit(actor=official.user, data=data)
    problems = Problem.objects.filter(source="visit", source_id=visit.pk)
    assert sorted(problems.values_list("status", flat=True)) == [
        ProblemStatus.CLOSED,
        ProblemStatus.OPEN,
    ]
    assert visit.problem_count == 2
    items = {i.key: i for i in visit.items.all()}
    assert set(items) == {"storage", "cleaning", "samples"}
    assert items["storage"].problem.description == "冷柜温度过高"


def test_a_correction_replaces_the_visit_in_the_figures(covered):
    shop, official = covered
    first = visit_submit(actor=official.user, data=clean_input(shop, timezone.now()))
    with pytest.raises(Invalid):
        visit_submit(actor=official.user, data=clean_input(shop, timezone.now(), replaces=first))
    fixed = visit_submit(
        actor=official.user,
        data=clean_input(
            shop,
            timezone.now() - timedelta(minutes=30),
            replaces=first,
            correction_reason="时间填错",
        ),
    )
    assert fixed.replaces_id == first.pk
    assert VisitTask.objects.get(business=shop).visits_made == 1
    assert AuditEvent.objects.filter(action="visit_corrected").count() == 1
