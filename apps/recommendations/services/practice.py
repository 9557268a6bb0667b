"""Skipping the pending practice item (``apps.recommendations.pending``)."""

from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import Conflict
from apps.curriculum.models import Course
from apps.recommendations import pending
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.policy import Recommendation, next_activity
from apps.recommendations.learner_state import learner_view
from apps.recommendations.models import RecommendationLog
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.snapshot import course_snapshot

SKIPPED_REASON = "Skipped by the learner."
NOTHING_TO_SKIP = "Practice presents no item to skip in this course (a lesson, or done)."


def _log(
    learner: User, course_id: int, kind: str, recommendation: Recommendation, now: datetime
) -> None:
    RecommendationLog.objects.create(
        learner=learner,
        course_id=course_id,
        kind=kind,
        skill_id=recommendation.skill_id,
        item_id=recommendation.item_id,
        lesson_id=recommendation.lesson_id,
        reason=recommendation.reason if kind != pending.SKIPPED else SKIPPED_REASON,
        created_at=now,
    )


@transaction.atomic
def practice_skip(
    *, learner: User, course: Course, now: datetime | None = None
) -> tuple[CourseSnapshot, Recommendation]:
    """Skip the pending item: logged as ``skipped`` (teachers see it; it is no evidence), and
    the next item, chosen among the others, becomes the pending one. Conflict when practice
    presents no item (a lesson to read, or the course complete)."""
    now = now or timezone.now()
    lock_ability(learner, course.pk)  # serialised with the learner's answers
    snapshot = course_snapshot(course)
    view = learner_view(learner=learner, snapshot=snapshot, now=now)
    skipped = pending.current_activity(learner=learner, snapshot=snapshot, view=view)
    if skipped.item_id is None:
        raise Conflict(NOTHING_TO_SKIP, fields={"course": [NOTHING_TO_SKIP]})
    _log(learner, course.pk, pending.SKIPPED, skipped, now)
    # The skipped item counts as just seen, so the policy's recent-items rule passes it over
    # (unless its skill has no other item).
    seen = replace(view, recent_item_ids=[skipped.item_id, *view.recent_item_ids])
    recommendation = next_activity(snapshot, seen)
    _log(learner, course.pk, recommendation.kind, recommendation, now)
    return snapshot, recommendation
