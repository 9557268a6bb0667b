"""The feedback of one answer (``results.AnswerFeedback``) and its JSON body: the one builder of
what the API answers, the receipt stores and a retry returns."""

import uuid
from datetime import datetime
from typing import Any

from apps.recommendations.api.serializers import AnswerFeedbackOutputSerializer
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.models import SkillMastery
from apps.recommendations.results import AbilitySummary, AnswerFeedback, NextStep, SkillChange

# One instance, reused: a DRF serializer deep-copies its fields on every instantiation, which
# cost more than everything else the answer path computes. Rendering only reads the instance.
_FEEDBACK_RENDERER = AnswerFeedbackOutputSerializer()


def render_feedback(feedback: AnswerFeedback) -> dict[str, Any]:
    """The body the API answers and the response stores: the same serializer renders both."""
    return dict(_FEEDBACK_RENDERER.to_representation(feedback))


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
    response_id: int | None,
    client_id: uuid.UUID,
    correct: bool,
    score: float,
    answer: object,
    answered_at: datetime,
    item_slug: str,
    explanation_html: str,
    mastery: list[SkillChange],
    ability: AbilitySummary,
    next_step: NextStep,
) -> AnswerFeedback:
    """``response_id`` None before the response is stored (the answer path sets it after)."""
    return AnswerFeedback(
        response_id=response_id,  # type: ignore[arg-type]  # filled in once stored
        client_id=client_id,
        item=item_slug,
        correct=correct,
        score=score,
        answer=answer,
        explanation_html=explanation_html,
        mastery=mastery,
        ability=ability,
        next=next_step,
        answered_at=answered_at,
    )
