"""The placement test over knowledge states, through the real services: what it credits, when
it stops, and that it never credits a learner who gets nothing right."""

import dataclasses
import uuid

import pytest

from apps.recommendations.models import SkillMastery
from apps.recommendations.selectors import skill_mastery_list
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.placement import (
    MIN_ITEMS,
    _knowledge_states,
    placement_next,
    placement_start,
)
from apps.recommendations.snapshot import course_snapshot
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def take_placement(course, knows):
    """Answer every placement item: right exactly when its skill is in ``knows`` (numeric
    items of the chain course are answered by their index)."""
    learner = LearnerFactory()
    attempt, step = placement_start(learner=learner, course=course)
    snapshot = course_snapshot(course)
    answered = 0
    while step.kind == "placement" and step.item is not None:
        item = snapshot.items[step.item["id"]]
        skill = snapshot.skills[item.skill_ids[0]].slug
        right = item.key.numeric_answer
        value = str(right) if skill in knows else str(right + 100)
        body = answer_submit(
            learner=learner,
            item_id=item.id,
            answer=value,
            client_id=uuid.uuid4(),
            attempt_id=attempt.pk,
        ).body
        answered += 1
        step = _step_of(body["next"])
    attempt.refresh_from_db()
    return learner, attempt, answered


def _step_of(next_body):
    class Step:
        kind = next_body["kind"]
        item = next_body.get("item")

    return Step


def states(learner, course):
    return {v.slug: v.state for v in skill_mastery_list(learner=learner, course=course)}


@pytest.fixture
def course():
    return chain_course(skills=4, items_per_skill=6)


def test_a_learner_who_gets_nothing_right_is_credited_nothing(course):
    learner, attempt, answered = take_placement(course, knows=set())
    assert attempt.result["mastered_skills"] == []
    assert answered == MIN_ITEMS  # settled as early as the test may stop
    assert not SkillMastery.objects.filter(learner=learner, seeded_by_placement=True).exists()
    assert "mastered" not in states(learner, course).values()


def test_what_a_learner_knows_is_credited_and_nothing_more(course):
    learner, attempt, answered = take_placement(course, knows={"s1", "s2"})
    assert attempt.result["mastered_skills"] == ["s1", "s2"]
    assert answered < course_snapshot(course).policy.placement_max_items
    shown = states(learner, course)
    assert (shown["s1"], shown["s2"]) == ("mastered", "mastered")
    credited = SkillMastery.objects.filter(learner=learner, seeded_by_placement=True)
    assert all(row.memory_state and row.review_due_at for row in credited)
    assert shown["s3"] in {"learning", "not_started"}
    assert shown["s4"] != "mastered"


def test_a_learner_who_knows_everything_is_credited_everything(course):
    _, attempt, _ = take_placement(course, knows={"s1", "s2", "s3", "s4"})
    assert attempt.result["mastered_skills"] == ["s1", "s2", "s3", "s4"]


def test_the_pending_item_is_the_same_on_every_read(course):
    learner = LearnerFactory()
    attempt, step = placement_start(learner=learner, course=course)
    assert {placement_next(attempt=attempt).item["id"] for _ in range(3)} == {step.item["id"]}


def test_a_course_id_that_comes_back_never_meets_another_courses_structure():
    """Rolled-back tests (or a restored database) reuse course ids at the same version."""
    big = course_snapshot(chain_course(slug="big", skills=4, items_per_skill=2))
    small = course_snapshot(chain_course(slug="small", skills=1, items_per_skill=2))
    same_key = dataclasses.replace(small, course_id=big.course_id, version=big.version)
    assert _knowledge_states(big).structure.n_skills == 4
    assert _knowledge_states(same_key).structure.n_skills == 1
