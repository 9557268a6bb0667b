"""The generative model: shapes, time order, and that fitting recovers what it generated."""

import numpy as np
import pytest

from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.simulate import make_course, simulate_learners


def test_simulated_log_is_time_ordered_and_consistent_with_the_course() -> None:
    course = make_course(n_skills=4, items_per_skill=5, seed=1)
    log = simulate_learners(course=course, n_learners=30, responses_per_learner=12, seed=2)
    assert len(log.correct) == 30 * 12
    assert np.all(np.diff(log.seconds) >= 0)
    assert np.array_equal(course.items.skill[log.item], log.skill)
    assert np.bincount(log.learner).tolist() == [12] * 30


def test_known_skills_are_answered_correctly_more_often() -> None:
    course = make_course(n_skills=3, items_per_skill=10, seed=3)
    log = simulate_learners(course=course, n_learners=400, responses_per_learner=20, seed=4)
    assert log.correct[log.known].mean() > log.correct[~log.known].mean() + 0.4


def test_pure_bkt_simulation_is_recovered_by_fitting() -> None:
    # ability_weight = 0: answers depend on the skill state only, so BKT is the true model.
    course = make_course(n_skills=2, items_per_skill=5, seed=5)
    log = simulate_learners(
        course=course, n_learners=3000, responses_per_learner=30, ability_weight=0.0, seed=6
    )
    fits = fit_bkt_skills(log.response_log(), BktFitOptions(seed=1))
    for fit, truth in zip(fits, course.skill_params, strict=True):
        assert fit.params.guess == pytest.approx(truth.guess, abs=0.03)
        assert fit.params.slip == pytest.approx(truth.slip, abs=0.03)
        assert fit.params.learn == pytest.approx(truth.learn, abs=0.03)
