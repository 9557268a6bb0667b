"""Fixed quizzes: the assessment's items in order, then a score.

Answers go through the same hot path as practice (``answer_submit`` with the attempt), so a
quiz answer also moves mastery; only what comes next differs: the next unanswered item of the
quiz, and when none is left the attempt finishes with its score.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus, Response
from apps.assessments.services import attempt_resume_or_start
from apps.core.exceptions import ApplicationError
from apps.recommendations import metrics
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.snapshot import CourseSnapshot, course_snapshot


def _quiz_item_ids(assessment: Assessment) -> list[int]:
    return list(
        assessment.assessment_items.order_by("position", "id").values_list("item_id", flat=True)
    )


def quiz_finish(*, attempt: Attempt, now: datetime | None = None) -> dict[str, Any]:
    """Score = credit earned over the quiz's length (unanswered items earn nothing)."""
    total = len(_quiz_item_ids(attempt.assessment)) or 1
    answered = Response.objects.filter(attempt=attempt)
    earned = answered.aggregate(credit=Sum("score"))["credit"] or 0.0
    result = {
        "answered": answered.count(),
        "of": total,
        "correct": answered.filter(correct=True).count(),
        "score": round(earned / total, 4),
    }
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.FINISHED,
        finished_at=now or timezone.now(),
        score=earned / total,
        result=result,
    )
    attempt.status = AttemptStatus.FINISHED
    metrics.assessment_completed(kind=AssessmentKind.QUIZ)
    return result


def quiz_next_payload(
    *, attempt: Attempt, snapshot: CourseSnapshot | None = None
) -> dict[str, Any]:
    snapshot = snapshot or course_snapshot(attempt.assessment.course)
    order = _quiz_item_ids(attempt.assessment)
    done = set(Response.objects.filter(attempt=attempt).values_list("item_id", flat=True))
    remaining = [item_id for item_id in order if item_id not in done and item_id in snapshot.items]
    progress = {"answered": len(done), "of": len(order)}
    if not remaining:
        result = quiz_finish(attempt=attempt)
        return {
            "kind": "quiz_finished",
            "attempt": attempt.pk,
            "progress": progress,
            "result": result,
            "item": None,
            "reason": f"Quiz finished: {result['score']:.0%}.",
        }
    return {
        "kind": "quiz",
        "attempt": attempt.pk,
        "progress": progress,
        "item": snapshot.items[remaining[0]].learner_view,
        "reason": f"Question {len(done) + 1} of {len(order)}.",
    }


@transaction.atomic
def quiz_start(*, learner: User, assessment: Assessment) -> tuple[Attempt, dict[str, Any]]:
    """Start (or resume the open attempt of) a fixed quiz."""
    if assessment.kind != AssessmentKind.QUIZ:
        raise ApplicationError(
            "Not a quiz.", fields={"assessment": ["This assessment is not a fixed quiz."]}
        )
    if not _quiz_item_ids(assessment):
        raise ApplicationError(
            "Empty quiz.", fields={"assessment": ["This quiz has no items yet."]}
        )
    lock_ability(learner, assessment.course_id)
    attempt, created = attempt_resume_or_start(learner=learner, assessment=assessment)
    if created:
        metrics.session_started()
    return attempt, quiz_next_payload(attempt=attempt)
