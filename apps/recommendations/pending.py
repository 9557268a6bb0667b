"""The learner's pending practice item: what practice last presented, until it is answered or
skipped.

Practice offers one item at a time, and asking again must not draw another (else a learner
skips a hard item by re-fetching). The answer path already logs each next activity it
presents with the answer (``ItemResponse.next_activity``), so the pending item is the one the
latest answer in the course recorded, unless a skip came after it: ``practice_skip`` logs a
``skipped`` entry and a new pending item (``RecommendationLog``). With nothing pending (a
first visit, a lesson, an answer inside a quiz), the choice is drawn with a seed from the
learner's state, so re-reading without a change gives the same choice and a GET still writes
nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.recommendations.answer_log import NextActivity, next_activity_of
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


@dataclass(frozen=True, slots=True)
class Presented:
    """What practice last presented: a recommendation, when, and a key for the seed."""

    activity: NextActivity
    at: datetime
    key: str


def latest_log(*, learner: User, course_id: int) -> RecommendationLog | None:
    return (
        RecommendationLog.objects.filter(learner=learner, course_id=course_id)
        .order_by("-created_at", "-id")
        .first()
    )


def latest_answer(
    *, learner: User, course_id: int
) -> tuple[int, datetime, NextActivity | None] | None:
    """The learner's latest answer in the course: (id, answered at, what came next)."""
    row = (
        ItemResponse.objects.filter(learner=learner, item__course_id=course_id)
        .order_by("-created_at", "-id")
        .values_list("id", "created_at", "next_activity")
        .first()
    )
    return None if row is None else (row[0], row[1], next_activity_of(row[2]))


def last_presented(*, learner: User, course_id: int) -> Presented | None:
    """The latest of what a skip logged and what the latest answer recorded; None when the
    latest answer recorded nothing (inside a quiz or placement) or there is neither."""
    log = latest_log(learner=learner, course_id=course_id)
    answer = latest_answer(learner=learner, course_id=course_id)
    # The answer path records its next item at the answer's time: an answer at or after the
    # log's time came after what the log presented.
    if answer is not None and (log is None or answer[1] >= log.created_at):
        response_id, at, activity = answer
        return Presented(activity, at, f"r{response_id}") if activity is not None else None
    if log is None:
        return None
    logged = NextActivity(log.kind, log.skill_id, log.item_id, log.lesson_id, log.reason)
    return Presented(logged, log.created_at, f"l{log.pk}")


def pending_recommendation(
    *, snapshot: CourseSnapshot, view: LearnerView, presented: Presented | None
) -> Recommendation | None:
    """The presented item still waiting for its answer, or None."""
    if presented is None:
        return None
    activity = presented.activity
    if activity.kind not in PENDING_KINDS or activity.item_id not in snapshot.items:
        return None
    return Recommendation(
        kind=activity.kind,
        skill_id=activity.skill_id,
        item_id=activity.item_id,
        lesson_id=activity.lesson_id,
        reason=activity.reason,
        p_correct=success_chance(snapshot, view, activity.item_id),
    )


def state_seed(*, learner: User, course_id: int, presented: Presented | None) -> random.Random:
    """A draw that stays the same until the learner answers or skips (variety, not security)."""
    seed = f"{learner.pk}:{course_id}:{presented.key if presented else ''}"
    return random.Random(seed)


def current_activity(
    *, learner: User, snapshot: CourseSnapshot, view: LearnerView
) -> Recommendation:
    """What practice presents now: the pending item, else the policy's seeded choice."""
    presented = last_presented(learner=learner, course_id=snapshot.course_id)
    waiting = pending_recommendation(snapshot=snapshot, view=view, presented=presented)
    if waiting is not None:
        return waiting
    rng = state_seed(learner=learner, course_id=snapshot.course_id, presented=presented)
    return rank_recommendations(snapshot, view, limit=1, rng=rng)[0]
