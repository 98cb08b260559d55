"""Two people move the same problem at the same moment (PostgreSQL, real connections): exactly
one wins, the other gets a clear Conflict, and nothing of the loser is written."""

import threading

import pytest
from django.db import connection

from liangze.audit.models import AuditEvent
from liangze.core.errors import Conflict
from liangze.rectification import services
from liangze.rectification.models import Problem, ProblemStatus


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["accept", "escalate"])
def test_the_same_problem_moved_twice_at_once(record, regulator, second):
    problem = record()
    # Both read the problem as pushed before either writes.
    copies = [
        Problem.objects.select_related("business__division").get(pk=problem.pk) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcome = [None, None]

    def run(index):
        try:
            barrier.wait(timeout=10)
            if index == 0 or second == "accept":
                services.problem_accept(actor=regulator, problem=copies[index])
            else:
                services.problem_escalate(actor=regulator, problem=copies[index], case_number="C9")
            outcome[index] = "won"
        except Conflict as exc:
            outcome[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o if o == "won" else "conflict" for o in outcome) == ["conflict", "won"]
    loser = next(o for o in outcome if o != "won")
    assert loser.code == "problem_changed" and loser.message
    stored = Problem.objects.get(pk=problem.pk)
    winner = outcome.index("won")
    if winner == 0 or second == "accept":
        assert stored.status == ProblemStatus.ACCEPTED and stored.case_number == ""
    else:
        assert stored.status == ProblemStatus.ESCALATED and stored.case_number == "C9"
    moves = AuditEvent.objects.filter(
        target_id=str(problem.pk), action__in=["problem_accepted", "problem_escalated"]
    )
    assert moves.count() == 1
