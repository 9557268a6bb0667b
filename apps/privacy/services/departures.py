"""Leaving a classroom, by the learner or by the teacher, recorded for the teacher's page.

The enrolment itself belongs to ``apps.accounts``; these wrap its ``classroom_remove_learner``
so every way out of a class (leave, remove, erasure) leaves the same trace.
"""

from django.db import transaction
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import Classroom, Enrollment, User
from apps.core.exceptions import Forbidden, NotFound
from apps.privacy.models import ClassroomDeparture, DepartureReason


def classroom_departure_record(
    *, enrollment: Enrollment, reason: str, removed_by: User | None = None
) -> ClassroomDeparture:
    return ClassroomDeparture.objects.create(
        classroom_id=enrollment.classroom_id,
        learner=enrollment.learner,
        learner_label=enrollment.learner.shown_name,
        reason=reason,
        removed_by=removed_by,
        joined_at=enrollment.joined_at,
        left_at=timezone.now(),
    )


def _enrollment_locked(classroom: Classroom, learner: User) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("learner")
        .filter(classroom=classroom, learner=learner)
        .first()
    )
    if enrollment is None:
        raise NotFound("That learner is not in this classroom.")
    return enrollment


@transaction.atomic
def classroom_leave(*, learner: User, classroom: Classroom) -> ClassroomDeparture:
    """The learner leaves a class they are in; the teacher sees them under "Left the class"."""
    enrollment = _enrollment_locked(classroom, learner)
    departure = classroom_departure_record(enrollment=enrollment, reason=DepartureReason.LEFT)
    account_services.classroom_remove_learner(classroom=classroom, learner=learner)
    return departure


@transaction.atomic
def classroom_learner_remove(
    *, classroom: Classroom, learner: User, removed_by: User
) -> ClassroomDeparture:
    """The classroom's teacher (or an admin) takes a learner out of it."""
    if not (removed_by.is_admin_role or classroom.owner_id == removed_by.pk):
        raise Forbidden("Only the classroom's teacher or an admin removes its learners.")
    enrollment = _enrollment_locked(classroom, learner)
    departure = classroom_departure_record(
        enrollment=enrollment, reason=DepartureReason.REMOVED, removed_by=removed_by
    )
    account_services.classroom_remove_learner(classroom=classroom, learner=learner)
    return departure
