"""Reads of learner state: mastery with its uncertainty, due reviews, recommendations, flags."""

import random
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Classroom, User
from apps.curriculum.models import Course
from apps.recommendations.engine.mastery import MasteryPolicy, assess_mastery
from apps.recommendations.learner_state import learner_view, mastery_rows, status_of
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.policy import (
    LearnerView,
    Recommendation,
    due_reviews,
    rank_recommendations,
)
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.snapshot import CourseSnapshot, course_snapshot


@dataclass(frozen=True)
class SkillMasteryView:
    slug: str
    name: str
    state: str  # mastered, needs_review, learning, not_started, or locked
    p_known: float
    interval_low: float
    interval_high: float
    evidence_count: int
    retrievability: float | None
    attempts: int
    correct_count: int
    last_practised_at: datetime | None
    mastered_at: datetime | None
    review_due_at: datetime | None
    wheel_spinning: bool
    prerequisites: tuple[str, ...]


def skill_mastery_list(
    *, learner: User, course: Course, now: datetime | None = None
) -> list[SkillMasteryView]:
    """Every skill of the course for one learner, in course order (prerequisites first).

    'locked' marks a skill not started whose prerequisites are not all mastered yet."""
    now = now or timezone.now()
    snapshot = course_snapshot(course)
    rows = {row.skill_id: row for row in mastery_rows(learner=learner, course_id=course.pk)}
    policy = MasteryPolicy(
        p_known_threshold=snapshot.policy.mastery_threshold,
        min_retrievability=snapshot.policy.min_retrievability,
    )
    scheduler = scheduler_for(snapshot.policy.desired_retention)
    views = []
    for skill_id in snapshot.skill_order:
        skill = snapshot.skills[skill_id]
        row = rows.get(skill_id)
        status = status_of(row, now, scheduler) if row else None
        p = row.p_known if row else skill.params.prior
        # A placement result is evidence too, though no item of the skill was answered.
        evidence = row.attempts + int(row.seeded_by_placement) if row else 0
        estimate = assess_mastery(
            p_known=p,
            evidence_count=evidence,
            retrievability=status.retrievability if status else None,
            policy=policy,
        )
        state = str(estimate.state)
        prerequisites_learnt = all(
            p_id in rows and rows[p_id].p_known >= policy.p_known_threshold
            for p_id in skill.prerequisite_ids
        )
        if state == "not_started" and not prerequisites_learnt:
            state = "locked"
        views.append(
            SkillMasteryView(
                slug=skill.slug,
                name=skill.name,
                state=state,
                p_known=p,
                interval_low=estimate.interval_low,
                interval_high=estimate.interval_high,
                evidence_count=estimate.evidence_count,
                retrievability=estimate.retrievability,
                attempts=row.attempts if row else 0,
                correct_count=row.correct_count if row else 0,
                last_practised_at=row.last_practised_at if row else None,
                mastered_at=row.mastered_at if row else None,
                review_due_at=row.review_due_at if row else None,
                wheel_spinning=row.wheel_spinning if row else False,
                prerequisites=tuple(snapshot.skills[p_id].slug for p_id in skill.prerequisite_ids),
            )
        )
    return views


def recommendations_for(
    *,
    learner: User,
    course: Course,
    limit: int = 5,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> tuple[CourseSnapshot, list[Recommendation]]:
    snapshot = course_snapshot(course)
    view = learner_view(learner=learner, snapshot=snapshot, now=now or timezone.now())
    return snapshot, rank_recommendations(snapshot, view, limit=limit, rng=rng)


@dataclass(frozen=True)
class DueReview:
    course: str
    skill: str
    name: str
    last_practised_at: datetime | None
    review_due_at: datetime | None
    retrievability: float | None


def due_reviews_for(
    *, learner: User, courses: list[Course], now: datetime | None = None
) -> list[DueReview]:
    now = now or timezone.now()
    due = []
    for course in courses:
        snapshot = course_snapshot(course)
        rows = {row.skill_id: row for row in mastery_rows(learner=learner, course_id=course.pk)}
        scheduler = scheduler_for(snapshot.policy.desired_retention)
        statuses = {skill_id: status_of(row, now, scheduler) for skill_id, row in rows.items()}
        view = LearnerView(
            skills=statuses, read_lesson_ids=frozenset(), recent_item_ids=(), theta=0.0, now=now
        )
        for skill, status in due_reviews(snapshot, view):
            due.append(
                DueReview(
                    course.slug,
                    skill.slug,
                    skill.name,
                    status.last_practised_at,
                    status.review_due_at,
                    status.retrievability,
                )
            )
    return due


def ability_for(*, learner: User, course: Course) -> LearnerAbility | None:
    return LearnerAbility.objects.filter(learner=learner, course=course).first()


def wheel_spinning_in(*, classroom: Classroom) -> QuerySet[SkillMastery]:
    """Learners of the class stuck on a skill: many attempts, not mastered."""
    return (
        SkillMastery.objects.filter(
            wheel_spinning=True,
            learner__enrollments__classroom=classroom,
            course__classrooms=classroom,
        )
        .select_related("learner", "skill", "course")
        .order_by("-attempts", "learner__username")
    )
