"""What the practice page shows: the recommended activity, and the answer as the form sent it."""

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from apps.accounts.models import User
from apps.curriculum.models import Course, Lesson
from apps.curriculum.selectors import lesson_get_for
from apps.recommendations.activity import activity_view
from apps.recommendations.results import SkillRef
from apps.recommendations.selectors import practice_next
from apps.recommendations.snapshot import course_snapshot
from apps.web.answer_review import AnswerReview, answer_review


@dataclass(frozen=True)
class Activity:
    kind: str  # practice, review, lesson or complete
    reason: str
    skill: SkillRef | None
    item: dict[str, Any] | None  # what a learner may see of the question
    lesson: Lesson | None


def practice_activity(*, learner: User, course: Course) -> Activity:
    """The next activity: the pending item until it is answered or skipped
    (``recommendations.pending``), so a reload shows the same question and a learner cannot
    swap a hard one away by reloading or by choosing another in the address bar."""
    snapshot, recommendation = practice_next(learner=learner, course=course)
    activity = activity_view(snapshot, recommendation)
    lesson = None
    if activity.lesson:
        lesson = lesson_get_for(user=learner, course=course, slug=activity.lesson.slug)
    return Activity(
        kind=activity.kind,
        reason=activity.reason,
        skill=activity.skill,
        item=activity.item,
        lesson=lesson,
    )


def feedback_review(*, course: Course, item: dict[str, Any], body: dict[str, Any]) -> AnswerReview:
    """The question just answered, with the learner's answer marked against the right one."""
    node = course_snapshot(course).items[item["id"]]
    return answer_review(item=item, key=node.key, answer=body["answer"], correct=body["correct"])


def item_view(*, course: Course, item_id: int) -> dict[str, Any] | None:
    """The learner's view of a published item of the course, or None."""
    node = course_snapshot(course).items.get(item_id)
    return node.learner_view if node else None


def answer_from(data: QueryDict, item: dict[str, Any]) -> str | list[str]:
    """The answer in the shape ``answer_submit`` grades: a list of keys for multiple choice,
    a string otherwise (empty when nothing was given; grading says what is missing)."""
    if item["type"] == "multiple_choice":
        return data.getlist("answer")
    return data.get("answer", "").strip()
