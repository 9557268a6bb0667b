"""Mastery: the one home of the rules "learnt", "mastered", "needs review", "locked" and
"wheel-spinning". Every other place (the answer path, placement, the policy, the nightly
rebuild, the API, the pages) calls these.

- **learnt**: P(known) >= the course's threshold (``learnt`` / ``is_learnt``).
- **mastered**: learnt AND the FSRS retrievability >= a minimum (or no memory card yet).
  Learnt but not recalled reliably any more is **needs_review**: a skill left alone for long
  falls back there by itself, because retrievability decays with time. Below the threshold it
  is **learning**; with no evidence at all, **not_started**.
- **locked**: not started, and not every prerequisite learnt (``prerequisites_met``). A skill
  that is not locked and not learnt is ready: the learning frontier.
- **wheel-spinning**: never learnt after the course's number of attempts.

Uncertainty: P(known) is a probability of a binary state, not an estimate of a rate, so it has
no sampling error of its own. What dashboards need is how settled it is, so each estimate comes
with its evidence count n and a Jeffreys-style interval: the central 90% of
Beta(n p + 1/2, n (1 - p) + 1/2). It is wide with little evidence (0.9 after 2 answers) and
narrows as answers accumulate (0.9 after 40). This is a heuristic summary, stated as such.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import BoolArray, IntArray, as_float_array
from apps.recommendations.engine.bkt import credible_interval


class MasteryState(StrEnum):
    MASTERED = "mastered"
    NEEDS_REVIEW = "needs_review"
    LEARNING = "learning"
    NOT_STARTED = "not_started"
    LOCKED = "locked"


# Codes of the vectorised form, in this order.
MASTERY_STATES = (
    MasteryState.NOT_STARTED,
    MasteryState.LEARNING,
    MasteryState.NEEDS_REVIEW,
    MasteryState.MASTERED,
    MasteryState.LOCKED,
)
LOCKED = MASTERY_STATES.index(MasteryState.LOCKED)


def learnt(p_known: npt.ArrayLike, threshold: float) -> BoolArray:
    """The rule "learnt", vectorised: P(known) at or above the threshold."""
    result: BoolArray = as_float_array(p_known) >= threshold
    return result


def is_learnt(p_known: float, threshold: float) -> bool:
    return bool(learnt(p_known, threshold))


def learnt_now(before: float, after: float, threshold: float) -> bool:
    """This answer took the skill from below the threshold to it."""
    return not is_learnt(before, threshold) and is_learnt(after, threshold)


def wheel_spinning(
    never_learnt: npt.ArrayLike, attempts: npt.ArrayLike, attempts_limit: int
) -> BoolArray:
    """Stuck on a skill: never learnt after the course's number of attempts."""
    result: BoolArray = np.asarray(never_learnt, dtype=np.bool_) & (
        np.asarray(attempts) >= attempts_limit
    )
    return result


def prerequisites_met(
    learnt_matrix: npt.ArrayLike, prerequisite_columns: Sequence[Sequence[int]]
) -> BoolArray:
    """(learners, skills): whether every prerequisite of each skill is learnt.

    ``learnt_matrix`` is (learners, skills) in the same column order as
    ``prerequisite_columns``, which lists each skill's prerequisites as column indices."""
    matrix = np.asarray(learnt_matrix, dtype=np.bool_)
    met = np.ones(matrix.shape, dtype=np.bool_)
    for column, prerequisites in enumerate(prerequisite_columns):
        if prerequisites:
            met[:, column] = matrix[:, list(prerequisites)].all(axis=1)
    return met


@dataclass(frozen=True, slots=True)
class MasteryPolicy:
    p_known_threshold: float = 0.95
    min_retrievability: float = 0.8
    interval_mass: float = 0.9

    def is_learnt(self, p_known: float) -> bool:
        return is_learnt(p_known, self.p_known_threshold)


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
    *,
    prerequisites_learnt: npt.ArrayLike | None = None,
) -> IntArray:
    """Index into MASTERY_STATES per skill; NaN retrievability means no card yet.

    A skill with no card yet counts as remembered: practice so far was BKT evidence only.
    With ``prerequisites_learnt`` (same shape, see ``prerequisites_met``), a skill not started
    whose prerequisites are not all learnt is locked."""
    rules = policy or MasteryPolicy()
    recall = as_float_array(retrievability)
    is_learnt_now = learnt(p_known, rules.p_known_threshold)
    remembered = np.isnan(recall) | (recall >= rules.min_retrievability)
    codes = np.where(is_learnt_now, np.where(remembered, 3, 2), 1)
    codes = np.where(as_float_array(evidence_count) <= 0, 0, codes)
    if prerequisites_learnt is not None:
        blocked = ~np.asarray(prerequisites_learnt, dtype=np.bool_)
        codes = np.where((codes == 0) & blocked, LOCKED, codes)
    return codes.astype(np.int64)


def mastery_intervals(
    p_known: npt.ArrayLike, evidence_count: npt.ArrayLike, policy: MasteryPolicy | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """How settled each P(known) is (see the module docstring), vectorised."""
    rules = policy or MasteryPolicy()
    return credible_interval(p_known, evidence_count, rules.interval_mass)


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
    low, high = mastery_intervals([p_known], [evidence_count], rules)
    return MasteryEstimate(
        state=MASTERY_STATES[code],
        p_known=p_known,
        interval_low=float(low[0]),
        interval_high=float(high[0]),
        evidence_count=evidence_count,
        retrievability=retrievability,
    )
