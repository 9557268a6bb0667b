"""Mastery state of many learners at once, from rows already loaded.

``selectors.skill_mastery_list`` answers for one learner and queries their rows itself, which
would make a class page cost one query per learner. This classifies rows the caller loaded in
one query, with the same rules (a test holds the two in step):
mastered / needs_review / learning / not_started from the engine's ``assess_mastery``, and
``locked`` for a skill not started whose prerequisites are not all learnt.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..engine.mastery import MasteryPolicy, assess_mastery
from ..learner_state import status_of
from ..models import SkillMastery
from ..policy import is_learnt
from ..snapshot import CourseSnapshot


@dataclass(frozen=True)
class SkillCell:
    skill_id: int
    state: str
    p_known: float
    attempts: int
    wheel_spinning: bool
    last_practised_at: datetime | None

    @property
    def percent(self) -> int:
        return round(100 * self.p_known)


def mastery_policy(snapshot: CourseSnapshot) -> MasteryPolicy:
    return MasteryPolicy(
        p_known_threshold=snapshot.policy.mastery_threshold,
        min_retrievability=snapshot.policy.min_retrievability,
    )


def classify(
    snapshot: CourseSnapshot, rows: Mapping[int, SkillMastery], now: datetime
) -> list[SkillCell]:
    """One learner's cells in course order (prerequisites first); ``rows`` by skill id."""
    policy = mastery_policy(snapshot)
    statuses = {skill_id: status_of(row, now) for skill_id, row in rows.items()}
    cells = []
    for skill_id in snapshot.skill_order:
        skill = snapshot.skills[skill_id]
        row = rows.get(skill_id)
        status = statuses.get(skill_id)
        p = row.p_known if row else skill.params.prior
        state = str(
            assess_mastery(
                p_known=p,
                evidence_count=row.attempts if row else 0,
                retrievability=status.retrievability if status else None,
                policy=policy,
            ).state
        )
        if state == "not_started" and not all(
            p_id in statuses and is_learnt(statuses[p_id], policy.p_known_threshold)
            for p_id in skill.prerequisite_ids
        ):
            state = "locked"
        cells.append(
            SkillCell(
                skill_id=skill_id,
                state=state,
                p_known=p,
                attempts=row.attempts if row else 0,
                wheel_spinning=row.wheel_spinning if row else False,
                last_practised_at=row.last_practised_at if row else None,
            )
        )
    return cells
