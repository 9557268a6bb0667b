"""What the system told a learner to do next, and why, from both places it is kept: the log's
rows (``RecommendationLog``: skips and what practice presented outside an answer) and the
recommendation each answer carries (``ItemResponse.next_activity``, see ``answer_log``). One
merge for the teacher's drill-down and the learner's data export."""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course, Item, Lesson, Skill
from apps.recommendations.answer_log import next_activity_of
from apps.recommendations.models import RecommendationLog


@dataclass(frozen=True, slots=True)
class RecommendationShown:
    """One recommendation, whichever table holds it; content by slug (None: none, or deleted)."""

    created_at: datetime
    course: str
    kind: str
    reason: str
    skill: str | None
    item: str | None
    lesson: str | None
    answer_id: int | None  # the answer it followed; None for a logged one (a skip, ...)


def _referenced(key: str) -> Cast:
    # The id under ``key`` of the answer's next_activity (``answer_log.next_activity_json``).
    return Cast(KT(f"next_activity__{key}"), IntegerField())


def _slug_of(model: type[Skill | Item | Lesson], reference: str) -> Subquery:
    # Resolved in the answers' query, so the cost is one query whatever content they name.
    return Subquery(model.objects.filter(pk=OuterRef(reference)).values("slug")[:1])


def _from_logs(rows: Iterable[tuple[Any, ...]]) -> Iterable[RecommendationShown]:
    for created_at, course, kind, reason, skill, item, lesson in rows:
        yield RecommendationShown(created_at, course, kind, reason, skill, item, lesson, None)


def _from_answers(rows: Iterable[tuple[Any, ...]]) -> Iterable[RecommendationShown]:
    for answer_id, created_at, course, stored, skill, item, lesson in rows:
        activity = next_activity_of(stored)
        if activity is not None:
            yield RecommendationShown(
                created_at, course, activity.kind, activity.reason, skill, item, lesson, answer_id
            )


def recommendation_history(
    *, learner: User, course: Course | None = None, limit: int | None = None
) -> list[RecommendationShown]:
    """Newest first, at most ``limit`` (all without one); in one course or all of them. Two
    queries whatever the number (the log's, the answers' with their content's slugs)."""
    logs = RecommendationLog.objects.filter(learner=learner)
    answers = ItemResponse.objects.filter(learner=learner, next_activity__isnull=False)
    if course is not None:
        logs = logs.filter(course=course)
        answers = answers.filter(item__course=course)
    logged = logs.order_by("-created_at", "-id").values_list(
        "created_at", "course__slug", "kind", "reason", "skill__slug", "item__slug", "lesson__slug"
    )
    answered = (
        answers.annotate(
            next_skill_id=_referenced("skill"),
            next_item_id=_referenced("item"),
            next_lesson_id=_referenced("lesson"),
        )
        .annotate(
            next_skill=_slug_of(Skill, "next_skill_id"),
            next_item=_slug_of(Item, "next_item_id"),
            next_lesson=_slug_of(Lesson, "next_lesson_id"),
        )
        .order_by("-created_at", "-id")
        .values_list(
            "id",
            "created_at",
            "item__course__slug",
            "next_activity",
            "next_skill",
            "next_item",
            "next_lesson",
        )
    )
    if limit is not None:
        logged, answered = logged[:limit], answered[:limit]
    merged = heapq.merge(
        _from_logs(logged),
        _from_answers(answered),
        key=lambda shown: shown.created_at,
        reverse=True,
    )
    return list(islice(merged, limit))


def recommendations_count(*, learner: User) -> int:
    """How many ``recommendation_history`` holds for the learner, in two counts."""
    logged = RecommendationLog.objects.filter(learner=learner).count()
    return (
        logged + ItemResponse.objects.filter(learner=learner, next_activity__isnull=False).count()
    )
