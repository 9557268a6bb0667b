"""Factories for authored content. Rendered HTML is filled in the way the services render it, so
objects from these factories look like ones an author saved.

``ItemFactory`` makes a valid single-choice item with two choices (``b`` correct) tagged with a
skill of its course; use ``NumericItemFactory`` / ``ShortTextItemFactory`` for the other types,
or ``ItemFactory(choices=[...])`` / ``ItemFactory(skills=[...])`` to choose them.
"""

from collections.abc import Sequence
from typing import Any

import factory
from factory.django import DjangoModelFactory

from apps.curriculum.markdown import render_inline, render_markdown
from apps.curriculum.models import (
    Choice,
    Course,
    Item,
    ItemSkill,
    ItemType,
    Lesson,
    Module,
    Skill,
    SkillPrerequisite,
    Status,
)
from tests.accounts.factories import TeacherFactory

CHOICE = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)


class CourseFactory(DjangoModelFactory[Course]):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    description = "A course made by a factory."
    language = "en"
    status = Status.PUBLISHED
    is_public = True
    created_by = factory.SubFactory(TeacherFactory)


class ModuleFactory(DjangoModelFactory[Module]):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(int)


class SkillFactory(DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    module = None
    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"Skill {n}")
    description = "What the learner can do."
    position = factory.Sequence(int)

    @factory.post_generation
    def prerequisites(
        obj: Skill, create: bool, extracted: Sequence[Skill] | None, **_: Any
    ) -> None:
        # Edges are written directly (no cycle check): tests that need the check call the service.
        if create and extracted:
            SkillPrerequisite.objects.bulk_create(
                SkillPrerequisite(skill=obj, prerequisite=p) for p in extracted
            )


class SkillPrerequisiteFactory(DjangoModelFactory[SkillPrerequisite]):
    class Meta:
        model = SkillPrerequisite

    skill = factory.SubFactory(SkillFactory)
    prerequisite = factory.SubFactory(SkillFactory, course=factory.SelfAttribute("..skill.course"))


class LessonFactory(DjangoModelFactory[Lesson]):
    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "A **fraction** is part of a whole."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    position = factory.Sequence(int)
    status = Status.PUBLISHED

    @factory.post_generation
    def skills(obj: Lesson, create: bool, extracted: Sequence[Skill] | None, **_: Any) -> None:
        if create and extracted:
            # One by one: set() inserts in no particular order, and the link rows' ids are the
            # authored order an export keeps.
            for skill in extracted:
                obj.skills.add(skill)


class ItemFactory(DjangoModelFactory[Item]):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"item-{n}")
    type = ItemType.SINGLE_CHOICE
    stem = "What is `1/2 + 1/4`?"
    stem_html = factory.LazyAttribute(lambda o: render_markdown(o.stem))
    hints = factory.LazyFunction(lambda: ["Use a common denominator."])
    hints_html = factory.LazyAttribute(lambda o: [render_inline(h) for h in o.hints])
    explanation = "`1/2 = 2/4`, and `2/4 + 1/4 = 3/4`."
    explanation_html = factory.LazyAttribute(lambda o: render_markdown(o.explanation))
    status = Status.PUBLISHED
    position = factory.Sequence(int)

    @factory.post_generation
    def choices(obj: Item, create: bool, extracted: Sequence[tuple] | None, **_: Any) -> None:
        """``choices=[("a", "2/6", False), ("b", "3/4", True)]``; defaults for choice types."""
        if not create:
            return
        if extracted is None:
            extracted = [("a", "2/6", False), ("b", "3/4", True)] if obj.type in CHOICE else []
        Choice.objects.bulk_create(
            Choice(
                item=obj,
                key=key,
                text=text,
                text_html=render_inline(text),
                is_correct=correct,
                position=position,
            )
            for position, (key, text, correct) in enumerate(extracted)
        )

    @factory.post_generation
    def skills(obj: Item, create: bool, extracted: Sequence[Skill] | None, **_: Any) -> None:
        """Tagged with ``skills``, or with a new skill of the item's course."""
        if not create:
            return
        tagged = extracted if extracted is not None else [SkillFactory(course=obj.course)]
        ItemSkill.objects.bulk_create(ItemSkill(item=obj, skill=s) for s in tagged)


class NumericItemFactory(ItemFactory):
    type = ItemType.NUMERIC
    stem = "What is `0.5 + 0.25`? Give a decimal."
    numeric_answer = 0.75
    tolerance = 0.001


class ShortTextItemFactory(ItemFactory):
    type = ItemType.SHORT_TEXT
    stem = "Write `2/4` in its simplest form."
    accepted_answers = factory.LazyFunction(lambda: ["1/2"])


class ChoiceFactory(DjangoModelFactory[Choice]):
    class Meta:
        model = Choice

    item = factory.SubFactory(ItemFactory, choices=[])
    key = factory.Sequence(lambda n: f"k{n}")
    text = factory.Sequence(lambda n: f"Choice {n}")
    text_html = factory.LazyAttribute(lambda o: render_inline(o.text))
    is_correct = False
    position = factory.Sequence(int)
