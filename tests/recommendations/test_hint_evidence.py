"""A right answer after a hint is weaker evidence of the skill (``engine.evidence``): it moves
P(known) less, counts less towards the streak "mastered" asks for, and is rated Hard for the
review schedule; online and in the nightly rebuild alike. Simulated learners who do not know a
skill but lean on hints are not called "mastered"."""

import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fsrs import Rating

from apps.assessments.models import ItemResponse
from apps.recommendations.engine.bkt import BktPosterior, bkt_update_posterior, with_guess_floor
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.evidence import (
    HINTED_GUESS_FLOOR,
    answer_guess_floor,
    answer_guess_floors,
)
from apps.recommendations.engine.mastery import MasteryPolicy, answer_weight
from apps.recommendations.engine.memory import rating_from_response, review
from apps.recommendations.models import SkillMastery
from apps.recommendations.recalculation.rebuild import learner_state_rebuild
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

ANSWERS = "/api/v1/practice/answers/"


def test_a_hinted_right_answer_moves_p_known_less_and_a_wrong_one_the_same():
    start = BktPosterior(0.5, 3)
    plain = bkt_update_posterior(DEFAULT_BKT, start, True).p_known
    floor = answer_guess_floor(0.0, hint_used=True, correct=True)
    hinted = bkt_update_posterior(with_guess_floor(DEFAULT_BKT, floor), start, True).p_known
    assert 0.5 < hinted < plain
    # a wrong answer after a hint is a wrong answer: the item's own floor
    assert answer_guess_floor(0.0, hint_used=True, correct=False) == 0.0


def test_the_hinted_floor_never_lowers_an_items_own_floor():
    assert answer_guess_floor(0.0, hint_used=False, correct=True) == 0.0
    assert answer_guess_floor(0.0, hint_used=True, correct=True) == HINTED_GUESS_FLOOR
    assert answer_guess_floor(0.8, hint_used=True, correct=True) == 0.8
    floors = answer_guess_floors(
        np.array([0.0, 0.25, 0.8, 0.1]),
        np.array([True, False, True, True]),
        np.array([True, True, True, False]),
    )
    assert floors.tolist() == [HINTED_GUESS_FLOOR, 0.25, 0.8, 0.1]


def test_a_hinted_right_answer_counts_less_towards_the_streak_and_is_rated_hard():
    assert float(answer_weight(answer_guess_floor(0.0, hint_used=True, correct=True))) < 0.5
    assert float(answer_weight(0.0)) == 1.0
    assert rating_from_response(correct=True, hint_used=True) == Rating.Hard
    assert rating_from_response(correct=False, hint_used=True) == Rating.Again
    at = datetime(2026, 3, 1, tzinfo=UTC)
    good = review(None, rating=Rating.Good, reviewed_at=at)
    hard = review(None, rating=Rating.Hard, reviewed_at=at)
    assert hard.due < good.due  # helped recall: the next review comes sooner


def _simulate(*, hinted_is_weaker: bool, learners: int, answers: int, seed: int) -> float:
    """Learners who do not know the skill (and do not learn it), opening the hint on every
    item; with the hint they get half the items right. The share called mastered."""
    rng = np.random.default_rng(seed)
    params = DEFAULT_BKT.__class__(prior=0.2, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    policy = MasteryPolicy()
    called_mastered = 0
    for _ in range(learners):
        posterior, streak = BktPosterior(params.prior, 0), 0.0
        for _ in range(answers):
            correct = bool(rng.random() < 0.5)
            floor = answer_guess_floor(0.0, hint_used=hinted_is_weaker, correct=correct)
            posterior = bkt_update_posterior(with_guess_floor(params, floor), posterior, correct)
            streak = streak + float(answer_weight(floor)) if correct else 0.0
            if policy.is_learnt(posterior.p_known, streak, False):
                called_mastered += 1
                break
    return called_mastered / learners


def test_simulated_non_knowers_leaning_on_hints_are_not_called_mastered():
    # when hinted answers counted in full, most of these learners would be called mastered
    counted_in_full = _simulate(hinted_is_weaker=False, learners=400, answers=30, seed=3)
    weaker = _simulate(hinted_is_weaker=True, learners=400, answers=30, seed=3)
    assert counted_in_full > 0.5
    assert weaker < 0.02


@pytest.mark.django_db
def test_online_and_nightly_agree_on_hinted_answers():
    course = chain_course(slug="hints", skills=1, items_per_skill=8)
    items = list(course.items.order_by("slug"))
    hinted, plain = LearnerFactory(), LearnerFactory()
    start = datetime.now(UTC) - timedelta(hours=2)
    for learner, hint in ((hinted, True), (plain, False)):
        client = client_for(learner)
        for n, item in enumerate(items[:5]):
            body = {
                "client_id": str(uuid.uuid4()),
                "item": item.pk,
                "answer": item.slug.rsplit("i", 1)[1],
                "hint_used": hint and n % 2 == 0,
                "answered_at": (start + timedelta(minutes=n)).isoformat(),
            }
            assert client.post(ANSWERS, body, format="json").status_code == 201
    online = {row.learner_id: row for row in SkillMastery.objects.all()}
    assert ItemResponse.objects.filter(learner=hinted, hint_used=True).count() == 3
    assert online[hinted.pk].p_known < online[plain.pk].p_known
    assert online[hinted.pk].right_streak < online[plain.pk].right_streak
    assert online[hinted.pk].review_due_at < online[plain.pk].review_due_at
    # when the nightly rebuild replays the log
    learner_state_rebuild(course=course, learners=[hinted, plain])
    rebuilt = {row.learner_id: row for row in SkillMastery.objects.all()}
    for learner in (hinted, plain):
        assert rebuilt[learner.pk].p_known == pytest.approx(online[learner.pk].p_known, abs=1e-9)
        assert rebuilt[learner.pk].right_streak == pytest.approx(online[learner.pk].right_streak)
        assert rebuilt[learner.pk].mastered_at == online[learner.pk].mastered_at
