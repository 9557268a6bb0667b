import pytest

from apps.curriculum.models import Course
from tests.accounts.factories import ClassroomFactory, EnrollmentFactory
from tests.privacy.history import learner_history
from tests.recommendations.builders import chain_course


@pytest.fixture
def course(db) -> Course:
    return chain_course(slug="privacy", skills=2, items_per_skill=3, lessons=True)


@pytest.fixture
def classroom(teacher):  # type: ignore[no-untyped-def]
    return ClassroomFactory(owner=teacher, name="Year 7 maths")


@pytest.fixture
def enrolled(learner, classroom):  # type: ignore[no-untyped-def]
    return EnrollmentFactory(learner=learner, classroom=classroom)


@pytest.fixture
def with_history(learner, course):  # type: ignore[no-untyped-def]
    learner_history(learner=learner, course=course, answers=4)
    return learner
