"""The learner's pending practice item: what practice last presented, until it is answered or
skipped.

Practice offers one item at a time, and asking again must not draw another (else a learner
skips a hard item by re-fetching). The answer path already logs each next activity it
presents (``RecommendationLog``), so the pending item is the latest logged one for the
learner and course, while no answer in the course came after it; ``practice_skip`` logs a
``skipped`` entry and a new pending item. With nothing pending (a first visit, a lesson, an
answer inside a quiz), the choice is drawn with a seed from the learner's state, so re-reading
without a change gives the same choice and a GET still writes nothing.
"""

import random
from datetime import datetime

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.policy import (
    LearnerView,
    Recommendation,
    rank_recommendations,
    success_chance,
)
from apps.recommendations.models import RecommendationLog

# Kinds whose item stays pending; a lesson or "complete" is recomputed from the state.
PENDING_KINDS = frozenset({"practice", "review"})
SKIPPED = "skipped"


def latest_log(*, learner: User, course_id: int) -> RecommendationLog | None:
    return (
        RecommendationLog.objects.filter(learner=learner, course_id=course_id)
        .order_by("-created_at", "-id")
        .first()
    )


def last_answer_at(*, learner: User, course_id: int) -> datetime | None:
    return (
        ItemResponse.objects.filter(learner=learner, item__course_id=course_id)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )


def pending_recommendation(
    *,
    snapshot: CourseSnapshot,
    view: LearnerView,
    log: RecommendationLog | None,
    answered_at: datetime | None,
) -> Recommendation | None:
    """The logged item still waiting for its answer, or None."""
    if log is None or log.kind not in PENDING_KINDS or log.item_id not in snapshot.items:
        return None
    if answered_at is not None and answered_at > log.created_at:
        return None  # answered (the answer path logs its next item at the answer's time)
    return Recommendation(
        kind=log.kind,
        skill_id=log.skill_id,
        item_id=log.item_id,
        lesson_id=log.lesson_id,
        reason=log.reason,
        p_correct=success_chance(snapshot, view, log.item_id),
    )


def state_seed(
    *, learner: User, course_id: int, log: RecommendationLog | None, answered_at: datetime | None
) -> random.Random:
    """A draw that stays the same until the learner answers or skips (variety, not security)."""
    answered = answered_at.isoformat() if answered_at else ""
    seed = f"{learner.pk}:{course_id}:{log.pk if log else 0}:{answered}"
    return random.Random(seed)


def current_activity(
    *, learner: User, snapshot: CourseSnapshot, view: LearnerView
) -> Recommendation:
    """What practice presents now: the pending item, else the policy's seeded choice."""
    log = latest_log(learner=learner, course_id=snapshot.course_id)
    answered_at = last_answer_at(learner=learner, course_id=snapshot.course_id)
    waiting = pending_recommendation(snapshot=snapshot, view=view, log=log, answered_at=answered_at)
    if waiting is not None:
        return waiting
    rng = state_seed(
        learner=learner, course_id=snapshot.course_id, log=log, answered_at=answered_at
    )
    return rank_recommendations(snapshot, view, limit=1, rng=rng)[0]
