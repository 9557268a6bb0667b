"""Recommendation logs for the demo's simulated classmates, so a teacher's drill-down shows
"What the system told them" as it would for a real learner.

The simulator answers items without asking the policy, so the logs are written after the
fact from the mastery history the answers carry (``ItemResponse.mastery_changes``): each time a
learner moved to another skill (or came back after a break) the system had recommended that
skill, worded as the policy words it at that mastery (``engine.policy.frontier_reason``, the one
home of those words). Bulk-inserted like the responses. Demo seeding only: a Python loop over a
few thousand answers is fine here.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.policy import SkillStatus, frontier_reason
from apps.recommendations.models import RecommendationLog
from apps.recommendations.snapshot import course_snapshot

SESSION_GAP = timedelta(minutes=30)  # a longer pause starts a new session, so a new advice
BATCH = 1000


def _log(
    snapshot: CourseSnapshot,
    learner_id: int,
    course: Course,
    skill_id: int,
    item_id: int,
    p_known: float,
    attempts: int,
    at: datetime,
) -> RecommendationLog:
    skill = snapshot.skills[skill_id]
    reason = frontier_reason(snapshot, skill, SkillStatus(p_known=p_known, attempts=attempts))
    kind, lesson_id = "practice", None
    if attempts == 0 and skill.lesson_ids:
        lesson = snapshot.lessons[skill.lesson_ids[0]]
        kind, lesson_id, item_id = "lesson", lesson.id, 0
        reason = f"{reason} Start with the lesson \u201c{lesson.title}\u201d."
    return RecommendationLog(
        learner_id=learner_id,
        course=course,
        kind=kind,
        skill_id=skill_id,
        item_id=item_id or None,
        lesson_id=lesson_id,
        reason=reason[:300],
        created_at=at - timedelta(seconds=1),  # the advice came just before the answer
    )


def recommendation_logs_seed(*, course: Course, learner_ids: Sequence[int]) -> int:
    """Write the logs of `learner_ids` in `course` from their mastery history; how many."""
    snapshot = course_snapshot(course)
    answers = (
        ItemResponse.objects.filter(learner_id__in=list(learner_ids), item__course=course)
        .filter(mastery_changes__isnull=False)
        .order_by("learner_id", "created_at", "id")
        .values_list("learner_id", "created_at", "item_id", "mastery_changes")
        .iterator(chunk_size=BATCH)
    )
    logs: list[RecommendationLog] = []
    written = 0
    last: tuple[int, int, datetime] | None = None  # learner, skill, when
    attempts: dict[tuple[int, int], int] = {}
    for learner_id, at, item_id, changes in answers:
        # An item of two skills: one advice per answer, for the first skill it moved.
        moved_skill = next(
            (step for step in mastery_steps(changes) if step.skill_id in snapshot.skills), None
        )
        if moved_skill is None:
            continue  # a repeat: no evidence, so no move to advise on
        skill_id, p_before = moved_skill.skill_id, moved_skill.before
        key = (learner_id, skill_id)
        moved = last is None or last[:2] != key or at - last[2] > SESSION_GAP
        if moved:
            logs.append(
                _log(
                    snapshot,
                    learner_id,
                    course,
                    skill_id,
                    item_id,
                    p_before,
                    attempts.get(key, 0),
                    at,
                )
            )
        attempts[key] = attempts.get(key, 0) + 1
        last = (learner_id, skill_id, at)
        if len(logs) >= BATCH:
            written += len(RecommendationLog.objects.bulk_create(logs))
            logs = []
    written += len(RecommendationLog.objects.bulk_create(logs))
    return written
