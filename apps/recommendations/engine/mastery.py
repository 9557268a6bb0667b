"""Mastery: the BKT view (is the skill learnt?) combined with the FSRS view (is it remembered?).

A skill is "mastered" when P(known) >= the threshold AND the FSRS retrievability >= a minimum.
Learnt but not recalled reliably any more means "needs_review": a skill left alone for long
falls back there by itself, because retrievability decays with time. Below the threshold it is
"learning"; with no responses at all, "not_started".

Uncertainty: P(known) is a probability of a binary state, not an estimate of a rate, so it has
no sampling error of its own. What dashboards need is how settled it is, so each estimate comes
with its evidence count n and a Jeffreys-style interval: the central 90% of
Beta(n p + 1/2, n (1 - p) + 1/2). It is wide with little evidence (0.9 after 2 answers) and
narrows as answers accumulate (0.9 after 40). This is a heuristic summary, stated as such.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import IntArray, as_float_array
from apps.recommendations.engine.bkt import credible_interval


class MasteryState(StrEnum):
    MASTERED = "mastered"
    NEEDS_REVIEW = "needs_review"
    LEARNING = "learning"
    NOT_STARTED = "not_started"


# Codes of the vectorised form, in this order.
MASTERY_STATES = (
    MasteryState.NOT_STARTED,
    MasteryState.LEARNING,
    MasteryState.NEEDS_REVIEW,
    MasteryState.MASTERED,
)


@dataclass(frozen=True, slots=True)
class MasteryPolicy:
    p_known_threshold: float = 0.95
    min_retrievability: float = 0.8
    interval_mass: float = 0.9


@dataclass(frozen=True, slots=True)
class MasteryEstimate:
    state: MasteryState
    p_known: float
    interval_low: float
    interval_high: float
    evidence_count: int
    retrievability: float | None  # None when the skill has no memory card yet


def mastery_codes(
    p_known: npt.ArrayLike,
    evidence_count: npt.ArrayLike,
    retrievability: npt.ArrayLike,
    policy: MasteryPolicy | None = None,
) -> IntArray:
    """Index into MASTERY_STATES per skill; NaN retrievability means no card yet.

    A skill with no card yet counts as remembered: practice so far was BKT evidence only.
    """
    rules = policy or MasteryPolicy()
    p = as_float_array(p_known)
    recall = as_float_array(retrievability)
    learnt = p >= rules.p_known_threshold
    remembered = np.isnan(recall) | (recall >= rules.min_retrievability)
    codes = np.where(learnt, np.where(remembered, 3, 2), 1)
    return np.where(as_float_array(evidence_count) <= 0, 0, codes).astype(np.int64)


def assess_mastery(
    *,
    p_known: float,
    evidence_count: int,
    retrievability: float | None,
    policy: MasteryPolicy | None = None,
) -> MasteryEstimate:
    """Mastery state of one skill for one learner, with its uncertainty and evidence."""
    rules = policy or MasteryPolicy()
    recall = np.nan if retrievability is None else retrievability
    code = int(mastery_codes([p_known], [evidence_count], [recall], rules)[0])
    low, high = credible_interval([p_known], [evidence_count], rules.interval_mass)
    return MasteryEstimate(
        state=MASTERY_STATES[code],
        p_known=p_known,
        interval_low=float(low[0]),
        interval_high=float(high[0]),
        evidence_count=evidence_count,
        retrievability=retrievability,
    )
