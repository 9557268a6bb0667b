"""A learner's practice history: the response log with each answer's mastery change.

One home for the read that the API's history and the learner's data export both need: what the
learner answered, whether it was right, and how it moved each skill.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.recommendations.models import MasteryChange


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    course: str | None = None
    skill: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def practice_history(*, learner: User, only: HistoryFilter) -> QuerySet[ItemResponse]:
    """Newest first; three queries per page whatever its length (responses, changes, skills)."""
    responses = ItemResponse.objects.filter(learner=learner)
    if only.course is not None:
        responses = responses.filter(item__course__slug=only.course)
    if only.skill is not None:
        responses = responses.filter(item__skills__slug=only.skill)
    if only.since is not None:
        responses = responses.filter(created_at__gte=only.since)
    if only.until is not None:
        responses = responses.filter(created_at__lt=only.until)
    if only.skill is not None:
        # The skills join can repeat a response tagged with the skill twice in other courses.
        responses = ItemResponse.objects.filter(pk__in=responses.values("pk"))
    changes = MasteryChange.objects.select_related("skill").order_by("skill__position", "id")
    return (
        responses.select_related("item__course", "attempt__assessment")
        .prefetch_related(Prefetch("mastery_changes", queryset=changes))
        .order_by("-created_at", "-id")
    )
