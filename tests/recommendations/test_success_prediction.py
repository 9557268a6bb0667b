"""The predicted chance of a right answer: stored with every answer (before it is seen), used
to pick items at the course's target, shown to learners; from the fitted learner model when
the course has one, else from BKT and IRT."""

import random
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest

from apps.assessments.models import ItemResponse
from apps.curriculum.services import course_touch
from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.bkt import bkt_predict_correct
from apps.recommendations.engine.learner_model import (
    LearnerModelOptions,
    fit_learner_model,
    predict,
    update,
)
from apps.recommendations.engine.learner_model_json import learner_model_to_json
from apps.recommendations.engine.policy import LearnerView, SkillStatus, choose_item
from apps.recommendations.engine.success import SkillEvidence, item_success, model_state
from apps.recommendations.models import LearnerModelFit, SkillMastery
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.snapshot import course_snapshot
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def fitted_model(course, n_learners=60):
    """A learner model fitted on a small simulated log of the course (skills and items named
    by id, as the live system names them)."""
    rng = np.random.default_rng(3)
    skills = list(course.skills.order_by("position").values_list("pk", flat=True))
    items = {s: list(course.items.filter(skills=s).values_list("pk", flat=True)) for s in skills}
    learners, skill_col, item_col, correct, seconds = [], [], [], [], []
    for learner in range(n_learners):
        for skill in skills:
            known = False
            for step in range(8):
                known = known or rng.random() < 0.3
                item = int(rng.choice(items[skill]))
                learners.append(str(learner))
                skill_col.append(str(skill))
                item_col.append(str(item))
                correct.append(rng.random() < (0.9 if known else 0.2))
                seconds.append(1e6 + learner * 1e4 + step * 30.0)
    log = AnswerLog.from_labels(
        learners=learners, skills=skill_col, correct=correct, items=item_col, seconds=seconds
    )
    params = fit_learner_model(log, LearnerModelOptions())
    LearnerModelFit.objects.create(
        course=course, version=1, params=learner_model_to_json(params), n_answers=log.size
    )
    course_touch(course=course)
    course.refresh_from_db()
    return params


def test_without_a_fitted_model_the_chance_is_the_mean_of_bkt_and_irt():
    course = chain_course(skills=1, items_per_skill=2)
    snapshot = course_snapshot(course)
    item = next(iter(snapshot.items.values()))
    skill = snapshot.skills[item.skill_ids[0]]
    chance = item_success(snapshot, item, {skill.id: SkillEvidence(p_known=0.6)}, theta=0.5, at=NOW)
    irt = item.c + (1 - item.c) / (1 + np.exp(-item.a * (0.5 - item.b)))
    assert chance == pytest.approx(0.5 * (bkt_predict_correct(skill.params, 0.6) + irt))


def test_items_are_chosen_near_the_target_chance():
    course = chain_course(skills=1, items_per_skill=4)  # b = -1, -0.5, 0, 0.5
    snapshot = course_snapshot(course)
    skill = snapshot.skills[snapshot.skill_order[0]]
    view = LearnerView({skill.id: SkillStatus(p_known=0.9)}, frozenset(), (), 0.0, NOW)
    chances = {
        i: item_success(
            snapshot, snapshot.items[i], {skill.id: SkillEvidence(0.9)}, theta=0.0, at=NOW
        )
        for i in skill.item_ids
    }
    target = snapshot.policy.target_success
    farthest = max(chances, key=lambda i: abs(chances[i] - target))
    picks = {choose_item(snapshot, skill, view, random.Random(seed)) for seed in range(40)}
    assert farthest not in picks
    assert len(picks) == 3


def test_every_answer_stores_the_chance_predicted_before_it():
    course = chain_course(skills=1, items_per_skill=4)
    learner = LearnerFactory()
    item = course.items.get(slug="s1-i1")
    body = answer_submit(learner=learner, item_id=item.pk, answer="1", client_id=uuid.uuid4()).body
    response = ItemResponse.objects.get(learner=learner)
    snapshot = course_snapshot(course)
    skill_id = snapshot.items[item.pk].skill_ids[0]
    prior = snapshot.skills[skill_id].params.prior
    expected = item_success(
        snapshot, snapshot.items[item.pk], {skill_id: SkillEvidence(prior)}, theta=0.0, at=NOW
    )
    assert response.predicted_correct == pytest.approx(expected)
    assert 0.0 < body["next"]["p_correct"] < 1.0


def test_with_a_fitted_model_the_state_is_updated_online_and_predicts_the_next_answer():
    course = chain_course(skills=2, items_per_skill=4)
    params = fitted_model(course)
    learner = LearnerFactory()
    item = course.items.get(slug="s1-i2")
    snapshot = course_snapshot(course)
    assert snapshot.learner_model is not None
    skill_id = snapshot.items[item.pk].skill_ids[0]
    fresh = model_state(params, skill_id, None)
    first = answer_submit(learner=learner, item_id=item.pk, answer="2", client_id=uuid.uuid4())
    response = ItemResponse.objects.get(learner=learner)
    assert response.predicted_correct == pytest.approx(
        predict(params, fresh, item=str(item.pk), at=response.created_at)
    )
    row = SkillMastery.objects.get(learner=learner, skill_id=skill_id)
    after = update(params, fresh, correct=True, at=response.created_at)
    # Equal up to rounding: numpy's SIMD paths differ in the last bit between CPUs.
    expected = after.as_json()
    assert row.model_state.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, list):
            assert row.model_state[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert row.model_state[key] == value, key
    next_item = first.body["next"]["item"]["id"]
    assert first.body["next"]["p_correct"] == pytest.approx(
        predict(params, after, item=str(next_item), at=response.created_at), abs=0.05
    )
