"""Reads for the placement pages: a learner's own placement attempts in a course."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.assessments.models import AssessmentKind, Attempt
from apps.curriculum.models import Course
from apps.recommendations.snapshot import course_snapshot


def placement_attempts(*, learner: User, course: Course) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        learner=learner, assessment__course=course, assessment__kind=AssessmentKind.DIAGNOSTIC
    ).order_by("-started_at", "-id")


def placement_attempt_for(*, learner: User, course: Course, pk: int) -> Attempt:
    """The learner's own placement attempt in this course (404 for anyone else's)."""
    attempt = (
        placement_attempts(learner=learner, course=course)
        .select_related("assessment__course")
        .filter(pk=pk)
        .first()
    )
    if attempt is None:
        raise Http404("No such placement test.")
    return attempt


def placement_result(*, course: Course, result: dict[str, Any]) -> dict[str, Any]:
    """The stored result with skill names instead of slugs, for the page."""
    snapshot = course_snapshot(course)
    names = {skill.slug: skill.name for skill in snapshot.skills.values()}
    return result | {
        "mastered_names": [names.get(slug, slug) for slug in result.get("mastered_skills", [])]
    }
