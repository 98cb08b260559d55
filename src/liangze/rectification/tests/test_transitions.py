from datetime import timedelta

import pytest
from django.utils import timezone

from liangze.audit.models import AuditEvent
from liangze.businesses.services import business_status_change
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.notifications.models import Notification
from liangze.rectification import services
from liangze.rectification.models import CloseReason, LoopRule, Problem, ProblemStatus
from liangze.rectification.rules import TRANSITIONS, Action
from liangze.rectification.tests.conftest import photo


def test_a_problem_is_pushed_to_the_township_regulator_who_is_told(record, regulator, regions):
    problem = record()
    assert problem.status == ProblemStatus.PUSHED
    assert problem.regulator_division == regions.township and problem.pushed_at
    assert Notification.objects.filter(user=regulator, kind="problem_pushed").count() == 1
    assert AuditEvent.objects.filter(action="problem_pushed", target_id=str(problem.pk)).exists()


def test_the_county_bureau_when_the_township_has_no_regulator(record, user_factory, regions):
    bureau = user_factory("bureau", "regulator", regions.county)
    problem = record()
    assert problem.status == ProblemStatus.PUSHED and problem.regulator_division == regions.county
    assert Notification.objects.filter(user=bureau).count() == 1


def test_with_no_regulator_it_stays_open_and_the_office_is_told(record, county_staff):
    problem = record()
    assert problem.status == ProblemStatus.OPEN
    assert Notification.objects.filter(user=county_staff, kind="problem_unrouted").count() == 1


def test_accept_sets_the_deadline_by_severity_and_province(record, regulator, regions, director):
    serious = record(severity="serious")
    general = record()
    services.problem_accept(actor=regulator, problem=serious)
    services.problem_accept(actor=regulator, problem=general)
    today = timezone.localdate()
    assert serious.deadline == today + timedelta(days=7)
    assert general.deadline == today + timedelta(days=15)
    assert Notification.objects.filter(user=director, kind="problem_accepted").count() == 2
    LoopRule.objects.create(
        province=regions.province,
        serious_days=3,
        general_days=10,
        reminder_days=2,
        accept_reminder_days=2,
        overdue_notice_days=5,
    )
    third = record(severity="serious")
    services.problem_accept(actor=regulator, problem=third)
    assert third.deadline == today + timedelta(days=3)
    chosen = today + timedelta(days=30)
    fourth = record()
    services.problem_accept(actor=regulator, problem=fourth, deadline=chosen)
    assert Problem.objects.get(pk=fourth.pk).deadline == chosen


def test_the_whole_loop_with_a_failed_verification(record, regulator, director, county_staff):
    problem = record()
    services.problem_accept(actor=regulator, problem=problem)
    fix = services.problem_rectify(
        actor=director, problem=problem, note="已清理", photos=[photo(director, problem.division)]
    )
    assert problem.status == ProblemStatus.RECTIFIED and fix.photos.count() == 1
    with pytest.raises(Invalid):
        services.problem_verify(actor=regulator, problem=problem, fixed=False, note=" ")
    services.problem_verify(actor=regulator, problem=problem, fixed=False, note="仍有积水")
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ACCEPTED
    services.problem_rectify(
        actor=director, problem=problem, note="再次清理", photos=[photo(director, problem.division)]
    )
    check = services.problem_verify(actor=regulator, problem=problem, fixed=True)
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.CLOSED and stored.close_reason == CloseReason.VERIFIED
    assert check.kind == "verification" and stored.rechecks.count() == 2
    actions = list(
        AuditEvent.objects.filter(target_id=str(problem.pk), target_type="rectification.problem")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "problem_recorded",
        "problem_pushed",
        "problem_accepted",
        "problem_rectified",
        "problem_rejected",
        "problem_rectified",
        "problem_verified",
    ]


def test_a_recheck_closes_from_accepted_recording_the_fix(record, regulator, village_official):
    problem = record()
    services.problem_accept(actor=regulator, problem=problem)
    services.problem_recheck(
        actor=village_official,
        problem=problem,
        fixed=True,
        note="回头看已整改",
        photos=[photo(village_official, problem.division)],
    )
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.CLOSED and stored.close_reason == CloseReason.RECHECKED
    assert stored.rectifications.get().reported_by == village_official


def test_escalate_files_a_case_and_runs_on(record, regulator, director):
    problem = record(severity="serious")
    with pytest.raises(Invalid):
        services.problem_escalate(actor=regulator, problem=problem, case_number="")
    services.problem_escalate(actor=regulator, problem=problem, case_number="格市监立〔2026〕12号")
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.ESCALATED and stored.case_number.endswith("12号")
    assert stored.deadline == timezone.localdate() + timedelta(days=7)
    services.problem_rectify(
        actor=regulator,
        problem=problem,
        note="代录整改",
        photos=[photo(regulator, problem.division)],
    )
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFIED


def test_who_may_act(record, regulator, director, village_official, county_staff, outsider):
    problem = record()
    for actor in (director, village_official, county_staff):
        with pytest.raises(Forbidden):
            services.problem_accept(actor=actor, problem=problem)
    assert AuditEvent.objects.filter(action="access_denied").count() == 3
    services.problem_accept(actor=regulator, problem=problem)
    with pytest.raises(Forbidden):
        services.problem_rectify(
            actor=village_official,
            problem=problem,
            note="x",
            photos=[photo(regulator, problem.division)],
        )
    with pytest.raises(Forbidden):
        services.problem_void(actor=director, problem=problem, kind="error", reason="x")
    with pytest.raises(Forbidden):
        services.problem_void(actor=outsider, problem=problem, kind="error", reason="x")
    services.problem_void(actor=county_staff, problem=problem, kind="duplicate", reason="重复录入")
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.VOID and stored.void_kind == "duplicate"
    with pytest.raises(Conflict):
        services.problem_void(actor=county_staff, problem=stored, kind="error", reason="again")


def test_a_stale_copy_cannot_move_the_problem(record, regulator):
    problem = record()
    stale = Problem.objects.get(pk=problem.pk)
    services.problem_accept(actor=regulator, problem=problem)
    # The stale copy still says pushed: the table allows accept, the row no longer does.
    with pytest.raises(Conflict) as caught:
        services.problem_escalate(actor=regulator, problem=stale, case_number="X1")
    assert caught.value.code == "problem_changed"
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.ACCEPTED and stored.case_number == ""


def test_dispute_tells_the_regulator_who_may_void(record, regulator, director):
    problem = record()
    services.problem_dispute(actor=director, problem=problem, reason="非本店问题")
    assert Notification.objects.filter(user=regulator, kind="problem_disputed").exists()
    services.problem_void(
        actor=regulator, problem=problem, kind="dispute_upheld", reason="核实非本店"
    )
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.VOID


def test_a_closing_business_closes_its_unclosed_problems(record, regulator, county_staff, shop):
    open_one, accepted, void = record(), record(), record()
    services.problem_accept(actor=regulator, problem=accepted)
    services.problem_void(actor=regulator, problem=void, kind="error", reason="误录")
    business_status_change(
        actor=county_staff,
        business=shop,
        to_status="closed",
        effective_on=timezone.localdate(),
        reason="注销",
    )
    got = dict(Problem.objects.values_list("pk", "close_reason"))
    assert got[open_one.pk] == got[accepted.pk] == CloseReason.BUSINESS_CLOSED
    assert Problem.objects.get(pk=void.pk).status == ProblemStatus.VOID


def test_the_table_names_only_known_states_and_actions():
    states = set(ProblemStatus.values)
    for (state, action), move in TRANSITIONS.items():
        assert state in states and move.to in states and isinstance(action, Action)
        assert move.by
    assert not [key for key in TRANSITIONS if key[0] in ("closed", "void")]


def test_the_regulator_changes_a_deadline_others_are_refused(record, regulator, director):
    problem = record()
    later = timezone.localdate() + timedelta(days=40)
    with pytest.raises(Conflict):
        services.problem_deadline_set(actor=regulator, problem=problem, deadline=later)
    services.problem_accept(actor=regulator, problem=problem)
    with pytest.raises(Forbidden):
        services.problem_deadline_set(actor=director, problem=problem, deadline=later)
    assert AuditEvent.objects.filter(action="access_denied").count() == 1
    with pytest.raises(Invalid):
        services.problem_deadline_set(
            actor=regulator, problem=problem, deadline=timezone.localdate() - timedelta(days=1)
        )
    services.problem_deadline_set(actor=regulator, problem=problem, deadline=later)
    assert Problem.objects.get(pk=problem.pk).deadline == later
    assert AuditEvent.objects.filter(action="problem_deadline_changed").count() == 1
