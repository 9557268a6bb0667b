"""The policy's goals, checked by simulated learners whose knowledge is known, practising the
demo course through the real services (``apps/demo/policy_simulation.py``; the bench script
runs the same with more learners and a baseline).

Goals: no skill shown mastered that the learner does not know, for every learner type (the pure
guesser included); a learner who knows a prerequisite-closed half of the course has at least
80% of it recognised within 40 answers, placement included; no skill recommended more than the
course's limit of times in a row without becoming mastered (re-reading its lesson in between
is not progress: it neither extends nor ends the run); a learner stuck on one skill is moved
off it.
"""

import dataclasses
from collections.abc import Iterator

import pytest
from django.db import transaction

from apps.demo.policy_simulation import (
    LearnerRun,
    LearnerType,
    RunMetrics,
    demo_course,
    policy_metrics,
    run_limit,
    simulate_learner,
    simulate_policy,
    standard_types,
)
from apps.recommendations.snapshot import course_snapshot

LEARNERS_PER_TYPE = 3
ANSWERS = 120  # placement included: long enough for a stuck learner to wheel-spin and be moved
RECOGNISED_SHARE = 0.8
WITHIN_ANSWERS = 40


@dataclasses.dataclass(frozen=True)
class Simulated:
    limit: int
    runs: list[LearnerRun] = dataclasses.field(repr=False)
    metrics: list[RunMetrics] = dataclasses.field(repr=False)

    def of(self, name: str) -> list[RunMetrics]:
        return [
            m for r, m in zip(self.runs, self.metrics, strict=True) if r.learner_type.name == name
        ]


def _types() -> list[LearnerType]:
    # Fewer days back for the forgetting learners than the bench: enough to see reviews.
    return [
        dataclasses.replace(kind, return_days=3) if kind.away_days is not None else kind
        for kind in standard_types()
    ]


@pytest.fixture(scope="module")
def simulated(django_db_setup, django_db_blocker) -> Iterator[Simulated]:  # type: ignore[no-untyped-def]
    # One simulation for the whole module (the goals read different figures of the same
    # runs), rolled back at the end like any test's data.
    with django_db_blocker.unblock(), transaction.atomic():
        course = demo_course()
        runs = simulate_policy(
            course=course,
            learner_types=_types(),
            learners=LEARNERS_PER_TYPE,
            answers=ANSWERS,
            seed=12,
            policies=("adaptive",),
        )
        limit = run_limit(course_snapshot(course))
        yield Simulated(limit, runs, [policy_metrics(run) for run in runs])
        transaction.set_rollback(True)


def test_no_learner_is_shown_mastered_on_a_skill_they_do_not_know(simulated):
    false_masteries = {
        kind.name: [sorted(m.false_ever) for m in simulated.of(kind.name)] for kind in _types()
    }
    assert false_masteries == {kind.name: [[]] * LEARNERS_PER_TYPE for kind in _types()}


def test_a_learner_who_knows_half_the_course_has_most_of_it_recognised_within_40_answers(
    simulated,
):
    shares = [m.recognised[WITHIN_ANSWERS] for m in simulated.of("knows half")]
    assert len(shares) == LEARNERS_PER_TYPE
    assert all(share is not None and share >= RECOGNISED_SHARE for share in shares), shares


def test_no_skill_is_recommended_more_than_the_limit_in_a_row_without_progress(simulated):
    longest = {
        kind.name: [
            (m.longest_without_progress, m.longest_without_progress_skill)
            for m in simulated.of(kind.name)
        ]
        for kind in _types()
    }
    too_long = {
        name: [run for run in runs if run[0] > simulated.limit] for name, runs in longest.items()
    }
    assert too_long == {kind.name: [] for kind in _types()}, f"limit {simulated.limit}"


def test_a_learner_stuck_on_one_skill_is_moved_off_it(simulated):
    stuck = simulated.of("stuck")
    reached = [m for m in stuck if m.stuck_answers is not None]
    assert len(reached) == LEARNERS_PER_TYPE  # every stuck learner got to the skill
    # (moved off, longest run on the stuck skill) of every learner drilled past the limit
    drilled = [
        (m.moved_off_stuck, m.stuck_longest)
        for m in reached
        if not m.moved_off_stuck or (m.stuck_longest or 0) > simulated.limit
    ]
    assert drilled == [], f"limit {simulated.limit}"


@pytest.mark.django_db
def test_a_simulated_learner_is_repeatable():
    # given the same seed twice
    course = demo_course()
    kind = next(k for k in standard_types() if k.name == "knows half")
    # when
    first, second = (
        simulate_learner(course=course, learner_type=kind, seed_words=[5, 0], answers=40)
        for _ in range(2)
    )
    # then the answers, what the system showed and the truth are the same
    assert first.checks == second.checks
    # 40 answers, the placement's (its length depends on the ability estimate) and practice's
    assert first.checks[-1].answers == 40
    assert {check.kind for check in first.checks} - {"placement"}
