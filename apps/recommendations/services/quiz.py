"""Fixed quizzes: the assessment's items in order, then a score.

Answers go through the same hot path as practice (``answer_submit`` with the attempt), so a
quiz answer also moves mastery; only what comes next differs: the next unanswered item of the
quiz, and when none is left the attempt finishes with its score.
"""

from dataclasses import asdict
from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus, ItemResponse
from apps.assessments.services import attempt_resume_or_start
from apps.core.exceptions import ApplicationError
from apps.recommendations import metrics
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.results import AttemptFinished, AttemptStep, QuizProgress, QuizResult
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.snapshot import course_snapshot

READY_TO_FINISH = "Every question is answered: finish the quiz to see your score."


def _quiz_item_ids(assessment: Assessment) -> list[int]:
    return list(
        assessment.assessment_items.order_by("position", "id").values_list("item_id", flat=True)
    )


def _finish_locked(*, attempt: Attempt, now: datetime) -> QuizResult:
    """Score = credit earned over the quiz's length (unanswered items earn nothing)."""
    total = len(_quiz_item_ids(attempt.assessment)) or 1
    answered = ItemResponse.objects.filter(attempt=attempt)
    earned = answered.aggregate(credit=Sum("score"))["credit"] or 0.0
    result = QuizResult(
        answered=answered.count(),
        of=total,
        correct=answered.filter(correct=True).count(),
        score=round(earned / total, 4),
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.FINISHED, finished_at=now, score=earned / total, result=asdict(result)
    )
    attempt.status, attempt.result = AttemptStatus.FINISHED, asdict(result)
    metrics.assessment_completed(kind=AssessmentKind.QUIZ)
    return result


@transaction.atomic
def quiz_finish(*, learner: User, attempt: Attempt, now: datetime | None = None) -> QuizResult:
    """Finish now, under the learner's lock; finishing twice returns the first result."""
    lock_ability(learner, attempt.assessment.course_id)
    current = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if current.status == AttemptStatus.FINISHED:
        attempt.status, attempt.result = current.status, current.result
        return QuizResult(**current.result)
    return _finish_locked(attempt=attempt, now=now or timezone.now())


def _remaining(attempt: Attempt, snapshot: CourseSnapshot) -> tuple[list[int], QuizProgress]:
    order = _quiz_item_ids(attempt.assessment)
    done = set(ItemResponse.objects.filter(attempt=attempt).values_list("item_id", flat=True))
    remaining = [item_id for item_id in order if item_id not in done and item_id in snapshot.items]
    return remaining, QuizProgress(answered=len(done), of=len(order))


def quiz_next(*, attempt: Attempt, snapshot: CourseSnapshot | None = None) -> AttemptStep:
    """The next item of the quiz, read only (GET never writes): item-less once every item is
    answered and the attempt awaits finishing."""
    snapshot = snapshot or course_snapshot(attempt.assessment.course)
    remaining, progress = _remaining(attempt, snapshot)
    if not remaining:
        return AttemptStep("quiz", attempt.pk, progress, None, READY_TO_FINISH)
    item = snapshot.items[remaining[0]].learner_view
    return AttemptStep(
        "quiz", attempt.pk, progress, item, f"Question {progress.answered + 1} of {progress.of}."
    )


def quiz_advance(
    *, attempt: Attempt, snapshot: CourseSnapshot, now: datetime
) -> AttemptStep | AttemptFinished:
    """After an answer or at the start (the caller holds the learner's lock): the next item,
    or the score once none is left."""
    step = quiz_next(attempt=attempt, snapshot=snapshot)
    if step.item is not None:
        return step
    result = _finish_locked(attempt=attempt, now=now)
    return AttemptFinished(
        "quiz_finished", attempt.pk, step.progress, result, f"Quiz finished: {result.score:.0%}."
    )


@transaction.atomic
def quiz_start(
    *, learner: User, assessment: Assessment
) -> tuple[Attempt, AttemptStep | AttemptFinished]:
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
    step = quiz_advance(
        attempt=attempt, snapshot=course_snapshot(assessment.course), now=timezone.now()
    )
    attempt.refresh_from_db()
    return attempt, step
