"""The factories make rows the services would accept (others build their tests on them)."""

import pytest

from apps.curriculum.exchange import course_export
from apps.curriculum.markdown import render_markdown
from apps.curriculum.services import item_spec_from
from apps.curriculum.validation import item_spec_errors

from .factories import (
    ChoiceFactory,
    CourseFactory,
    ItemFactory,
    LessonFactory,
    ModuleFactory,
    NumericItemFactory,
    ShortTextItemFactory,
    SkillFactory,
    SkillPrerequisiteFactory,
)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [ItemFactory, NumericItemFactory, ShortTextItemFactory])
def test_items_are_valid_and_rendered(factory):
    item = factory()
    assert item_spec_errors(item_spec_from(item)) == {}
    assert item.stem_html == render_markdown(item.stem)
    assert item.skills.get().course == item.course


@pytest.mark.django_db
def test_a_small_course_from_factories_exports():
    course = CourseFactory()
    module = ModuleFactory(course=course)
    first = SkillFactory(course=course, module=module)
    second = SkillFactory(course=course, module=module, prerequisites=[first])
    LessonFactory(course=course, module=module, skills=[first, second])
    ItemFactory(course=course, skills=[second], choices=[("x", "yes", True), ("y", "no", False)])
    exported = course_export(course=course)["course"]
    assert exported["skills"][1]["prerequisites"] == [first.slug]
    assert exported["lessons"][0]["skills"] == [first.slug, second.slug]
    assert [c["key"] for c in exported["items"][0]["choices"]] == ["x", "y"]


@pytest.mark.django_db
def test_edge_and_choice_factories():
    edge = SkillPrerequisiteFactory()
    assert edge.skill.course == edge.prerequisite.course
    choice = ChoiceFactory(text="*half*")
    assert choice.text_html == "<em>half</em>"
    assert choice.item.choices.count() == 1
