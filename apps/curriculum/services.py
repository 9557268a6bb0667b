"""Writes for authored content. Every change that alters what the adaptive loop sees bumps the
course's ``content_version``, which keys the cached course graph."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.text import slugify

from apps.accounts.models import Classroom, User
from apps.core.exceptions import ApplicationError, Forbidden, NotFound
from apps.curriculum.graph import cycle_if_added, describe_cycle
from apps.curriculum.markdown import render_inline, render_markdown
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
from apps.curriculum.validation import ChoiceSpec, ItemSpec, item_spec_errors

COURSE_FIELDS = {"title", "description", "language", "status", "is_public"}


def course_touch(*, course: Course) -> None:
    """Mark the course's content as changed (invalidates cached graphs keyed on the version)."""
    Course.objects.filter(pk=course.pk).update(content_version=F("content_version") + 1)
    course.refresh_from_db(fields=["content_version"])


def _check_slug(slug: str, field: str = "slug") -> str:
    cleaned = slug.strip()
    if not cleaned or slugify(cleaned) != cleaned:
        raise ApplicationError(
            "Invalid slug.",
            fields={field: [f"{slug!r} is not a slug (lowercase letters, digits, hyphens)."]},
        )
    return cleaned


def course_create(*, author: User | None, slug: str, title: str, **fields: Any) -> Course:
    slug = _check_slug(slug)
    if Course.objects.filter(slug=slug).exists():
        raise ApplicationError(
            "Slug taken.", fields={"slug": [f"A course with slug {slug!r} exists."]}
        )
    if not title.strip():
        raise ApplicationError("Missing title.", fields={"title": ["This field may not be blank."]})
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise ApplicationError(
            "Unknown fields.", fields={name: ["Unknown field."] for name in unknown}
        )
    return Course.objects.create(slug=slug, title=title.strip(), created_by=author, **fields)


def course_author_add(*, course: Course, by: User, username: str) -> User:
    """Make the teacher ``username`` a co-author of ``course`` (its creator or an admin asks)."""
    if not (by.is_admin_role or course.created_by_id == by.pk):
        raise Forbidden("Only the course's creator or an admin may choose its authors.")
    teacher = User.objects.filter(username__iexact=username.strip()).first()
    if teacher is None or not teacher.is_teacher:
        # Approved teachers only: the answer keys must not go to a learner or a pending request.
        raise ApplicationError(
            "Unknown teacher.",
            fields={"username": [f"No approved teacher account {username!r}."]},
        )
    if teacher.pk != course.created_by_id:
        course.authors.add(teacher)
    return teacher


def course_author_remove(*, course: Course, by: User, username: str) -> None:
    if not (by.is_admin_role or course.created_by_id == by.pk):
        raise Forbidden("Only the course's creator or an admin may choose its authors.")
    removed, _ = Course.authors.through.objects.filter(
        course=course, user__username__iexact=username
    ).delete()
    if not removed:
        raise NotFound(f"{username!r} is not a co-author of this course.")


def course_update(*, course: Course, **fields: Any) -> Course:
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise ApplicationError(
            "Unknown fields.", fields={name: ["Unknown field."] for name in unknown}
        )
    for name, value in fields.items():
        setattr(course, name, value)
    if fields:
        course.save(update_fields=[*fields, "updated_at"])
    return course


def course_set_status(*, courses: Iterable[Course], status: str) -> int:
    ids = [course.pk for course in courses]
    return Course.objects.filter(pk__in=ids).update(status=status)


def classroom_assign_course(*, classroom: Classroom, course: Course) -> None:
    course.classrooms.add(classroom)


def classroom_unassign_course(*, classroom: Classroom, course: Course) -> None:
    course.classrooms.remove(classroom)


def module_create(
    *, course: Course, slug: str, title: str, description: str = "", position: int | None = None
) -> Module:
    slug = _check_slug(slug)
    if course.modules.filter(slug=slug).exists():
        raise ApplicationError(
            "Slug taken.", fields={"slug": [f"Module {slug!r} exists in this course."]}
        )
    if position is None:
        position = course.modules.count()
    return Module.objects.create(
        course=course, slug=slug, title=title, description=description, position=position
    )


def _module_in_course(course: Course, module: Module | None) -> None:
    if module is not None and module.course_id != course.pk:
        raise ApplicationError(
            "Wrong course.", fields={"module": ["The module belongs to another course."]}
        )


@transaction.atomic
def skill_create(
    *,
    course: Course,
    slug: str,
    name: str,
    description: str = "",
    module: Module | None = None,
    position: int | None = None,
    prerequisites: Sequence[Skill] = (),
) -> Skill:
    slug = _check_slug(slug)
    _module_in_course(course, module)
    if course.skills.filter(slug=slug).exists():
        raise ApplicationError(
            "Slug taken.", fields={"slug": [f"Skill {slug!r} exists in this course."]}
        )
    if position is None:
        position = course.skills.count()
    skill = Skill.objects.create(
        course=course,
        slug=slug,
        name=name,
        description=description,
        module=module,
        position=position,
    )
    if prerequisites:
        skill_set_prerequisites(skill=skill, prerequisites=prerequisites)
    course_touch(course=course)
    return skill


def skill_update(*, skill: Skill, **fields: Any) -> Skill:
    allowed = {"name", "description", "module", "position"}
    if set(fields) - allowed:
        raise ApplicationError(
            "Unknown fields.", fields={n: ["Unknown field."] for n in set(fields) - allowed}
        )
    _module_in_course(skill.course, fields.get("module"))
    for name, value in fields.items():
        setattr(skill, name, value)
    skill.save(update_fields=list(fields))
    return skill


@transaction.atomic
def skill_edit(
    *, skill: Skill, prerequisites: Sequence[Skill] | None = None, **fields: Any
) -> Skill:
    """Change a skill's fields and, when given, replace its prerequisites: all or nothing."""
    skill_update(skill=skill, **fields)
    if prerequisites is not None:
        skill_set_prerequisites(skill=skill, prerequisites=prerequisites)
    return skill


def _course_edges(course_id: int, exclude_skill_id: int | None = None) -> list[tuple[int, int]]:
    links = SkillPrerequisite.objects.filter(skill__course_id=course_id)
    if exclude_skill_id is not None:
        links = links.exclude(skill_id=exclude_skill_id)
    return list(links.values_list("skill_id", "prerequisite_id"))


def _cycle_error(cycle: list[int]) -> ApplicationError:
    slugs = dict(Skill.objects.filter(pk__in=cycle).values_list("pk", "slug"))
    text = describe_cycle([slugs[pk] for pk in cycle])
    return ApplicationError(
        f"That prerequisite would create a cycle: {text}.",
        code="prerequisite_cycle",
        fields={"prerequisites": [f"Cycle: {text} (each skill requires the next)."]},
    )


@transaction.atomic
def skill_set_prerequisites(*, skill: Skill, prerequisites: Sequence[Skill]) -> Skill:
    """Replace the skill's prerequisites. Refuses other courses' skills and any cycle."""
    foreign = [p.slug for p in prerequisites if p.course_id != skill.course_id]
    if foreign:
        raise ApplicationError(
            "Prerequisites must be in the same course.",
            fields={"prerequisites": [f"Not in this course: {', '.join(foreign)}."]},
        )
    # Lock the course row so two editors cannot each add half of a cycle.
    Course.objects.select_for_update().filter(pk=skill.course_id).first()
    edges = _course_edges(skill.course_id, exclude_skill_id=skill.pk)
    for prerequisite in dict.fromkeys(prerequisites):
        cycle = cycle_if_added(edges, skill.pk, prerequisite.pk)
        if cycle is not None:
            raise _cycle_error(cycle)
        edges.append((skill.pk, prerequisite.pk))
    SkillPrerequisite.objects.filter(skill=skill).delete()
    SkillPrerequisite.objects.bulk_create(
        SkillPrerequisite(skill=skill, prerequisite=p) for p in dict.fromkeys(prerequisites)
    )
    course_touch(course=skill.course)
    return skill


def skill_add_prerequisite(*, skill: Skill, prerequisite: Skill) -> Skill:
    current = list(skill.prerequisites.all())
    return skill_set_prerequisites(skill=skill, prerequisites=[*current, prerequisite])


def _skills_by_slug(course: Course, slugs: Sequence[str], field: str = "skills") -> list[Skill]:
    found = {s.slug: s for s in course.skills.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ApplicationError(
            "Unknown skills.",
            fields={field: [f"No such skill in this course: {', '.join(missing)}."]},
        )
    return [found[slug] for slug in dict.fromkeys(slugs)]


@transaction.atomic
def lesson_save(
    *,
    course: Course,
    slug: str,
    title: str,
    body: str,
    module: Module | None = None,
    skills: Sequence[str] = (),
    position: int | None = None,
    status: str = Status.PUBLISHED,
    lesson: Lesson | None = None,
) -> Lesson:
    """Create a lesson, or update ``lesson``; renders and sanitises the Markdown body."""
    slug = _check_slug(slug)
    _module_in_course(course, module)
    if not title.strip() or not body.strip():
        blank = [name for name, value in (("title", title), ("body", body)) if not value.strip()]
        raise ApplicationError(
            "Missing text.", fields={name: ["This field may not be blank."] for name in blank}
        )
    clash = course.lessons.filter(slug=slug)
    if lesson is not None:
        clash = clash.exclude(pk=lesson.pk)
    if clash.exists():
        raise ApplicationError(
            "Slug taken.", fields={"slug": [f"Lesson {slug!r} exists in this course."]}
        )
    skill_rows = _skills_by_slug(course, skills)
    lesson = lesson or Lesson(course=course)
    lesson.slug, lesson.title, lesson.body, lesson.module, lesson.status = (
        slug,
        title,
        body,
        module,
        status,
    )
    lesson.body_html = render_markdown(body)
    lesson.position = (
        position if position is not None else (lesson.position or course.lessons.count())
    )
    lesson.save()
    lesson.skills.set(skill_rows)
    return lesson


def _render_item(item: Item) -> None:
    item.stem_html = render_markdown(item.stem)
    item.explanation_html = render_markdown(item.explanation)
    item.hints_html = [render_inline(hint) for hint in item.hints]


@transaction.atomic
def item_save(
    *,
    course: Course,
    slug: str,
    spec: ItemSpec,
    status: str = Status.DRAFT,
    position: int | None = None,
    item: Item | None = None,
) -> Item:
    """Create an item or update ``item`` from a validated spec (choices replaced wholesale)."""
    slug = _check_slug(slug)
    errors = item_spec_errors(spec)
    if not spec.skills:
        errors["skills"] = ["Tag the item with at least one skill."]
    if status not in Status.values:
        errors["status"] = [f"Unknown status {status!r}."]
    if errors:
        raise ApplicationError("The item is not valid.", fields=errors)
    taken = course.items.filter(slug=slug)
    if item is not None:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise ApplicationError(
            "Slug taken.", fields={"slug": [f"Item {slug!r} exists in this course."]}
        )
    skills = _skills_by_slug(course, spec.skills)
    item = item or Item(course=course)
    item.slug, item.type, item.stem, item.status = slug, spec.type, spec.stem, status
    item.hints, item.explanation = list(spec.hints), spec.explanation
    item.numeric_answer = spec.numeric_answer if spec.type == "numeric" else None
    item.tolerance = spec.tolerance if spec.type == "numeric" else 0.0
    item.accepted_answers = list(spec.accepted_answers) if spec.type == "short_text" else []
    item.irt_a, item.irt_b, item.irt_c = spec.irt_a, spec.irt_b, spec.irt_c
    item.position = position if position is not None else (item.position or course.items.count())
    _render_item(item)
    item.save()
    item.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(
            item=item,
            key=c.key.strip(),
            text=c.text,
            text_html=render_inline(c.text),
            is_correct=c.correct,
            position=i,
        )
        for i, c in enumerate(spec.choices)
    )
    ItemSkill.objects.filter(item=item).delete()
    ItemSkill.objects.bulk_create(ItemSkill(item=item, skill=s) for s in skills)
    course_touch(course=course)
    return item


def item_spec_from(item: Item) -> ItemSpec:
    """The spec of a stored item (for editing one field, export, and the admin)."""
    return ItemSpec(
        type=item.type,
        stem=item.stem,
        choices=tuple(ChoiceSpec(c.key, c.text, c.is_correct) for c in item.choices.all()),
        numeric_answer=item.numeric_answer,
        tolerance=item.tolerance,
        accepted_answers=tuple(item.accepted_answers),
        hints=tuple(item.hints),
        explanation=item.explanation,
        irt_a=item.irt_a,
        irt_b=item.irt_b,
        irt_c=item.irt_c,
        skills=tuple(s.slug for s in item.skills.all()),
    )


def items_set_status(*, items: QuerySet[Item], status: str) -> int:
    """Publish, unpublish or archive many items; publishing re-checks each answer key."""
    if status == Status.PUBLISHED:
        for item in items.prefetch_related("choices", "skills"):
            errors = item_spec_errors(item_spec_from(item))
            if errors:
                raise ApplicationError(f"Item {item.slug!r} cannot be published.", fields=errors)
    course_ids = set(items.values_list("course_id", flat=True))
    changed = items.update(status=status)
    Course.objects.filter(pk__in=course_ids).update(content_version=F("content_version") + 1)
    return changed
