"""Writes a checked, canonical course with bulk queries, upserting by slug.

Callers hold the transaction and have already validated everything: nothing here reports a
problem. Rendered HTML is produced exactly as the services produce it (a test holds them equal).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.exchange.assessment_models import assessment_item_model, assessment_model
from apps.curriculum.exchange.items import spec_from_item
from apps.curriculum.exchange.rendering import Renderer
from apps.curriculum.models import (
    Choice,
    Course,
    Item,
    ItemSkill,
    Lesson,
    Module,
    Skill,
    SkillPrerequisite,
    Status,
)
from apps.curriculum.services import course_touch

BATCH = 500
M = TypeVar("M", bound=Model)
ITEM_FIELDS = [
    "type",
    "stem",
    "stem_html",
    "hints",
    "hints_html",
    "explanation",
    "explanation_html",
    "numeric_answer",
    "tolerance",
    "accepted_answers",
    "irt_a",
    "irt_b",
    "irt_c",
    "status",
    "position",
    "updated_at",
]


@dataclass(frozen=True)
class Counts:
    modules: int = 0
    skills: int = 0
    prerequisites: int = 0
    lessons: int = 0
    items: int = 0
    choices: int = 0
    assessments: int = 0


@dataclass(frozen=True)
class ItemsWritten:
    by_slug: dict[str, Item]
    choices: int
    deleted: int
    archived: int


def _upsert(
    model: type[M],
    course: Course,
    existing: Mapping[str, M],
    rows: Iterable[dict[str, Any]],
    assign: Callable[[M, dict[str, Any], int], None],
    fields: list[str],
) -> dict[str, M]:
    created: list[M] = []
    updated: list[M] = []
    by_slug: dict[str, M] = {}
    for position, row in enumerate(rows):
        obj = existing.get(row["slug"])
        if obj is None:
            obj = model(course=course, slug=row["slug"])
            created.append(obj)
        else:
            updated.append(obj)
        assign(obj, row, position)
        by_slug[row["slug"]] = obj
    model._default_manager.bulk_create(created, batch_size=BATCH)
    if updated:
        model._default_manager.bulk_update(updated, fields, batch_size=BATCH)
    return by_slug


def _stale_ids(existing: Mapping[str, Model], kept: Mapping[str, Model]) -> list[int]:
    return [obj.pk for slug, obj in existing.items() if slug not in kept]


def render_item(item: Item, renderer: Renderer) -> None:
    """As ``services.item_save`` renders (``_render_item``)."""
    item.stem_html = renderer.block(item.stem)
    item.explanation_html = renderer.block(item.explanation)
    item.hints_html = [renderer.inline(hint) for hint in item.hints]


def write_items(
    *,
    course: Course,
    rows: list[dict[str, Any]],
    skills: Mapping[str, Skill],
    existing: Mapping[str, Item],
    remove_missing: bool,
    first_position: int = 0,
    now: datetime,
    renderer: Renderer,
) -> ItemsWritten:
    """Upsert items by slug. With ``remove_missing``, existing items absent from ``rows`` are
    archived when learners have answered them (the response log must keep pointing at them),
    and deleted otherwise."""

    def assign(item: Item, row: dict[str, Any], index: int) -> None:
        spec = spec_from_item(row)
        item.type, item.stem, item.status = spec.type, spec.stem, row["status"]
        item.hints, item.explanation = list(spec.hints), spec.explanation
        item.numeric_answer, item.tolerance = spec.numeric_answer, spec.tolerance
        item.accepted_answers = list(spec.accepted_answers)
        item.irt_a, item.irt_b, item.irt_c = spec.irt_a, spec.irt_b, spec.irt_c
        item.position, item.updated_at = first_position + index, now
        render_item(item, renderer)

    deleted = archived = 0
    if remove_missing and existing:
        in_file = {row["slug"] for row in rows}
        stale = [item.pk for slug, item in existing.items() if slug not in in_file]
        answered = set(course.items.filter(responses__isnull=False).values_list("pk", flat=True))
        keep = [pk for pk in stale if pk in answered]
        archived = (
            Item.objects.filter(pk__in=keep)
            .exclude(status=Status.ARCHIVED)
            .update(status=Status.ARCHIVED, updated_at=now)
        )
        deleted = _delete(Item, [pk for pk in stale if pk not in answered])
    by_slug = _upsert(Item, course, existing, rows, assign, ITEM_FIELDS)
    rewritten = [by_slug[slug].pk for slug in by_slug if slug in existing]
    if rewritten:
        Choice.objects.filter(item_id__in=rewritten).delete()
        ItemSkill.objects.filter(item_id__in=rewritten).delete()
    choices = [
        Choice(
            item=by_slug[row["slug"]],
            key=choice.key,
            text=choice.text,
            text_html=renderer.inline(choice.text),
            is_correct=choice.correct,
            position=position,
        )
        for row in rows
        for position, choice in enumerate(spec_from_item(row).choices)
    ]
    Choice.objects.bulk_create(choices, batch_size=BATCH)
    ItemSkill.objects.bulk_create(
        (
            ItemSkill(item=by_slug[row["slug"]], skill=skills[s])
            for row in rows
            for s in row["skills"]
        ),
        batch_size=BATCH,
    )
    return ItemsWritten(by_slug, len(choices), deleted, archived)


def _existing(queryset: Iterable[M]) -> dict[str, M]:
    return {obj.slug: obj for obj in queryset}  # type: ignore[attr-defined]


def _write_course_row(
    data: dict[str, Any], course: Course | None, author: User | None, publish: bool
) -> Course:
    # Who sees the course is the importer's decision, not the file's: unless they say
    # ``publish``, a new course is a private draft and an existing one keeps its status and
    # visibility (a file could otherwise put every answer in front of every learner at once).
    keys = ["title", "description", "language"]
    if publish:
        keys += ["status", "is_public"]
    fields = {key: data[key] for key in keys}
    if course is None:
        if not publish:
            fields |= {"status": Status.DRAFT, "is_public": False}
        return Course.objects.create(slug=data["slug"], created_by=author, **fields)
    for name, value in fields.items():
        setattr(course, name, value)
    course.save(update_fields=[*fields, "updated_at"])
    return course


@dataclass(frozen=True)
class CourseWritten:
    course: Course
    created: bool
    written: Counts
    removed: Counts
    archived_items: int


def _delete(model: type[Model], ids: list[int]) -> int:
    if not ids:
        return 0
    return model._default_manager.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)


def _loaded(course: Course, created: bool, model: type[M], *fields: str) -> dict[str, M]:
    # Only slugs and keys are read back: every other field is overwritten from the file.
    if created:
        return {}
    queryset = model._default_manager.filter(course=course).only("id", "slug", *fields)
    return _existing(queryset)


@dataclass(frozen=True)
class Structure:
    skills: dict[str, Skill]
    # Deleted last: until skills and lessons are reassigned they may still point at them.
    stale_module_ids: list[int]
    written: Counts
    removed: Counts


def _assign(obj: Model, **values: Any) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


def _write_structure(
    course: Course, data: dict[str, Any], created: bool, now: datetime, renderer: Renderer
) -> Structure:
    """Modules, skills and their prerequisite edges, lessons and their skills."""
    old_modules = _loaded(course, created, Module)
    modules = _upsert(
        Module,
        course,
        old_modules,
        data["modules"],
        lambda m, row, i: _assign(
            m, title=row["title"], description=row["description"], position=i
        ),
        ["title", "description", "position"],
    )
    old_skills = _loaded(course, created, Skill)
    skills = _upsert(
        Skill,
        course,
        old_skills,
        data["skills"],
        lambda s, row, i: _assign(
            s,
            name=row["name"],
            description=row["description"],
            module=modules[row["module"]] if row["module"] else None,
            position=i,
        ),
        ["name", "description", "module", "position"],
    )
    removed_skills = _delete(Skill, _stale_ids(old_skills, skills))
    if not created:
        SkillPrerequisite.objects.filter(skill__course=course).delete()
    edges = SkillPrerequisite.objects.bulk_create(
        (
            SkillPrerequisite(skill=skills[row["slug"]], prerequisite=skills[slug])
            for row in data["skills"]
            for slug in row["prerequisites"]
        ),
        batch_size=BATCH,
    )
    old_lessons = _loaded(course, created, Lesson)
    lessons = _upsert(
        Lesson,
        course,
        old_lessons,
        data["lessons"],
        lambda lesson, row, i: _assign(
            lesson,
            title=row["title"],
            module=modules[row["module"]] if row["module"] else None,
            body=row["body"],
            body_html=renderer.block(row["body"]),
            status=row["status"],
            position=i,
            updated_at=now,
        ),
        ["title", "module", "body", "body_html", "status", "position", "updated_at"],
    )
    removed_lessons = _delete(Lesson, _stale_ids(old_lessons, lessons))
    lesson_skill = Lesson.skills.through
    if not created:
        lesson_skill.objects.filter(lesson__course=course).delete()
    lesson_skill.objects.bulk_create(
        (
            lesson_skill(lesson=lessons[row["slug"]], skill=skills[slug])
            for row in data["lessons"]
            for slug in row["skills"]
        ),
        batch_size=BATCH,
    )
    return Structure(
        skills=skills,
        stale_module_ids=_stale_ids(old_modules, modules),
        written=Counts(
            modules=len(modules),
            skills=len(skills),
            prerequisites=len(edges),
            lessons=len(lessons),
        ),
        removed=Counts(skills=removed_skills, lessons=removed_lessons),
    )


def _write_assessments(
    course: Course, rows: list[dict[str, Any]], items: Mapping[str, Item], created: bool
) -> tuple[int, int]:
    assessment, assessment_item = assessment_model(), assessment_item_model()
    old = _loaded(course, created, assessment)
    by_slug = _upsert(
        assessment,
        course,
        old,
        rows,
        lambda a, row, i: _assign(
            a,
            title=row["title"],
            kind=row["kind"],
            max_items=row["max_items"],
            target_standard_error=row["target_standard_error"],
        ),
        ["title", "kind", "max_items", "target_standard_error"],
    )
    removed = _delete(assessment, _stale_ids(old, by_slug))
    if not created:
        assessment_item._default_manager.filter(assessment__course=course).delete()
    assessment_item._default_manager.bulk_create(
        (
            assessment_item(assessment=by_slug[row["slug"]], item=items[slug], position=position)
            for row in rows
            for position, slug in enumerate(row["items"])
        ),
        batch_size=BATCH,
    )
    return len(by_slug), removed


def write_course(
    *, data: dict[str, Any], course: Course | None, author: User | None, publish: bool = False
) -> CourseWritten:
    """Create the course (``course`` None) or make the stored one match ``data`` exactly
    (its status and visibility only with ``publish``)."""
    created = course is None
    now = timezone.now()
    course = _write_course_row(data, course, author, publish)
    renderer = Renderer()
    structure = _write_structure(course, data, created, now, renderer)
    items = write_items(
        course=course,
        rows=data["items"],
        skills=structure.skills,
        existing=_loaded(course, created, Item),
        remove_missing=True,
        now=now,
        renderer=renderer,
    )
    n_assessments, removed_assessments = _write_assessments(
        course, data["assessments"], items.by_slug, created
    )
    removed_modules = _delete(Module, structure.stale_module_ids)
    if not created:
        course_touch(course=course)
    return CourseWritten(
        course=course,
        created=created,
        written=replace(
            structure.written,
            items=len(items.by_slug),
            choices=items.choices,
            assessments=n_assessments,
        ),
        removed=replace(
            structure.removed,
            modules=removed_modules,
            items=items.deleted,
            assessments=removed_assessments,
        ),
        archived_items=items.archived,
    )
