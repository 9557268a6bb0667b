"""recommendation_history: the log's rows and the recommendation each answer carries, merged
newest first; and mastery_moves, the history's read of each answer's mastery changes."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Skill
from apps.recommendations.history import mastery_moves
from apps.recommendations.models import RecommendationLog
from apps.recommendations.recommendation_history import (
    recommendation_history,
    recommendations_count,
)
from apps.recommendations.services.answers import answer_submit
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def _answer(learner, course, slug, when):
    item = course.items.get(slug=slug)
    return answer_submit(
        learner=learner,
        item_id=item.pk,
        answer=str(item.numeric_answer),
        client_id=uuid.uuid4(),
        now=when,
    )


def _logged(learner, course, reason, when):
    return RecommendationLog.objects.create(
        learner=learner,
        course=course,
        kind="skipped",
        skill=course.skills.get(slug="s1"),
        item=course.items.get(slug="s1-i0"),
        reason=reason,
        created_at=when,
    )


@pytest.fixture
def history():  # type: ignore[no-untyped-def]
    course = chain_course(skills=2, items_per_skill=3)
    other = chain_course(slug="other", skills=1, items_per_skill=2)
    learner = LearnerFactory()
    start = timezone.now() - timedelta(hours=1)
    _answer(learner, course, "s1-i0", start)
    _logged(learner, course, "first skip", start + timedelta(minutes=1))
    _answer(learner, course, "s1-i1", start + timedelta(minutes=2))
    _answer(learner, other, "s1-i0", start + timedelta(minutes=3))
    _logged(learner, course, "second skip", start + timedelta(minutes=4))
    _answer(LearnerFactory(), course, "s1-i0", start)  # someone else's
    return course, other, learner


def test_logs_and_answers_merge_newest_first_with_their_content(history):
    course, _, learner = history
    answers = list(ItemResponse.objects.filter(learner=learner).order_by("created_at"))

    shown = recommendation_history(learner=learner)

    assert [(r.course, r.answer_id) for r in shown] == [
        ("chain", None),
        ("other", answers[2].pk),
        ("chain", answers[1].pk),
        ("chain", None),
        ("chain", answers[0].pk),
    ]
    assert [r.reason for r in shown if r.answer_id is None] == ["second skip", "first skip"]
    assert (shown[0].kind, shown[0].skill, shown[0].item, shown[0].lesson) == (
        "skipped",
        "s1",
        "s1-i0",
        None,
    )
    after = answers[1].next_activity
    assert (shown[2].kind, shown[2].reason) == (after["kind"], after["reason"])
    assert shown[2].item == (
        course.items.get(pk=after["item"]).slug if after["item"] is not None else None
    )
    assert shown[2].skill == Skill.objects.get(pk=after["skill"]).slug
    assert recommendations_count(learner=learner) == len(shown) == 5


def test_one_course_and_a_limit(history, django_assert_num_queries):
    course, _, learner = history
    with django_assert_num_queries(2):
        shown = recommendation_history(learner=learner, course=course, limit=2)
    assert [r.reason for r in shown][:1] == ["second skip"]
    assert len(shown) == 2
    assert shown[1].answer_id is not None  # the answer before the second skip
    assert len(recommendation_history(learner=learner, course=course)) == 4


def test_an_answer_without_a_recommendation_is_left_out(history):
    _, _, learner = history
    ItemResponse.objects.filter(learner=learner).update(next_activity=None)
    assert [r.reason for r in recommendation_history(learner=learner)] == [
        "second skip",
        "first skip",
    ]
    assert recommendations_count(learner=learner) == 2


def test_mastery_moves_name_the_skills_in_one_query(history, django_assert_num_queries):
    _, _, learner = history
    answers = list(ItemResponse.objects.filter(learner=learner).order_by("created_at"))
    with django_assert_num_queries(1):
        moves = mastery_moves(answers)
    first = moves[answers[0].pk]
    assert [(m.skill.slug, m.response_id) for m in first] == [("s1", answers[0].pk)]
    (stored,) = answers[0].mastery_changes
    assert (first[0].p_before, first[0].p_after) == (stored[1], stored[2])
    assert first[0].p_after > first[0].p_before  # a right answer
    assert first[0].created_at == answers[0].created_at


def test_a_move_of_a_deleted_skill_is_left_out(history):
    _, _, learner = history
    answer = ItemResponse.objects.filter(learner=learner).order_by("created_at").first()
    answer.mastery_changes = [*answer.mastery_changes, [999_999, 0.1, 0.2]]
    assert [m.skill.slug for m in mastery_moves([answer])[answer.pk]] == ["s1"]
