"""Random sequences of moves by random people: the state never leaves the table, every move that
succeeds is in it, every move that is not is refused without writing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.core.errors import DomainError
from liangze.rectification import services
from liangze.rectification.models import Problem, ProblemStatus
from liangze.rectification.rules import TRANSITIONS, Action
from liangze.rectification.tests.conftest import photo

ACTORS = ["regulator", "director", "village_official", "county_staff"]
MOVES = ["accept", "escalate", "rectify", "verify", "reject", "recheck", "recheck_fail", "void"]


def _do(move, actor, problem):
    if move == "accept":
        services.problem_accept(actor=actor, problem=problem)
    elif move == "escalate":
        services.problem_escalate(actor=actor, problem=problem, case_number="C-1")
    elif move == "rectify":
        services.problem_rectify(
            actor=actor, problem=problem, note="fixed", photos=[photo(actor, problem.division)]
        )
    elif move in ("verify", "reject"):
        services.problem_verify(actor=actor, problem=problem, fixed=move == "verify", note="n")
    elif move in ("recheck", "recheck_fail"):
        services.problem_recheck(
            actor=actor,
            problem=problem,
            fixed=move == "recheck",
            note="n",
            photos=[photo(actor, problem.division)],
        )
    elif move == "void":
        services.problem_void(actor=actor, problem=problem, kind="error", reason="r")


_ACTION = {
    "accept": Action.ACCEPT,
    "escalate": Action.ESCALATE,
    "rectify": Action.RECTIFY,
    "verify": Action.VERIFY,
    "reject": Action.REJECT,
    "recheck": Action.RECHECK,
    "recheck_fail": Action.REJECT,
    "void": Action.VOID,
}


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(MOVES), st.sampled_from(ACTORS)), max_size=8))
def test_random_moves_stay_in_the_table(request, record, regulator, director, steps):
    people = {name: request.getfixturevalue(name) for name in ACTORS}
    problem = record()
    for move, who in steps:
        before = Problem.objects.get(pk=problem.pk).status
        problem = Problem.objects.select_related("business__division").get(pk=problem.pk)
        try:
            _do(move, people[who], problem)
        except DomainError:
            assert Problem.objects.get(pk=problem.pk).status == before
            continue
        after = Problem.objects.get(pk=problem.pk).status
        assert after in ProblemStatus.values
        assert TRANSITIONS[(before, _ACTION[move])].to == after
