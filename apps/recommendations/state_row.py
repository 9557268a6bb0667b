"""What the learner's state row (``LearnerAbility``) keeps besides the ability, and its
encoding: the latest answers in the course and when each lesson was last read. The answer path
reads both with its lock instead of querying the log and the lesson views; ``None`` means not
tracked yet (a row a bulk loader wrote), and readers fall back to the tables."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

RecentAnswers = list[tuple[int, datetime]]  # (item id, answered at), newest first


def to_us(at: datetime) -> int:
    return (at - EPOCH) // MICROSECOND


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def recent_of(stored: list[list[int]] | None) -> RecentAnswers | None:
    if stored is None:
        return None
    return [(int(item_id), from_us(at)) for item_id, at in stored]


def recent_json(recent: RecentAnswers) -> list[list[int]]:
    return [[item_id, to_us(at)] for item_id, at in recent]


def recent_after(recent: RecentAnswers, item_id: int, at: datetime, keep: int) -> RecentAnswers:
    """``recent`` with an answer to ``item_id`` at ``at`` added, newest first, ``keep`` long. An
    answer synced late goes where its time puts it; among equal times the new one is newest,
    as the log orders them (time, then id)."""
    position = next((n for n, (_, earlier) in enumerate(recent) if earlier <= at), len(recent))
    return [*recent[:position], (item_id, at), *recent[position:]][:keep]


def lessons_of(stored: dict[str, int] | None) -> dict[int, datetime] | None:
    if stored is None:
        return None
    return {int(lesson_id): from_us(at) for lesson_id, at in stored.items()}


def lessons_json(readings: dict[int, datetime]) -> dict[str, int]:
    return {str(lesson_id): to_us(at) for lesson_id, at in readings.items()}


def decoded(value: Any) -> Any:
    """A JSON column as a raw cursor returns it: text on SQLite and from Django's psycopg
    set-up, already parsed elsewhere."""
    return json.loads(value) if isinstance(value, str | bytes) else value
