"""JSON-able shapes shared by the API, the pages and the stored answer receipts."""

from typing import Any

from apps.recommendations.policy import Recommendation
from apps.recommendations.snapshot import CourseSnapshot


def recommendation_payload(
    snapshot: CourseSnapshot, recommendation: Recommendation
) -> dict[str, Any]:
    skill = snapshot.skills.get(recommendation.skill_id) if recommendation.skill_id else None
    lesson = snapshot.lessons.get(recommendation.lesson_id) if recommendation.lesson_id else None
    item = snapshot.items.get(recommendation.item_id) if recommendation.item_id else None
    return {
        "kind": recommendation.kind,
        "reason": recommendation.reason,
        "course": snapshot.slug,
        "skill": {"slug": skill.slug, "name": skill.name} if skill else None,
        "item": item.learner_view if item else None,
        "lesson": {"slug": lesson.slug, "title": lesson.title} if lesson else None,
        "expected_gain": round(recommendation.expected_gain, 4),
    }
