"""Course to the exchange format. The output is canonical (every field present, lists in authored
order), so export -> import -> export gives the same JSON."""

from collections import defaultdict
from typing import Any

from apps.curriculum.exchange.assessment_models import assessment_item_model, assessment_model
from apps.curriculum.exchange.checks import canonical_course
from apps.curriculum.models import Choice, Course, ItemSkill, Lesson, SkillPrerequisite

FORMAT_NAME = "adaptive-learning-course"
FORMAT_VERSION = 1


def _grouped(pairs: Any) -> defaultdict[int, list[Any]]:
    grouped: defaultdict[int, list[Any]] = defaultdict(list)
    for owner, value in pairs:
        grouped[owner].append(value)
    return grouped


def export_items(course: Course) -> list[dict[str, Any]]:
    """Items in the file's shape; link tables are read in id order, which is authored order."""
    choices = _grouped(
        (c["item_id"], {"key": c["key"], "text": c["text"], "correct": c["is_correct"]})
        for c in Choice.objects.filter(item__course=course)
        .order_by("item_id", "position", "id")
        .values("item_id", "key", "text", "is_correct")
    )
    skills = _grouped(
        ItemSkill.objects.filter(item__course=course)
        .order_by("id")
        .values_list("item_id", "skill__slug")
    )
    items = []
    for row in course.items.order_by("position", "id").values():
        items.append(
            {
                "slug": row["slug"],
                "type": row["type"],
                "stem": row["stem"],
                "skills": skills[row["id"]],
                "choices": choices[row["id"]],
                "answer": row["numeric_answer"],
                "tolerance": row["tolerance"],
                "accepted_answers": row["accepted_answers"],
                "hints": row["hints"],
                "explanation": row["explanation"],
                "irt": {"a": row["irt_a"], "b": row["irt_b"], "c": row["irt_c"]},
                "status": row["status"],
            }
        )
    return items


def _skills(course: Course) -> list[dict[str, Any]]:
    prerequisites = _grouped(
        SkillPrerequisite.objects.filter(skill__course=course)
        .order_by("id")
        .values_list("skill_id", "prerequisite__slug")
    )
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "description": row["description"],
            "module": row["module__slug"],
            "prerequisites": prerequisites[row["id"]],
        }
        for row in course.skills.order_by("position", "id").values(
            "id", "slug", "name", "description", "module__slug"
        )
    ]


def _lessons(course: Course) -> list[dict[str, Any]]:
    skills = _grouped(
        Lesson.skills.through.objects.filter(lesson__course=course)
        .order_by("id")
        .values_list("lesson_id", "skill__slug")
    )
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "module": row["module__slug"],
            "skills": skills[row["id"]],
            "body": row["body"],
            "status": row["status"],
        }
        for row in course.lessons.order_by("position", "id").values(
            "id", "slug", "title", "module__slug", "body", "status"
        )
    ]


def _assessments(course: Course) -> list[dict[str, Any]]:
    items = _grouped(
        assessment_item_model()
        ._default_manager.filter(assessment__course=course)
        .order_by("assessment_id", "position", "id")
        .values_list("assessment_id", "item__slug")
    )
    return [
        {**row, "items": items[row.pop("id")]}
        for row in assessment_model()
        ._default_manager.filter(course=course)
        .order_by("id")
        .values("id", "slug", "title", "kind", "max_items", "target_standard_error")
    ]


def course_export(*, course: Course) -> dict[str, Any]:
    """The whole course as a format-v1 document (a dict ready for ``json.dumps``)."""
    raw = {
        "slug": course.slug,
        "title": course.title,
        "description": course.description,
        "language": course.language,
        "status": course.status,
        "is_public": course.is_public,
        "modules": list(
            course.modules.order_by("position", "id").values("slug", "title", "description")
        ),
        "skills": _skills(course),
        "lessons": _lessons(course),
        "items": export_items(course),
        "assessments": _assessments(course),
    }
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "course": canonical_course(raw)}
