"""Answers queued offline, synced in one request: each is replayed through the same service as
a single submit (``answers.answer_submit``), in the order they were answered.

Each answer is its own transaction: a refused one (an item since unpublished, a time too old)
is reported and the rest are stored, so one bad entry never loses a week of work. Replaying is
idempotent like a single submit: a batch sent again (the response was lost) stores nothing new
and returns each answer's first feedback. Answers are replayed by ``answered_at`` (the order the
learner gave them; a missing time counts as now, ties keep the batch's order), so the learner
model sees them as they happened; the nightly rebuild replays the whole log in the same order.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.curriculum.models import Course, Item
from apps.recommendations.services.answers import answer_submit


@dataclass(frozen=True, slots=True)
class QueuedAnswer:
    index: int  # its place in the batch, to report its result there
    item_id: int
    answer: object
    client_id: uuid.UUID
    answered_at: datetime | None = None
    time_taken_ms: int | None = None
    attempt_id: int | None = None
    hint_used: bool = False


@dataclass(frozen=True, slots=True)
class QueuedResult:
    index: int
    client_id: uuid.UUID
    created: bool  # False: a retry, ``body`` is the first submit's feedback
    body: dict[str, Any] | None  # the feedback, as a single submit answers it
    error: ApplicationError | None  # why it was refused (then ``body`` is None)


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    results: list[QueuedResult]  # in replay (time) order
    courses: list[Course]  # the courses of the answers stored or retried, first seen first


def answer_batch_submit(
    *, learner: User, answers: list[QueuedAnswer], now: datetime | None = None
) -> BatchOutcome:
    server_now = now or timezone.now()
    ordered = sorted(answers, key=lambda queued: (queued.answered_at or server_now, queued.index))
    results = []
    for queued in ordered:
        try:
            outcome = answer_submit(
                learner=learner,
                item_id=queued.item_id,
                answer=queued.answer,
                client_id=queued.client_id,
                time_taken_ms=queued.time_taken_ms,
                attempt_id=queued.attempt_id,
                hint_used=queued.hint_used,
                answered_at=queued.answered_at,
                now=server_now,
            )
        except ApplicationError as error:
            results.append(QueuedResult(queued.index, queued.client_id, False, None, error))
            continue
        results.append(
            QueuedResult(queued.index, queued.client_id, outcome.created, outcome.body, None)
        )
    return BatchOutcome(results, _courses_of(ordered, results))


def _courses_of(ordered: list[QueuedAnswer], results: list[QueuedResult]) -> list[Course]:
    stored = [
        queued.item_id for queued, result in zip(ordered, results, strict=True) if result.body
    ]
    if not stored:
        return []
    course_of_item = dict(Item.objects.filter(pk__in=stored).values_list("pk", "course_id"))
    course_ids = list(dict.fromkeys(course_of_item[item_id] for item_id in stored))
    courses = Course.objects.in_bulk(course_ids)
    return [courses[course_id] for course_id in course_ids]
