"""A recommendation of the policy as learners see it (``results.ActivityView``): the one
builder that the answer path, the practice API and the pages share."""

from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.policy import Recommendation
from apps.recommendations.results import ActivityView, LessonRef, SkillRef


def activity_view(snapshot: CourseSnapshot, recommendation: Recommendation) -> ActivityView:
    skill = snapshot.skills.get(recommendation.skill_id) if recommendation.skill_id else None
    lesson = snapshot.lessons.get(recommendation.lesson_id) if recommendation.lesson_id else None
    item = snapshot.items.get(recommendation.item_id) if recommendation.item_id else None
    return ActivityView(
        kind=recommendation.kind,
        reason=recommendation.reason,
        course=snapshot.slug,
        skill=SkillRef(skill.slug, skill.name) if skill else None,
        item=item.learner_view if item else None,
        lesson=LessonRef(lesson.slug, lesson.title) if lesson else None,
        expected_gain=round(recommendation.expected_gain, 4),
        p_correct=(
            round(recommendation.p_correct, 4) if recommendation.p_correct is not None else None
        ),
    )
