"""The per-(learner, course) lock that serialises one learner's writes in one course."""

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.recommendations.models import LearnerAbility


def lock_ability(learner: User, course_id: int) -> LearnerAbility:
    """Take the per-(learner, course) lock; create the row on the learner's first answer."""
    ability = (
        LearnerAbility.objects.select_for_update()
        .filter(learner=learner, course_id=course_id)
        .first()
    )
    if ability is not None:
        return ability
    try:
        with transaction.atomic():
            return LearnerAbility.objects.create(learner=learner, course_id=course_id)
    except IntegrityError:  # a concurrent first answer created it: wait for its lock
        return LearnerAbility.objects.select_for_update().get(learner=learner, course_id=course_id)
