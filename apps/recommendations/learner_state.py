"""Reading one learner's state in one course into the policy's plain data (two queries: the
skill rows and the state row)."""

from datetime import datetime

from django.db.models import QuerySet
from fsrs import Scheduler

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.memory import retrievability
from apps.recommendations.engine.policy import LearnerView, SkillStatus
from apps.recommendations.models import LearnerAbility, LessonView, SkillMastery
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.state_row import lessons_of, recent_of


def status_of(row: SkillMastery, now: datetime, scheduler: Scheduler) -> SkillStatus:
    """``scheduler`` is the course's (``scheduling.scheduler_for``): building one per row would
    cost more than the recall it computes."""
    return SkillStatus(
        p_known=row.p_known,
        attempts=row.attempts,
        last_practised_at=row.last_practised_at,
        mastered_at=row.mastered_at,
        review_due_at=row.review_due_at,
        right_streak=row.right_streak,
        credited=row.credited,
        model_state=row.model_state,
        retrievability=(
            retrievability(row.memory_state, at=now, scheduler=scheduler)
            if row.memory_state
            else None
        ),
    )


def mastery_rows(*, learner: User, course_id: int) -> QuerySet[SkillMastery]:
    return SkillMastery.objects.filter(learner=learner, course_id=course_id)


def recent_answers(*, learner: User, course_id: int, limit: int) -> list[tuple[int, datetime]]:
    """(item id, answered at) of the learner's latest answers in the course, newest first."""
    return list(
        ItemResponse.objects.filter(learner=learner, item__course_id=course_id)
        .order_by("-created_at", "-id")
        .values_list("item_id", "created_at")[:limit]
    )


def recent_item_ids(*, learner: User, course_id: int, limit: int) -> list[int]:
    return [
        item_id for item_id, _ in recent_answers(learner=learner, course_id=course_id, limit=limit)
    ]


def lesson_readings(*, learner: User, course_id: int) -> dict[int, datetime]:
    """When the learner last read each lesson of the course they opened."""
    return dict(
        LessonView.objects.filter(learner=learner, lesson__course_id=course_id).values_list(
            "lesson_id", "last_viewed_at"
        )
    )


def recent_from_state(
    stored: list[list[int]] | None, *, learner: User, course_id: int, limit: int
) -> list[tuple[int, datetime]]:
    """The recent answers the state row keeps; the log's, for a row that does not track them."""
    recent = recent_of(stored)
    if recent is None:
        recent = recent_answers(learner=learner, course_id=course_id, limit=limit)
    return recent


def lessons_from_state(
    stored: dict[str, int] | None, *, learner: User, course_id: int
) -> dict[int, datetime]:
    """The lessons read the state row keeps; the lesson views, for a row that does not."""
    readings = lessons_of(stored)
    if readings is None:
        readings = lesson_readings(learner=learner, course_id=course_id)
    return readings


def read_lesson_ids(*, learner: User, course_id: int) -> frozenset[int]:
    return frozenset(lesson_readings(learner=learner, course_id=course_id))


def learner_view(
    *,
    learner: User,
    snapshot: CourseSnapshot,
    now: datetime,
    rows: dict[int, SkillMastery] | None = None,
    theta: float | None = None,
    recent_item_ids: list[int] | None = None,
    lesson_read_at: dict[int, datetime] | None = None,
) -> LearnerView:
    """``rows``, ``theta``, ``recent_item_ids`` (newest first) and ``lesson_read_at`` when the
    caller has them already (the answer path reads them under its lock). Otherwise the skill
    rows and the state row are read (two queries), and the log and the lesson views only for
    a state row that does not track them."""
    if rows is None:
        rows = {
            row.skill_id: row for row in mastery_rows(learner=learner, course_id=snapshot.course_id)
        }
    if theta is None or recent_item_ids is None or lesson_read_at is None:
        state = (
            LearnerAbility.objects.filter(learner=learner, course_id=snapshot.course_id)
            .values("theta", "recent", "lessons_read")
            .first()
        ) or {"theta": 0.0, "recent": [], "lessons_read": {}}
        if theta is None:
            theta = state["theta"]
        if recent_item_ids is None:
            recent = recent_from_state(
                state["recent"],
                learner=learner,
                course_id=snapshot.course_id,
                limit=snapshot.policy.history_window,
            )
            recent_item_ids = [item_id for item_id, _ in recent]
        if lesson_read_at is None:
            lesson_read_at = lessons_from_state(
                state["lessons_read"], learner=learner, course_id=snapshot.course_id
            )
    scheduler = scheduler_for(snapshot.policy.desired_retention)
    return LearnerView(
        skills={skill_id: status_of(row, now, scheduler) for skill_id, row in rows.items()},
        read_lesson_ids=frozenset(lesson_read_at),
        recent_item_ids=recent_item_ids,
        theta=theta,
        now=now,
        lesson_read_at=lesson_read_at,
    )
