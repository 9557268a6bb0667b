"""Reads for users and classrooms, each scoped to who is asking."""

from collections.abc import Iterable

from django.db.models import Count, Exists, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import AccessTokenDenylist, Classroom, Role, TeacherRequest, User
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


def access_token_is_revoked(*, jti: str) -> bool:
    return AccessTokenDenylist.objects.filter(jti=jti).exists()


def user_for_access_token(*, user_id: str | int, jti: str | None) -> tuple[User, bool] | None:
    """The token's user and whether the token was ended by a logout, in one query."""
    revoked = AccessTokenDenylist.objects.filter(jti=jti) if jti else None
    users = User.objects.filter(pk=user_id)
    if revoked is None:
        user = users.first()
        return None if user is None else (user, False)
    row = users.annotate(token_revoked=Exists(revoked)).first()
    return None if row is None else (row, bool(row.token_revoked))  # type: ignore[attr-defined]


def teacher_request_status(*, user: User) -> str | None:
    """The state of the user's latest request to become a teacher, or None if never asked."""
    return (
        TeacherRequest.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("status", flat=True)
        .first()
    )
