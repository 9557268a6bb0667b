"""A learner's own deletion request: confirmed with their password, carried out after
``settings.PRIVACY_ERASURE_GRACE_DAYS`` by the hourly task (or at once when that is 0), and
cancellable until then."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError, Forbidden, NotFound
from apps.privacy.models import (
    AuditAction,
    AuditOutcome,
    AuditSource,
    DeletionRequest,
    DeletionStatus,
)
from apps.privacy.selectors import deletion_request_pending, deletion_requests_due
from apps.privacy.services.audit import audit_record
from apps.privacy.services.erasure import learner_erase

logger = logging.getLogger(__name__)
WRONG_PASSWORD = "That is not your password."  # noqa: S105  (a message, not a secret)


def _refuse(learner: User, source: str, message: str) -> None:
    audit_record(
        actor=learner,
        action=AuditAction.DELETION_REQUESTED,
        source=source,
        learner=learner,
        outcome=AuditOutcome.REFUSED,
        detail=message,
    )


def deletion_request_create(*, learner: User, password: str, source: str) -> DeletionRequest:
    """Record the learner's request (asking twice returns the pending one) and, with no grace
    period, erase at once. The password proves it is the learner, not an open session."""
    if not learner.is_learner:
        _refuse(learner, source, "not a learner account")
        raise Forbidden("Only learner accounts ask for deletion here; ask an administrator.")
    if not learner.check_password(password):
        _refuse(learner, source, "wrong password")
        raise ApplicationError(
            "The deletion request was not confirmed.", fields={"password": [WRONG_PASSWORD]}
        )
    request = deletion_request_pending(learner=learner) or _create(learner, source)
    if request.due_at <= timezone.now():
        learner_erase(learner=learner, actor=learner, source=source, request=request)
        request.refresh_from_db()
    return request


def _create(learner: User, source: str) -> DeletionRequest:
    now = timezone.now()
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                learner=learner,
                requested_at=now,
                due_at=now + timedelta(days=settings.PRIVACY_ERASURE_GRACE_DAYS),
            )
            audit_record(
                actor=learner,
                action=AuditAction.DELETION_REQUESTED,
                source=source,
                learner=learner,
                outcome=AuditOutcome.SUCCEEDED,
                detail=f"due {request.due_at:%Y-%m-%d %H:%M} UTC",
            )
    except IntegrityError:  # a second request raced this one: the constraint kept one
        pending = deletion_request_pending(learner=learner)
        assert pending is not None
        return pending
    return request


@transaction.atomic
def deletion_request_cancel(*, learner: User, source: str) -> DeletionRequest:
    request = (
        DeletionRequest.objects.select_for_update()
        .filter(learner=learner, status=DeletionStatus.PENDING)
        .first()
    )
    if request is None:
        raise NotFound("There is no pending deletion request to cancel.")
    request.status = DeletionStatus.CANCELLED
    request.save(update_fields=["status"])
    audit_record(
        actor=learner,
        action=AuditAction.DELETION_CANCELLED,
        source=source,
        learner=learner,
        outcome=AuditOutcome.SUCCEEDED,
    )
    return request


def deletion_requests_carry_out(*, now: datetime | None = None) -> int:
    """Erase every learner whose request is due; one transaction each, so one failure does not
    hold back the others (it stays pending, is logged, and is retried next hour)."""
    done = 0
    for request in deletion_requests_due(now=now or timezone.now()).select_related("learner"):
        try:
            learner_erase(
                learner=request.learner, actor=None, source=AuditSource.TASK, request=request
            )
        except ApplicationError:
            # Refused and logged by learner_erase (the account became a teacher's, or was
            # erased by an admin meanwhile): the request cannot be carried out as made.
            request.status = DeletionStatus.CANCELLED
            request.save(update_fields=["status"])
            continue
        except Exception:
            logger.exception("Erasure of learner %s failed", request.learner_id)
            audit_record(
                actor=None,
                action=AuditAction.ERASURE,
                source=AuditSource.TASK,
                learner=request.learner,
                outcome=AuditOutcome.FAILED,
            )
            continue
        done += 1
    return done
