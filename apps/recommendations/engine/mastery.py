"""Mastery: the one home of the rules "learnt", "mastered", "needs review", "locked" and
"wheel-spinning". Every other place (the answer path, placement, the policy, the nightly
rebuild, the API, the pages) calls these.

- **learnt** (``MasteryPolicy.learnt``): P(known) at or above the course's threshold AND enough
  evidence: at least ``min_correct`` right answers in a row on the skill, or a credit. Right
  answers are weighed by how hard they are to guess (``answer_weight``): a typed answer counts
  1, a right pick among four choices about a half. In a row, because a long unproductive run
  collects lucky guesses: with the total, a guesser's closing streak passed the threshold.
  A credit is evidence from elsewhere: the placement test found the skill known, or the
  learner mastered a skill that builds on it (knowing "adding unlike denominators" implies
  "common denominators"). Without the evidence rule one lucky answer on a skill with a high
  prior, or a placement guess, showed "mastered".
- **mastered**: learnt AND the FSRS retrievability >= a minimum (or no memory card yet) AND
  every prerequisite has evidence (answers or a credit): a skill is never shown mastered while
  something it builds on is locked or not started. Learnt but not recalled reliably any more is
  **needs_review**: a skill left alone for long falls back there by itself, because
  retrievability decays with time. Below the threshold it is **learning**; with no evidence at
  all, **not_started**.
- **locked**: not started, and not every prerequisite learnt (``prerequisites_met``). A skill
  that is not locked and not learnt is ready: the learning frontier.
- **wheel-spinning**: never learnt after the course's number of attempts.

Uncertainty: P(known) is a probability of a binary state, not an estimate of a rate, so it has
no sampling error of its own. What dashboards need is how settled it is, so each estimate comes
with its evidence count n and a Jeffreys-style interval: the central 90% of
Beta(n p + 1/2, n (1 - p) + 1/2). It is wide with little evidence (0.9 after 2 answers) and
narrows as answers accumulate (0.9 after 40). This is a heuristic summary, stated as such.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray, as_float_array
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
NOT_STARTED, LEARNING, NEEDS_REVIEW, MASTERED, LOCKED = range(5)


@dataclass(frozen=True, slots=True)
class MasteryPolicy:
    """The mastery rules' parameters (a course's policy, see ``course.PolicyValues``)."""

    p_known_threshold: float = 0.95
    min_correct: int = 3
    min_retrievability: float = 0.8
    interval_mass: float = 0.9

    def learnt(
        self, p_known: npt.ArrayLike, right_streak: npt.ArrayLike, credited: npt.ArrayLike
    ) -> BoolArray:
        """The rule "learnt", vectorised (see the module docstring); ``right_streak``: the
        weighed right answers in a row (``answer_weight``)."""
        confident = as_float_array(p_known) >= self.p_known_threshold
        # A small tolerance: weights summed in floating point must reach a whole count.
        evidence = (as_float_array(right_streak) >= self.min_correct - 1e-9) | np.asarray(
            credited, dtype=np.bool_
        )
        result: BoolArray = confident & evidence
        return result

    def is_learnt(self, p_known: float, right_streak: float, credited: bool) -> bool:
        return bool(self.learnt(p_known, right_streak, credited))

    def describe(self) -> str:
        """The rule in plain words, as teachers and learners are shown it."""
        answers = "right answer" if self.min_correct == 1 else "right answers"
        return (
            f"Mastered: at least {self.min_correct} {answers} in a row on the skill (a right pick "
            "among a few choices counts for less, as it can be a guess) and "
            f"{self.p_known_threshold:.0%} sure it is known, or credited by the placement test "
            "or by mastering a skill that builds on it. Needs review: mastered once, but "
            f"predicted recall has fallen below {self.min_retrievability:.0%}."
        )


# A right answer to an item no one can guess (typed numbers and words) counts fully towards
# ``min_correct``; the reference guess of such items, and the least any right answer counts.
TYPED_GUESS = 0.05
LEAST_WEIGHT = 0.25


def shown_percent(probability: float) -> int:
    """A probability as the whole percentage learners and teachers are shown: rounded *down*,
    so a skill shown at 95% has reached a 95% goal (rounding to nearest showed "95%" on a skill
    at 0.949, still learning, beside "mastered at 95%"). The tolerance keeps 0.95, stored as
    0.94999..., at 95."""
    return math.floor(100 * float(probability) + 1e-9)


def answer_weight(guess_floor: npt.ArrayLike, slip: float = 0.1) -> FloatArray:
    """How much one right answer counts towards ``min_correct``: the evidence it carries,
    log((1 - slip) / guess), relative to a typed answer's, so a right pick among four choices
    counts about half and three lucky guesses are not three right answers. Vectorised."""
    guess = np.clip(as_float_array(guess_floor), TYPED_GUESS, 1.0 - slip - 1e-6)
    ratio = np.log((1.0 - slip) / guess) / np.log((1.0 - slip) / TYPED_GUESS)
    result: FloatArray = np.clip(ratio, LEAST_WEIGHT, 1.0)
    return result


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
    right_streak: npt.ArrayLike,
    credited: npt.ArrayLike,
    prerequisite_columns: Sequence[Sequence[int]] | None = None,
) -> IntArray:
    """Index into MASTERY_STATES per skill; NaN retrievability means no card yet.

    Arrays are (skills,) for one learner or (learners, skills). A skill with no card yet counts
    as remembered: practice so far was BKT evidence only. With ``prerequisite_columns`` (each
    skill's prerequisites as column indices, see ``prerequisites_met``) the graph applies: a
    skill not started whose prerequisites are not all learnt is locked, and a learnt skill with
    a prerequisite that has no evidence at all is shown learning, not mastered."""
    rules = policy or MasteryPolicy()
    recall = as_float_array(retrievability)
    is_credited = np.asarray(credited, dtype=np.bool_)
    is_learnt_now = rules.learnt(p_known, right_streak, is_credited)
    started = (as_float_array(evidence_count) > 0) | is_credited
    remembered = np.isnan(recall) | (recall >= rules.min_retrievability)
    codes = np.where(is_learnt_now, np.where(remembered, MASTERED, NEEDS_REVIEW), LEARNING)
    codes = np.where(started, codes, NOT_STARTED)
    if prerequisite_columns is not None:
        shape = codes.shape
        learnt_2d = np.atleast_2d(is_learnt_now & started)
        blocked = ~prerequisites_met(learnt_2d, prerequisite_columns).reshape(shape)
        unsupported = ~prerequisites_met(np.atleast_2d(started), prerequisite_columns).reshape(
            shape
        )
        codes = np.where((codes == NOT_STARTED) & blocked, LOCKED, codes)
        codes = np.where((codes == MASTERED) & unsupported, LEARNING, codes)
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
    right_streak: float,
    credited: bool = False,
    policy: MasteryPolicy | None = None,
) -> MasteryEstimate:
    """Mastery state of one skill for one learner (graph aside), with its uncertainty and
    evidence."""
    rules = policy or MasteryPolicy()
    recall = np.nan if retrievability is None else retrievability
    code = int(
        mastery_codes(
            [p_known],
            [evidence_count],
            [recall],
            rules,
            right_streak=[right_streak],
            credited=[credited],
        )[0]
    )
    low, high = mastery_intervals([p_known], [evidence_count], rules)
    return MasteryEstimate(
        state=MASTERY_STATES[code],
        p_known=p_known,
        interval_low=float(low[0]),
        interval_high=float(high[0]),
        evidence_count=evidence_count,
        retrievability=retrievability,
    )
