"""Reads for users and classrooms, each scoped to who is asking."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import Classroom, Role, User
from apps.core.metrics import GaugeSample


def classroom_list_for(*, user: User) -> QuerySet[Classroom]:
    """Admins see every classroom, teachers their own, learners those they are enrolled in."""
    # GROUP BY drops Meta.ordering, so order explicitly (stable pagination).
    classrooms = (
        Classroom.objects.select_related("owner")
        .annotate(learner_count=Count("enrollments", distinct=True))
        .order_by("name", "id")
    )
    if user.is_admin_role:
        return classrooms
    if user.is_teacher:
        return classrooms.filter(owner=user)
    return classrooms.filter(enrollments__learner=user)


def classroom_get_for(*, user: User, pk: int) -> Classroom:
    return get_object_or_404(classroom_list_for(user=user), pk=pk)


def classroom_managed_by(*, user: User, pk: int) -> Classroom:
    """A classroom the user may change: the owner's, or any for an admin (404 otherwise)."""
    classrooms = classroom_list_for(user=user)
    if not user.is_admin_role:
        classrooms = classrooms.filter(owner=user)
    return get_object_or_404(classrooms, pk=pk)


def classroom_learners(*, classroom: Classroom) -> QuerySet[User]:
    return User.objects.filter(enrollments__classroom=classroom).order_by("username")


def user_count_gauges() -> Iterable[GaugeSample]:
    counts = dict(
        User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")).order_by()
    )
    for role in Role.values:
        yield GaugeSample(
            "adaptive_users", "Active user accounts by role.", {"role": role}, counts.get(role, 0)
        )
