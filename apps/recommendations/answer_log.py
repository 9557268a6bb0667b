"""The shapes of what an answer's row carries besides the answer (``ItemResponse``'s JSON
columns ``mastery_changes`` and ``next_activity``): the one home of their encoding, for the answer
path that writes them and everything that reads them (drill-down, history, export, retries)."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class MasteryStep:
    """How one answer moved one skill: P(known) before and after it."""

    skill_id: int
    before: float
    after: float


def mastery_changes_json(steps: list[MasteryStep]) -> list[list[float]]:
    return [[step.skill_id, step.before, step.after] for step in steps]


def mastery_steps(stored: list[list[Any]] | None) -> list[MasteryStep]:
    """The steps stored on a response (none for a repeat, or before any were recorded)."""
    return [MasteryStep(int(skill_id), before, after) for skill_id, before, after in stored or []]


@dataclass(frozen=True, slots=True)
class NextActivity:
    """What the system presented after an answer, and why (ids, as the skip log stores them)."""

    kind: str
    skill_id: int | None
    item_id: int | None
    lesson_id: int | None
    reason: str


def next_activity_json(activity: NextActivity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "skill": activity.skill_id,
        "item": activity.item_id,
        "lesson": activity.lesson_id,
        "reason": activity.reason,
    }


def next_activity_of(stored: dict[str, Any] | None) -> NextActivity | None:
    if not stored:
        return None
    return NextActivity(
        kind=stored["kind"],
        skill_id=stored.get("skill"),
        item_id=stored.get("item"),
        lesson_id=stored.get("lesson"),
        reason=stored.get("reason", ""),
    )
