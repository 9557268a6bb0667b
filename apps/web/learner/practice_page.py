"""What the practice page shows: the recommended activity, and the answer as the form sent it."""

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.html import strip_tags

from apps.accounts.models import User
from apps.curriculum.models import Course, Lesson
from apps.curriculum.selectors import lesson_get_for
from apps.recommendations.activity import activity_view
from apps.recommendations.results import SkillRef
from apps.recommendations.selectors import practice_next
from apps.recommendations.snapshot import course_snapshot
from apps.web.history_page import answer_text


@dataclass(frozen=True)
class Activity:
    kind: str  # practice, review, lesson or complete
    reason: str
    skill: SkillRef | None
    item: dict[str, Any] | None  # what a learner may see of the question
    lesson: Lesson | None


def practice_activity(*, learner: User, course: Course, item_id: int | None = None) -> Activity:
    """The next activity. ``item_id`` is the item the previous feedback announced: it is shown
    (instead of a fresh random pick among the best few) when it still practises the
    recommended skill, so 'what comes next' on the feedback is what comes next."""
    snapshot, recommendation = practice_next(learner=learner, course=course)
    activity = activity_view(snapshot, recommendation)
    item = activity.item
    announced = snapshot.items.get(item_id) if item_id is not None else None
    if (
        announced is not None
        and recommendation.kind != "lesson"
        and recommendation.skill_id in announced.skill_ids
    ):
        item = announced.learner_view
    lesson = None
    if activity.lesson:
        lesson = lesson_get_for(user=learner, course=course, slug=activity.lesson.slug)
    return Activity(
        kind=activity.kind,
        reason=activity.reason,
        skill=activity.skill,
        item=item,
        lesson=lesson,
    )


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


def answer_shown(item: dict[str, Any], answer: object) -> str:
    """The answer as the learner saw it: choice keys with their text, else as typed."""
    if item["type"] not in ("single_choice", "multiple_choice"):
        return answer_text(answer)
    texts = {c["key"]: strip_tags(c["text_html"]).strip() for c in item["choices"]}
    keys = answer if isinstance(answer, list) else [answer]
    return "; ".join(f"{key}. {texts.get(str(key), '')}".strip() for key in keys)
