"""Reads for data rights: everything stored about one learner, and what the pages list.

``learner_data_export`` runs one query per kind of record whatever the learner's history, so
an export of 10,000 answers costs what an export of ten does (tests/privacy pin the count).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Classroom, Enrollment, User
from apps.assessments.models import AssessmentKind, Attempt, ItemResponse
from apps.privacy.models import (
    ClassroomDeparture,
    DeletionRequest,
    DeletionStatus,
)
from apps.recommendations.history import MasteryMove, mastery_moves
from apps.recommendations.models import LearnerAbility, LessonView, SkillMastery
from apps.recommendations.recommendation_history import (
    RecommendationShown,
    recommendation_history,
    recommendations_count,
)

EXPORT_FORMAT = "adaptive-learning.learner-data"
EXPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class LearnerDataExport:
    """One learner's data, as ``document.LearnerDataExportSerializer`` renders it."""

    exported_at: datetime
    profile: User
    enrolments: list[Enrollment]
    answers: list[ItemResponse]
    attempts: list[Attempt]
    placements: list[Attempt]
    mastery: list[SkillMastery]
    mastery_changes: list[MasteryMove]
    abilities: list[LearnerAbility]
    recommendations: list[RecommendationShown]  # the log's and those the answers carry
    lessons_read: list[LessonView]
    deletion_requests: list[DeletionRequest]
    format: str = EXPORT_FORMAT
    version: int = EXPORT_VERSION


def learner_data_export(*, learner: User) -> LearnerDataExport:
    attempts = list(
        Attempt.objects.filter(learner=learner)
        .select_related("assessment__course")
        .order_by("started_at", "id")
    )
    answers = list(
        ItemResponse.objects.filter(learner=learner)
        .select_related("item__course")
        # The stored feedback is a copy of what the answers and mastery sections hold.
        .defer("feedback")
        .order_by("created_at", "id")
    )
    moves = mastery_moves(answers)
    return LearnerDataExport(
        exported_at=timezone.now(),
        profile=learner,
        enrolments=list(
            Enrollment.objects.filter(learner=learner)
            .select_related("classroom__owner")
            .order_by("joined_at", "id")
        ),
        answers=answers,
        attempts=attempts,
        placements=[a for a in attempts if a.assessment.kind == AssessmentKind.DIAGNOSTIC],
        mastery=list(
            SkillMastery.objects.filter(learner=learner)
            .select_related("skill", "course")
            .order_by("course_id", "skill_id")
        ),
        mastery_changes=[move for answer in answers for move in moves[answer.pk]],
        abilities=list(
            LearnerAbility.objects.filter(learner=learner)
            .select_related("course")
            .order_by("course_id")
        ),
        recommendations=recommendation_history(learner=learner)[::-1],  # oldest first
        lessons_read=list(
            LessonView.objects.filter(learner=learner)
            .select_related("lesson__course")
            .order_by("first_viewed_at", "id")
        ),
        deletion_requests=list(DeletionRequest.objects.filter(learner=learner)),
    )


@dataclass(frozen=True, slots=True)
class LearnerDataSummary:
    """What the "Your data" page counts before the learner downloads it."""

    answers: int
    attempts: int
    skills: int
    recommendations: int
    classrooms: list[Classroom]
    pending_deletion: DeletionRequest | None


def learner_data_summary(*, learner: User) -> LearnerDataSummary:
    return LearnerDataSummary(
        answers=ItemResponse.objects.filter(learner=learner).count(),
        attempts=Attempt.objects.filter(learner=learner).count(),
        skills=SkillMastery.objects.filter(learner=learner).count(),
        recommendations=recommendations_count(learner=learner),
        classrooms=list(
            Classroom.objects.filter(enrollments__learner=learner)
            .select_related("owner")
            .order_by("name", "id")
        ),
        pending_deletion=deletion_request_pending(learner=learner),
    )


def deletion_request_pending(*, learner: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(learner=learner, status=DeletionStatus.PENDING).first()


def deletion_request_latest(*, learner: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(learner=learner).first()


def deletion_requests_due(*, now: datetime) -> QuerySet[DeletionRequest]:
    return DeletionRequest.objects.filter(status=DeletionStatus.PENDING, due_at__lte=now)


def classroom_departures_queryset(*, classroom: Classroom) -> QuerySet[ClassroomDeparture]:
    """Who left ``classroom``, latest first."""
    return ClassroomDeparture.objects.filter(classroom=classroom).order_by("-left_at", "-id")


def classroom_departures(*, classroom: Classroom, limit: int = 100) -> list[ClassroomDeparture]:
    """The most recent departures, for the teacher's classroom page."""
    return list(classroom_departures_queryset(classroom=classroom)[:limit])
