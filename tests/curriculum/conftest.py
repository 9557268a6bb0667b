import pytest

from apps.curriculum import services
from apps.curriculum.models import Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec
from tests.accounts.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    LearnerFactory,
)


def add_items(course, skill_slug: str, status: str = Status.PUBLISHED) -> None:
    """One item of each type on ``skill_slug``."""
    specs = {
        "sc": ItemSpec(
            type="single_choice",
            stem="Which is **half**?",
            skills=(skill_slug,),
            choices=(ChoiceSpec("a", "1/2", True), ChoiceSpec("b", "1/3", False)),
            hints=("Two equal parts.",),
            explanation="Half means 1 of 2 equal parts.",
        ),
        "mc": ItemSpec(
            type="multiple_choice",
            stem="Pick the halves",
            skills=(skill_slug,),
            choices=(
                ChoiceSpec("a", "2/4", True),
                ChoiceSpec("b", "3/6", True),
                ChoiceSpec("c", "2/3", False),
            ),
            explanation="2/4 = 3/6 = 1/2.",
        ),
        "num": ItemSpec(
            type="numeric",
            stem="`1/2 + 1/4` = ?",
            skills=(skill_slug,),
            numeric_answer=0.75,
            tolerance=0.0,
            explanation="2/4 + 1/4 = 3/4.",
        ),
        "txt": ItemSpec(
            type="short_text",
            stem="Simplify `6/8`",
            skills=(skill_slug,),
            accepted_answers=("3/4",),
            explanation="Divide by 2.",
        ),
    }
    for suffix, spec in specs.items():
        services.item_save(course=course, slug=f"{skill_slug}-{suffix}", spec=spec, status=status)


@pytest.fixture
def curriculum(db):
    """Courses seen differently by each role.

    ``assigned``: published, by ``author``, assigned to a class ``inside`` is enrolled in.
    ``draft``: by ``author``, unpublished. ``private``: published by another teacher, not
    assigned. ``public``: published and public. ``outside`` is a learner in no class.
    """
    enrollment = EnrollmentFactory()
    author = enrollment.classroom.owner
    other_teacher = ClassroomFactory().owner
    courses = {
        "assigned": services.course_create(
            author=author, slug="assigned", title="Assigned", status=Status.PUBLISHED
        ),
        "draft": services.course_create(author=author, slug="draft", title="Draft"),
        "private": services.course_create(
            author=other_teacher, slug="private", title="Private", status=Status.PUBLISHED
        ),
        "public": services.course_create(
            author=other_teacher,
            slug="public",
            title="Public",
            status=Status.PUBLISHED,
            is_public=True,
        ),
    }
    services.classroom_assign_course(classroom=enrollment.classroom, course=courses["assigned"])
    for course in courses.values():
        module = services.module_create(course=course, slug="basics", title="Basics")
        first = services.skill_create(course=course, slug="halves", name="Halves", module=module)
        services.skill_create(
            course=course, slug="quarters", name="Quarters", module=module, prerequisites=[first]
        )
        services.lesson_save(
            course=course,
            slug="intro",
            title="Intro",
            body="# Halves\n\n*Two* equal parts.",
            module=module,
            skills=["halves"],
        )
        services.lesson_save(
            course=course, slug="hidden", title="Hidden", body="Not yet.", status=Status.DRAFT
        )
        add_items(course, "halves")
        add_items(course, "quarters", status=Status.DRAFT)
    return {
        "courses": courses,
        "author": author,
        "other_teacher": other_teacher,
        "inside": enrollment.learner,
        "outside": LearnerFactory(),
        "admin": AdminFactory(),
        "classroom": enrollment.classroom,
    }
