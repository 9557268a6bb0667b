"""Checks a schema-valid course object cannot express: unique slugs, references, the prerequisite
DAG, answer keys. Also the canonical form (defaults filled in) that import writes from."""

from collections.abc import Collection
from typing import Any

from apps.curriculum.exchange.items import canonical_item, item_problems, slug_error
from apps.curriculum.exchange.problems import Problem
from apps.curriculum.exchange.schema import json_path
from apps.curriculum.graph import cycle_if_added, describe_cycle
from apps.curriculum.models import Status

KINDS = ("modules", "skills", "lessons", "items", "assessments")
SINGULAR = {
    "modules": "module",
    "skills": "skill",
    "lessons": "lesson",
    "items": "item",
    "assessments": "assessment",
}
DEFAULT_MAX_ITEMS = 20
DEFAULT_TARGET_SE = 0.35


def _path(*parts: str | int) -> str:
    return json_path(["course", *parts])


def _slug_problems(source: str, course: dict[str, Any]) -> list[Problem]:
    problems = []
    if (message := slug_error(course["slug"])) is not None:
        problems.append(Problem(source, _path("slug"), message))
    for kind in ("modules", "skills", "lessons", "assessments"):  # items: item_problems
        first_at: dict[str, int] = {}
        for index, entry in enumerate(course.get(kind, [])):
            slug = entry["slug"]
            if (message := slug_error(slug)) is not None:
                problems.append(Problem(source, _path(kind, index, "slug"), message))
            if slug in first_at:
                first = _path(kind, first_at[slug], "slug")
                problems.append(
                    Problem(
                        source,
                        _path(kind, index, "slug"),
                        f"Duplicate {SINGULAR[kind]} slug {slug!r} (first used at {first}).",
                    )
                )
            first_at.setdefault(slug, index)
    return problems


def _unknown(
    source: str, slugs: list[str], known: Collection[str], noun: str, *parts: str | int
) -> list[Problem]:
    return [
        Problem(source, _path(*parts, position), f"Unknown {noun} {slug!r}.")
        for position, slug in enumerate(slugs)
        if slug not in known
    ]


def _reference_problems(source: str, course: dict[str, Any]) -> list[Problem]:
    modules = {m["slug"] for m in course.get("modules", [])}
    skills = {s["slug"] for s in course.get("skills", [])}
    items = {i["slug"] for i in course.get("items", [])}
    problems = []
    for kind in ("skills", "lessons"):
        for index, entry in enumerate(course.get(kind, [])):
            module = entry.get("module")
            if module is not None and module not in modules:
                problems.append(
                    Problem(source, _path(kind, index, "module"), f"Unknown module {module!r}.")
                )
    for index, skill in enumerate(course.get("skills", [])):
        prerequisites = skill.get("prerequisites", [])
        problems += _unknown(
            source, prerequisites, skills, "skill", "skills", index, "prerequisites"
        )
    for index, lesson in enumerate(course.get("lessons", [])):
        problems += _unknown(
            source, lesson.get("skills", []), skills, "skill", "lessons", index, "skills"
        )
    for index, assessment in enumerate(course.get("assessments", [])):
        listed = assessment.get("items", [])
        problems += _unknown(source, listed, items, "item", "assessments", index, "items")
        if assessment["kind"] == "quiz" and not listed:
            problems.append(
                Problem(source, _path("assessments", index, "items"), "A quiz needs items.")
            )
    return problems


def _cycle_problems(source: str, course: dict[str, Any]) -> list[Problem]:
    """Every edge that closes a cycle, at the prerequisite entry that closes it."""
    skills = course.get("skills", [])
    known = {s["slug"] for s in skills}
    accepted: list[tuple[str, str]] = []
    problems = []
    for index, skill in enumerate(skills):
        for position, prerequisite in enumerate(skill.get("prerequisites", [])):
            if prerequisite not in known:
                continue
            cycle = cycle_if_added(accepted, skill["slug"], prerequisite)
            if cycle is None:
                accepted.append((skill["slug"], prerequisite))
                continue
            message = (
                "A skill cannot be its own prerequisite."
                if len(cycle) == 2
                else f"Prerequisite cycle: {describe_cycle(cycle)} (each skill requires the next)."
            )
            problems.append(
                Problem(source, _path("skills", index, "prerequisites", position), message)
            )
    return problems


def course_problems(source: str, course: dict[str, Any]) -> list[Problem]:
    skills = {s["slug"] for s in course.get("skills", [])}

    def locate(index: int, field: str, position: int | None) -> str:
        parts: list[str | int] = ["items", index, *field.split(".")]
        return _path(*parts, *([] if position is None else [position]))

    return [
        *_slug_problems(source, course),
        *_reference_problems(source, course),
        *_cycle_problems(source, course),
        *item_problems(course.get("items", []), skills, locate, source),
    ]


def canonical_course(course: dict[str, Any]) -> dict[str, Any]:
    """The course with every default filled in: exactly what ``course_export`` writes."""
    return {
        "slug": course["slug"],
        "title": course["title"],
        "description": course.get("description", ""),
        "language": course.get("language", "en"),
        "status": course.get("status", Status.DRAFT),
        "is_public": course.get("is_public", False),
        "modules": [
            {"slug": m["slug"], "title": m["title"], "description": m.get("description", "")}
            for m in course.get("modules", [])
        ],
        "skills": [
            {
                "slug": s["slug"],
                "name": s["name"],
                "description": s.get("description", ""),
                "module": s.get("module"),
                "prerequisites": list(s.get("prerequisites", [])),
            }
            for s in course.get("skills", [])
        ],
        "lessons": [
            {
                "slug": lesson["slug"],
                "title": lesson["title"],
                "module": lesson.get("module"),
                "skills": list(lesson.get("skills", [])),
                "body": lesson["body"],
                "status": lesson.get("status", Status.PUBLISHED),
            }
            for lesson in course.get("lessons", [])
        ],
        "items": [canonical_item(item) for item in course.get("items", [])],
        "assessments": [
            {
                "slug": a["slug"],
                "title": a["title"],
                "kind": a["kind"],
                "items": list(a.get("items", [])),
                "max_items": int(a.get("max_items", DEFAULT_MAX_ITEMS)),
                "target_standard_error": float(a.get("target_standard_error", DEFAULT_TARGET_SE)),
            }
            for a in course.get("assessments", [])
        ],
    }
