"""Classrooms as a teacher's home lists them: learners, courses and who is stuck, in three
queries for any number of classrooms."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet

from apps.accounts.models import Classroom, User
from apps.accounts.selectors import classroom_list_for
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_list_for
from apps.recommendations.models import SkillMastery


@dataclass(frozen=True)
class ClassroomCard:
    classroom: Classroom
    courses: list[Course]
    stuck_learners: int  # learners wheel-spinning on at least one skill of an assigned course


def classroom_cards(*, user: User) -> list[ClassroomCard]:
    classrooms = list(
        classroom_list_for(user=user)
        .prefetch_related(Prefetch("courses", queryset=Course.objects.order_by("title", "id")))
        .order_by("name", "id")
    )
    stuck = dict(
        SkillMastery.objects.filter(
            wheel_spinning=True,
            learner__enrollments__classroom__in=classrooms,
            course__classrooms=F("learner__enrollments__classroom"),
        )
        .values_list("learner__enrollments__classroom")
        .annotate(n=Count("learner", distinct=True))
        .order_by()
    )
    return [
        ClassroomCard(classroom, list(classroom.courses.all()), stuck.get(classroom.pk, 0))
        for classroom in classrooms
    ]


def assignable_courses(*, user: User, classroom: Classroom) -> QuerySet[Course]:
    """Courses the user may assign to the classroom and that it does not have yet."""
    return (
        course_list_for(user=user)
        .filter(status="published")
        .exclude(classrooms=classroom)
        .order_by("title", "id")
    )
