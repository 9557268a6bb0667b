"""Reads of learner state: mastery with its uncertainty, due reviews, recommendations, flags."""

import random
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Classroom, User
from apps.curriculum.models import Course
from apps.recommendations import pending
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.mastery import mastery_intervals
from apps.recommendations.engine.policy import (
    LearnerView,
    Recommendation,
    due_reviews,
    rank_recommendations,
)
from apps.recommendations.learner_state import learner_view, mastery_rows, status_of
from apps.recommendations.mastery_states import classify
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.results import AbilitySummary
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.snapshot import course_snapshot


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
    """Every skill of the course for one learner, in course order (prerequisites first), with
    the state the pages show (``mastery_states``) and its uncertainty and evidence."""
    now = now or timezone.now()
    snapshot = course_snapshot(course)
    rows = {row.skill_id: row for row in mastery_rows(learner=learner, course_id=course.pk)}
    cells = classify(snapshot, rows, now)
    scheduler = scheduler_for(snapshot.policy.desired_retention)
    statuses = {skill_id: status_of(row, now, scheduler) for skill_id, row in rows.items()}
    # A credit is evidence too, though no item of the skill was answered.
    evidence = [
        rows[s].attempts + int(rows[s].credited) if s in rows else 0 for s in snapshot.skill_order
    ]
    low, high = mastery_intervals(
        [cell.p_known for cell in cells], evidence, snapshot.policy.mastery
    )
    views = []
    for j, (skill_id, cell) in enumerate(zip(snapshot.skill_order, cells, strict=True)):
        skill = snapshot.skills[skill_id]
        row = rows.get(skill_id)
        status = statuses.get(skill_id)
        views.append(
            SkillMasteryView(
                slug=skill.slug,
                name=skill.name,
                state=cell.state,
                p_known=cell.p_known,
                interval_low=float(low[j]),
                interval_high=float(high[j]),
                evidence_count=evidence[j],
                retrievability=status.retrievability if status else None,
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


def practice_next(
    *, learner: User, course: Course, now: datetime | None = None
) -> tuple[CourseSnapshot, Recommendation]:
    """What practice presents next: the pending item until it is answered or skipped
    (``pending``), else the policy's choice, drawn the same on every re-read."""
    snapshot = course_snapshot(course)
    view = learner_view(learner=learner, snapshot=snapshot, now=now or timezone.now())
    return snapshot, pending.current_activity(learner=learner, snapshot=snapshot, view=view)


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


@dataclass(frozen=True)
class CourseMastery:
    course: str
    ability: AbilitySummary | None
    ability_responses: int
    skills: list[SkillMasteryView]


def course_mastery(*, learner: User, course: Course) -> CourseMastery:
    """Mastery of every skill of a course, and the ability, for one learner."""
    ability = ability_for(learner=learner, course=course)
    return CourseMastery(
        course=course.slug,
        ability=AbilitySummary(ability.theta, ability.standard_error) if ability else None,
        ability_responses=ability.n_responses if ability else 0,
        skills=skill_mastery_list(learner=learner, course=course),
    )


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
