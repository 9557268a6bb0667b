"""The chance that a learner answers an item right: the one home of that prediction, used by
the answer path (stored with each answer, for the nightly quality report), by the policy
(items at the course's target chance of success) and by what learners see ("about 70% likely").

With the course's fitted next-answer predictor (``learner_model``): its prediction from the
learner's state on each of the item's skills, the item and a (theta - b). Before one is fitted
(a new course): the mean of BKT's prediction from P(known) and the item's IRT probability at
the learner's ability, which is what the two models the system keeps say on their own. An item
with several skills needs all of them: the lowest chance over its skills.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.recommendations.engine.bkt import bkt_predict_correct, with_guess_floor
from apps.recommendations.engine.course import CourseSnapshot, ItemNode
from apps.recommendations.engine.learner_model import (
    LearnerModelParams,
    SkillState,
    initial_state,
    predict,
    update,
)


@dataclass(frozen=True, slots=True)
class SkillEvidence:
    """What the prediction reads of a learner's state on one skill."""

    p_known: float
    model_state: Mapping[str, Any] | None = None


def skill_name(skill_id: int) -> str:
    """How skills are named in the learner model's parameters and states."""
    return str(skill_id)


def item_name(item_id: int) -> str:
    return str(item_id)


def model_state(
    params: LearnerModelParams, skill_id: int, stored: Mapping[str, Any] | None
) -> SkillState:
    """The stored state, or a fresh one when there is none or it does not fit the model."""
    if stored:
        try:
            state = SkillState.from_json(stored)
        except (KeyError, TypeError, ValueError):
            state = None
        if state is not None and len(state.hmm) == params.hmm.n_states:
            return state
    return initial_state(params, skill_name(skill_id))


def model_state_after(
    params: LearnerModelParams,
    skill_id: int,
    stored: Mapping[str, Any] | None,
    *,
    correct: bool,
    at: datetime,
) -> dict[str, Any]:
    """The state to store after one answer on the skill (O(1))."""
    state = model_state(params, skill_id, stored)
    return update(params, state, correct=correct, at=at).as_json()


def _irt(item: ItemNode, theta: float) -> float:
    return item.c + (1.0 - item.c) / (1.0 + math.exp(-item.a * (theta - item.b)))


def item_success(
    snapshot: CourseSnapshot,
    item: ItemNode,
    skills: Mapping[int, SkillEvidence],
    *,
    theta: float,
    at: datetime,
) -> float:
    """P(the learner answers ``item`` right next), in [0, 1]."""
    model = snapshot.learner_model
    chances = []
    for skill_id in item.skill_ids:
        node = snapshot.skills[skill_id]
        evidence = skills.get(skill_id) or SkillEvidence(p_known=node.params.prior)
        if model is not None:
            state = model_state(model, skill_id, evidence.model_state)
            shift = item.a * (theta - item.b) if model.uses_irt else None
            chance = predict(model, state, item=item_name(item.id), at=at, irt_shift=shift)
        else:
            params = with_guess_floor(node.params, item.guess_floor)
            bkt = bkt_predict_correct(params, evidence.p_known)
            chance = 0.5 * (bkt + _irt(item, theta))
        chances.append(chance)
    return min(max(min(chances, default=0.5), 0.0), 1.0)
