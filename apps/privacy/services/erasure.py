"""Erasing a learner: what is deleted, what is kept anonymised, and why the learner model
stays consistent.

Deleted: enrolments (each recorded as a departure first), mastery rows, abilities, lessons
read, the recommendation log, attempts (placement results included). Answers: kept with the
account row emptied (``"anonymise"``, the default) so item statistics and the nightly refit keep
their evidence, but without what each carried about the learner (mastery history, stored
feedback, the recommendation that followed), or deleted (``"remove"``), per
``settings.PRIVACY_ERASURE_RESPONSES``. The account row itself stays as an empty, inactive
tombstone (``erased-<id>``): the audit log and the kept answers point at it, and no other
app's foreign key to users has to cope with a deleted row.

The nightly recalculation reads the response log only (``recalculation.log``): a removed answer
is simply absent, and course parameters fitted earlier stay valid. With answers kept, a later
rebuild may write mastery rows for the tombstone again; they derive from anonymised answers
only and are shown to nobody (the tombstone is in no classroom and cannot sign in).
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.accounts.models import Enrollment, Role, User
from apps.assessments.models import Attempt, ItemResponse
from apps.core.exceptions import ApplicationError, Conflict, Forbidden
from apps.privacy.models import (
    AuditAction,
    AuditOutcome,
    ClassroomDeparture,
    DeletionRequest,
    DeletionStatus,
    DepartureReason,
)
from apps.privacy.services.audit import audit_record
from apps.privacy.services.departures import classroom_departure_record
from apps.privacy.services.export import may_act_for
from apps.recommendations.models import (
    LearnerAbility,
    LessonView,
    RecommendationLog,
    SkillMastery,
)

ERASED_PREFIX = "erased-"
ERASED_LABEL = "An erased learner"
RESPONSE_POLICIES = ("anonymise", "remove")


@dataclass(frozen=True, slots=True)
class ErasureResult:
    learner_id: int
    responses_policy: str
    responses_kept: int
    responses_removed: int
    masteries_removed: int
    classrooms_left: int


def is_erased(user: User) -> bool:
    return not user.is_active and user.username == f"{ERASED_PREFIX}{user.pk}"


def responses_policy() -> str:
    policy = settings.PRIVACY_ERASURE_RESPONSES
    if policy not in RESPONSE_POLICIES:  # a typo must not silently keep (or drop) answers
        raise ApplicationError(f"PRIVACY_ERASURE_RESPONSES must be one of {RESPONSE_POLICIES}.")
    return policy


def _check(learner: User, actor: User | None) -> None:
    if actor is not None and not may_act_for(actor=actor, learner=learner):
        raise Forbidden("Only the learner or an admin may erase a learner.")
    if learner.role != Role.LEARNER or learner.is_staff or learner.is_superuser:
        raise ApplicationError(
            "Only learner accounts are erased here; change the account's role first.",
            fields={"learner": ["This account is not a learner account."]},
        )
    if is_erased(learner):
        raise Conflict("This learner has already been erased.")


def _leave_classrooms(learner: User) -> int:
    enrollments = list(Enrollment.objects.filter(learner=learner).select_related("learner"))
    for enrollment in enrollments:
        classroom_departure_record(enrollment=enrollment, reason=DepartureReason.ERASED)
    # The teacher keeps the date, not the name: every departure of this learner is scrubbed.
    ClassroomDeparture.objects.filter(learner=learner).update(
        learner=None, learner_label=ERASED_LABEL
    )
    Enrollment.objects.filter(learner=learner).delete()
    return len(enrollments)


def _forget_sign_ins(username: str) -> None:
    # The login lockout (django-axes) logs usernames with addresses and browsers.
    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=username).delete()


def _empty_account(learner: User) -> None:
    _forget_sign_ins(learner.username)
    learner.username = f"{ERASED_PREFIX}{learner.pk}"
    learner.email = ""
    learner.first_name = ""
    learner.last_name = ""
    learner.display_name = ""
    learner.is_active = False
    learner.last_login = None
    learner.date_joined = timezone.now()
    learner.set_unusable_password()
    learner.save()
    learner.groups.clear()
    learner.user_permissions.clear()
    # Deactivation already ends sessions and access tokens; refresh tokens go on the blacklist.
    for token in OutstandingToken.objects.filter(user=learner):
        BlacklistedToken.objects.get_or_create(token=token)


def learner_erase(
    *,
    learner: User,
    actor: User | None,
    source: str,
    request: DeletionRequest | None = None,
) -> ErasureResult:
    """Erase ``learner`` (see the module docstring). ``actor`` None is the scheduled task
    carrying out the learner's own request. A refusal is logged too, outside the rolled-back
    transaction."""
    try:
        return _erase(learner=learner, actor=actor, source=source, request=request)
    except ApplicationError as error:
        audit_record(
            actor=actor,
            action=AuditAction.ERASURE,
            source=source,
            learner=learner,
            outcome=AuditOutcome.REFUSED,
            detail=error.message,
        )
        raise


@transaction.atomic
def _erase(
    *, learner: User, actor: User | None, source: str, request: DeletionRequest | None
) -> ErasureResult:
    learner = User.objects.select_for_update().get(pk=learner.pk)
    _check(learner, actor)
    if request is not None:
        # Locked like deletion_request_cancel does: a cancel that won the race is honoured.
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != DeletionStatus.PENDING:
            raise Conflict("The deletion request is no longer pending.")
    policy = responses_policy()
    # The answer path and the rebuild lock these rows first: an answer in flight finishes
    # before the erasure reads, or waits and then finds no account to answer for.
    list(LearnerAbility.objects.select_for_update().filter(learner=learner))
    left = _leave_classrooms(learner)
    masteries, _ = SkillMastery.objects.filter(learner=learner).delete()
    for model in (LearnerAbility, LessonView, RecommendationLog):
        model.objects.filter(learner=learner).delete()
    Attempt.objects.filter(learner=learner).delete()
    responses = ItemResponse.objects.filter(learner=learner)
    total = responses.count()
    if policy == "remove":
        responses.delete()
    else:
        # The answer itself is the evidence the refit needs; what the answer path derived from
        # it about this learner is their data and goes with the rest.
        responses.update(feedback=None, mastery_changes=None, next_activity=None)
    _empty_account(learner)
    if request is not None:
        request.status = DeletionStatus.COMPLETED
        request.completed_at = timezone.now()
        request.save(update_fields=["status", "completed_at"])
    DeletionRequest.objects.filter(learner=learner, status=DeletionStatus.PENDING).update(
        status=DeletionStatus.COMPLETED, completed_at=timezone.now()
    )
    kept = total if policy == "anonymise" else 0
    audit_record(
        actor=actor,
        action=AuditAction.ERASURE,
        source=source,
        learner=learner,
        outcome=AuditOutcome.SUCCEEDED,
        detail=f"answers {policy}d: {total}; {left} classrooms left",
    )
    return ErasureResult(
        learner_id=learner.pk,
        responses_policy=policy,
        responses_kept=kept,
        responses_removed=total - kept,
        masteries_removed=masteries,
        classrooms_left=left,
    )
