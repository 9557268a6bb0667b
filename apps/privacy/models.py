"""Learners' data rights: deletion requests, the audit log of exports and erasures, and the
record of who left a classroom.

The audit and departure rows outlive the learner they are about: they keep the learner's id and
a label, and their foreign key to the user is nulled or pointed at the erased (anonymised) row,
so nothing here names a person after erasure (``services.erasure`` scrubs the labels).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.accounts.models import Classroom, User


class AuditAction(models.TextChoices):
    EXPORT = "export", "Data exported"
    DELETION_REQUESTED = "deletion_requested", "Deletion requested"
    DELETION_CANCELLED = "deletion_cancelled", "Deletion request cancelled"
    ERASURE = "erasure", "Learner erased"


class AuditOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class AuditSource(models.TextChoices):
    WEB = "web", "Learner, in the browser"
    API = "api", "Learner, through the API"
    ADMIN = "admin", "Django admin"
    TASK = "task", "Scheduled task"


def learner_label(learner_id: int) -> str:
    """How the log names a learner: never their name, so the entry survives erasure as is."""
    return f"learner #{learner_id}"


class PrivacyAuditEntry(models.Model):
    """Who did what to whose data, when, and how it ended. Written by the privacy services only;
    read-only in the admin."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=160, help_text="The actor's username then, or 'self' / 'system'."
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    source = models.CharField(max_length=16, choices=AuditSource.choices)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    learner_ref = models.PositiveBigIntegerField(
        db_index=True, help_text="The learner's user id, kept after erasure."
    )
    learner_label = models.CharField(max_length=160)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "privacy audit entry"
        verbose_name_plural = "privacy audit entries"

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_label}: {self.action} {self.learner_label}"


class DeletionStatus(models.TextChoices):
    PENDING = "pending", "Pending (grace period)"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class DeletionRequest(models.Model):
    """A learner's request to be erased. Carried out at ``due_at`` by the periodic task, or at
    once when the grace period is zero. At most one pending request per learner."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_requests"
    )
    status = models.CharField(
        max_length=16,
        choices=DeletionStatus.choices,
        default=DeletionStatus.PENDING,
        db_index=True,
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=models.Q(status="pending"),
                name="one_pending_deletion_request",
            )
        ]

    def __str__(self) -> str:
        return f"Deletion of {learner_label(self.learner_id)} ({self.status})"


class DepartureReason(models.TextChoices):
    LEFT = "left", "Left the class"
    REMOVED = "removed", "Removed by the teacher"
    ERASED = "erased", "Deleted their account"


class ClassroomDeparture(models.Model):
    """A learner who was in a classroom and no longer is, for the teacher's page."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="departures")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    learner_label = models.CharField(
        max_length=160, help_text="The name the teacher knew; scrubbed when the learner is erased."
    )
    reason = models.CharField(max_length=16, choices=DepartureReason.choices)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-left_at", "-id"]
        indexes = [models.Index(fields=["classroom", "left_at"])]

    def __str__(self) -> str:
        return f"{self.learner_label} {self.get_reason_display().lower()} {self.classroom}"


class LearnerAccount(User):
    """Learner accounts as the privacy admin lists them (export and erase actions)."""

    class Meta:
        proxy = True
        verbose_name = "learner (data rights)"
        verbose_name_plural = "learners (data rights)"
