"""Mastery state of many learners at once, from rows already loaded: the engine's rules
(``engine.mastery``) applied to stored rows. Everything that shows a state calls this: the
mastery API (``selectors.skill_mastery_list``, one learner), the learner's pages and the class
pages (thousands of rows loaded in one query).

One learners x skills matrix, no per-cell interval: a class page needs states, and the
credible interval per cell cost more than everything else together (the mastery API adds it).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import numpy as np
from django.db.models import QuerySet

from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.mastery import MASTERY_STATES, mastery_codes, shown_percent
from apps.recommendations.engine.memory import retrievability
from apps.recommendations.models import SkillMastery
from apps.recommendations.scheduling import scheduler_for

STATE_NAMES = np.array([str(state) for state in MASTERY_STATES])


class MasteryLike(Protocol):
    """What classification reads of a mastery row: a model instance or a ``MasteryRow``."""

    @property
    def p_known(self) -> float: ...
    @property
    def attempts(self) -> int: ...
    @property
    def wheel_spinning(self) -> bool: ...
    @property
    def last_practised_at(self) -> datetime | None: ...
    @property
    def memory_state(self) -> Any: ...
    @property
    def seeded_by_placement(self) -> bool: ...
    @property
    def right_streak(self) -> float: ...
    @property
    def credited(self) -> bool: ...


class MasteryRow(NamedTuple):
    """A mastery row read with ``values_list``: a class page reads thousands, and building a
    model instance for each costs more than classifying it."""

    learner_id: int
    skill_id: int
    p_known: float
    attempts: int
    wheel_spinning: bool
    last_practised_at: datetime | None
    memory_state: Any
    seeded_by_placement: bool
    right_streak: float
    credited_by_id: int | None

    @property
    def credited(self) -> bool:
        return self.seeded_by_placement or self.credited_by_id is not None


def mastery_rows_of(queryset: QuerySet[SkillMastery]) -> list[MasteryRow]:
    return [MasteryRow(*values) for values in queryset.values_list(*MasteryRow._fields)]


@dataclass(frozen=True, slots=True)
class SkillCell:
    skill_id: int
    state: str
    p_known: float
    attempts: int
    wheel_spinning: bool
    last_practised_at: datetime | None

    @property
    def percent(self) -> int:
        return shown_percent(self.p_known)


def classify_many(
    snapshot: CourseSnapshot, rows_per_learner: Sequence[Mapping[int, MasteryLike]], now: datetime
) -> list[list[SkillCell]]:
    """Cells per learner in course order (prerequisites first); rows by skill id."""
    order = snapshot.skill_order
    column = {skill_id: j for j, skill_id in enumerate(order)}
    shape = (len(rows_per_learner), len(order))
    p = np.tile([snapshot.skills[s].params.prior for s in order], (shape[0], 1)).reshape(shape)
    evidence = np.zeros(shape, dtype=np.int64)
    correct = np.zeros(shape)
    credited = np.zeros(shape, dtype=bool)
    recall = np.full(shape, np.nan)
    # Retrievability does not depend on the desired retention; passing a cached scheduler
    # only saves building a default one per row.
    scheduler = scheduler_for(snapshot.policy.desired_retention)
    policy = snapshot.policy.mastery
    for i, rows in enumerate(rows_per_learner):
        for skill_id, row in rows.items():
            j = column.get(skill_id)
            if j is None:
                continue
            # A credit is evidence too, though no item of the skill was answered.
            evidence[i, j] = row.attempts + int(row.credited)
            p[i, j], correct[i, j], credited[i, j] = row.p_known, row.right_streak, row.credited
            # Recall only tells mastered from needs-review, so when the skill is not learnt it
            # is not worth its FSRS call.
            if row.memory_state and policy.is_learnt(row.p_known, row.right_streak, row.credited):
                recall[i, j] = retrievability(row.memory_state, at=now, scheduler=scheduler)
    codes = mastery_codes(
        p,
        evidence,
        recall,
        policy,
        right_streak=correct,
        credited=credited,
        prerequisite_columns=snapshot.prerequisite_columns(),
    )
    states = STATE_NAMES[codes]
    cells = []
    for i, rows in enumerate(rows_per_learner):
        line = []
        for j, skill_id in enumerate(order):
            found = rows.get(skill_id)
            line.append(
                SkillCell(
                    skill_id=skill_id,
                    state=str(states[i, j]),
                    p_known=float(p[i, j]),
                    attempts=found.attempts if found else 0,
                    wheel_spinning=found.wheel_spinning if found else False,
                    last_practised_at=found.last_practised_at if found else None,
                )
            )
        cells.append(line)
    return cells


def classify(
    snapshot: CourseSnapshot, rows: Mapping[int, MasteryLike], now: datetime
) -> list[SkillCell]:
    """One learner's cells in course order."""
    return classify_many(snapshot, [rows], now)[0]
