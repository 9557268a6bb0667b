"""Writes for attempts. Answers themselves are recorded by the adaptive loop's answer service."""

from apps.accounts.models import User
from apps.assessments.models import Assessment, Attempt, AttemptStatus


def attempt_resume_or_start(*, learner: User, assessment: Assessment) -> tuple[Attempt, bool]:
    """The learner's open attempt at ``assessment``, or a new one; True when it was created.

    Callers hold the learner's lock for the course (``lock_ability``), so two taps on "start"
    cannot open two attempts.
    """
    attempt = Attempt.objects.filter(
        learner=learner, assessment=assessment, status=AttemptStatus.IN_PROGRESS
    ).first()
    if attempt is not None:
        return attempt, False
    return Attempt.objects.create(learner=learner, assessment=assessment), True
