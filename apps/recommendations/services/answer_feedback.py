"""The feedback of one answer (``results.AnswerFeedback``) and its JSON body: the one builder of
what the API answers, the receipt stores and a retry returns."""

from typing import Any

from apps.assessments.models import ItemResponse
from apps.recommendations.api.serializers import AnswerFeedbackOutputSerializer
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.results import AbilitySummary, AnswerFeedback, NextStep, SkillChange


def render_feedback(feedback: AnswerFeedback) -> dict[str, Any]:
    """The body the API answers and the receipt stores: the same serializer renders both."""
    return dict(AnswerFeedbackOutputSerializer(feedback).data)


def skill_change(
    snapshot: CourseSnapshot,
    skill_id: int,
    *,
    before: float,
    after: float,
    attempts: int,
    learnt_before: bool,
    learnt_after: bool,
) -> SkillChange:
    """How one answer moved one skill: the one builder of the feedback's mastery lines."""
    skill = snapshot.skills[skill_id]
    return SkillChange(
        skill=skill.slug,
        name=skill.name,
        before=round(before, 4),
        after=round(after, 4),
        threshold=snapshot.policy.mastery_threshold,
        mastered=learnt_after,
        mastered_now=learnt_after and not learnt_before,
        attempts=attempts,
    )


def row_change(
    snapshot: CourseSnapshot, row: SkillMastery, before: float, was_learnt: bool
) -> SkillChange:
    return skill_change(
        snapshot,
        row.skill_id,
        before=before,
        after=row.p_known,
        attempts=row.attempts,
        learnt_before=was_learnt,
        learnt_after=snapshot.policy.is_learnt(row.p_known, row.right_streak, row.credited),
    )


def feedback_of(
    *,
    response: ItemResponse,
    item_slug: str,
    explanation_html: str,
    mastery: list[SkillChange],
    ability: LearnerAbility | None,
    next_step: NextStep,
) -> AnswerFeedback:
    return AnswerFeedback(
        response_id=response.pk,
        client_id=response.client_id,
        item=item_slug,
        correct=response.correct,
        score=response.score,
        answer=response.answer,
        explanation_html=explanation_html,
        mastery=mastery,
        ability=AbilitySummary(
            theta=round(ability.theta, 4) if ability else 0.0,
            standard_error=round(ability.standard_error, 4) if ability else 1.0,
        ),
        next=next_step,
        answered_at=response.created_at,
    )
