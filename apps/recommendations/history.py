"""A learner's practice history: the response log with each answer's mastery change.

One home for the read that the API's history, the teacher's recent answers, the past-answer page
and the learner's data export all need: what the learner answered, whether it was right, and how
it moved each skill (``ItemResponse.mastery_changes``, decoded by ``answer_log``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Skill
from apps.recommendations.answer_log import mastery_steps


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    course: str | None = None
    skill: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class MasteryMove:
    """How one answer moved one skill, with the skill for display (its slug and name)."""

    response_id: int
    created_at: datetime
    skill: Skill
    p_before: float
    p_after: float


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One answer of the history and how it moved each of its skills (course order)."""

    response: ItemResponse
    mastery_changes: list[MasteryMove]


def practice_history(*, learner: User, only: HistoryFilter) -> QuerySet[ItemResponse]:
    """Newest first, one query per page; ``history_entries`` adds the moves to a page."""
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
    return (
        responses.select_related("item__course", "attempt__assessment")
        # The stored feedback and next activity are not part of the history, and feedback is
        # the largest column of the row.
        .defer("feedback", "next_activity")
        .order_by("-created_at", "-id")
    )


def mastery_moves(responses: Sequence[ItemResponse]) -> dict[int, list[MasteryMove]]:
    """Each response's moves (by response id), skills in course order: one query, for the
    skills, whatever the number of responses. A skill deleted since is left out."""
    steps = {response.pk: mastery_steps(response.mastery_changes) for response in responses}
    skill_ids = {step.skill_id for moved in steps.values() for step in moved}
    skills = Skill.objects.only("id", "slug", "name", "position").in_bulk(skill_ids)
    moves: dict[int, list[MasteryMove]] = {}
    for response in responses:
        known = [step for step in steps[response.pk] if step.skill_id in skills]
        known.sort(key=lambda step: (skills[step.skill_id].position, step.skill_id))
        moves[response.pk] = [
            MasteryMove(
                response_id=response.pk,
                created_at=response.created_at,
                skill=skills[step.skill_id],
                p_before=step.before,
                p_after=step.after,
            )
            for step in known
        ]
    return moves


def history_entries(responses: Sequence[ItemResponse]) -> list[HistoryEntry]:
    """A page of ``practice_history`` with its moves (one more query)."""
    moves = mastery_moves(responses)
    return [HistoryEntry(response=r, mastery_changes=moves[r.pk]) for r in responses]
