"""The prerequisite graph: cycles refused with the cycle named, nothing written on refusal."""

import pytest

from apps.core.exceptions import ApplicationError
from apps.curriculum import services
from apps.curriculum.graph import cycle_if_added, find_cycle, topological_order
from apps.curriculum.models import Course, SkillPrerequisite
from tests.accounts.factories import TeacherFactory


def test_cycle_if_added_returns_the_path_it_would_close():
    edges = [("b", "a"), ("c", "b")]  # c requires b requires a
    assert cycle_if_added(edges, "a", "c") == ["a", "c", "b", "a"]
    assert cycle_if_added(edges, "d", "c") is None
    assert cycle_if_added(edges, "a", "a") == ["a", "a"]


def test_find_cycle_and_topological_order():
    nodes = ["a", "b", "c", "d"]
    assert find_cycle(nodes, [("b", "a"), ("c", "b"), ("d", "a")]) is None
    assert topological_order(nodes, [("b", "a"), ("c", "b"), ("d", "a")]) == ["a", "b", "c", "d"]
    assert topological_order(["c", "b", "a"], [("c", "b"), ("b", "a")]) == ["a", "b", "c"]
    assert find_cycle(nodes, [("b", "a"), ("a", "b")]) == ["a", "b", "a"]
    with pytest.raises(ValueError, match="cycle"):
        topological_order(nodes, [("b", "a"), ("a", "b")])


@pytest.fixture
def chain(db):
    """counting <- adding <- multiplying (each requires the one before)."""
    course = services.course_create(author=TeacherFactory(), slug="arith", title="Arithmetic")
    counting = services.skill_create(course=course, slug="counting", name="Counting")
    adding = services.skill_create(
        course=course, slug="adding", name="Adding", prerequisites=[counting]
    )
    multiplying = services.skill_create(
        course=course, slug="multiplying", name="Multiplying", prerequisites=[adding]
    )
    return course, counting, adding, multiplying


def test_an_edge_closing_a_cycle_is_refused_naming_the_cycle(chain):
    _, counting, _, multiplying = chain
    before = set(SkillPrerequisite.objects.values_list("skill__slug", "prerequisite__slug"))
    with pytest.raises(ApplicationError) as error:
        services.skill_add_prerequisite(skill=counting, prerequisite=multiplying)
    assert error.value.code == "prerequisite_cycle"
    assert "counting → multiplying → adding → counting" in error.value.message
    assert set(SkillPrerequisite.objects.values_list("skill__slug", "prerequisite__slug")) == before


def test_a_skill_cannot_require_itself(chain):
    _, counting, _, _ = chain
    with pytest.raises(ApplicationError, match="counting → counting"):
        services.skill_set_prerequisites(skill=counting, prerequisites=[counting])


def test_prerequisites_from_another_course_are_refused(chain):
    _, counting, _, _ = chain
    other = services.course_create(author=None, slug="other", title="Other")
    foreign = services.skill_create(course=other, slug="foreign", name="Foreign")
    with pytest.raises(ApplicationError) as error:
        services.skill_set_prerequisites(skill=counting, prerequisites=[foreign])
    assert "foreign" in error.value.fields["prerequisites"][0]


def test_setting_prerequisites_replaces_edges_and_bumps_the_content_version(chain):
    course, counting, adding, multiplying = chain
    version = Course.objects.get(pk=course.pk).content_version
    services.skill_set_prerequisites(skill=multiplying, prerequisites=[counting, adding])
    assert sorted(p.slug for p in multiplying.prerequisites.all()) == ["adding", "counting"]
    assert Course.objects.get(pk=course.pk).content_version == version + 1
