"""Bayesian Knowledge Tracing: the model, the online update and the next-response prediction.

A skill is a two-state hidden Markov model (unknown / known). With P(L) the probability that the
skill is known before a response:

    P(correct)            = P(L) (1 - slip) + (1 - P(L)) guess
    P(L | correct)        = P(L) (1 - slip) / P(correct)
    P(L | incorrect)      = P(L) slip / (1 - P(correct))
    P(L next)             = P(L | obs) (1 - forget) + (1 - P(L | obs)) learn

Corbett & Anderson (1995), "Knowledge tracing: modeling the acquisition of procedural knowledge".

Monotonicity: a correct answer never lowers the evidence step, P(L | correct) >= P(L), exactly
when guess <= 1 - slip (guess + slip <= 1: a learner who knows the skill answers correctly at
least as often as one who does not). After the learning transition the posterior following a
correct answer is never below the one following an incorrect answer when in addition
learn + forget <= 1, and with forget = 0 it is never below P(L) itself. The fitting bounds
(guess, slip <= 0.3 by default) keep every fitted model inside that region.

This module is the cheap scalar path used when one answer is submitted; `bkt_fit` holds the
vectorised fitting and `bkt_replay` recomputes posteriors from a whole log.

Every function here takes and returns probabilities clipped to [0, 1]: a stored P(L) a hair
above 1 (or below 0) is treated as 1 (or 0), and a NaN one as the skill's prior (nothing is
known about the learner). Outside [0, 1] the evidence step is not a contraction: each wrong
answer would multiply the excess over 1 by about (1 - guess) / slip until it hits a pole.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import betaincinv

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, FloatArray, as_float_array


@dataclass(frozen=True, slots=True)
class BktParams:
    """Parameters of one skill's BKT model; every value is a probability."""

    prior: float
    learn: float
    guess: float
    slip: float
    forget: float = 0.0

    def __post_init__(self) -> None:
        for name in ("prior", "learn", "guess", "slip", "forget"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"BKT {name} must be within [0, 1], got {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {
            "prior": self.prior,
            "learn": self.learn,
            "guess": self.guess,
            "slip": self.slip,
            "forget": self.forget,
        }


@dataclass(frozen=True, slots=True)
class BktPosterior:
    """P(skill known) after the responses seen so far, with the amount of evidence behind it."""

    p_known: float
    evidence_count: int

    def interval(self, mass: float = 0.9) -> tuple[float, float]:
        """How settled p_known is: see `credible_interval`."""
        low, high = credible_interval([self.p_known], [self.evidence_count], mass)
        return float(low[0]), float(high[0])


def credible_interval(
    p_known: npt.ArrayLike, evidence_count: npt.ArrayLike, mass: float = 0.9
) -> tuple[FloatArray, FloatArray]:
    """Central `mass` interval of Beta(n p + 1/2, n (1 - p) + 1/2), vectorised.

    P(known) is the probability of a binary state, not an estimate of a rate, so it has no
    sampling error of its own. This Jeffreys-style interval summarises how settled it is:
    wide after 2 answers, narrow after 40. A heuristic, stated as such.
    """
    p = np.clip(as_float_array(p_known), 0.0, 1.0)
    n = np.maximum(as_float_array(evidence_count), 0.0)
    alpha, beta = n * p + 0.5, n * (1.0 - p) + 0.5
    tail = (1.0 - mass) / 2.0
    low: FloatArray = betaincinv(alpha, beta, tail)
    high: FloatArray = betaincinv(alpha, beta, 1.0 - tail)
    return low, high


def clip_probability(value: float, if_nan: float) -> float:
    """`value` clipped to [0, 1]; NaN becomes `if_nan`."""
    if math.isnan(value):
        return if_nan
    return _unit(value)


def _unit(value: float) -> float:
    # Results of arithmetic on probabilities: only rounding can take them out of [0, 1].
    return min(max(value, 0.0), 1.0)


# A guess floor never takes guess + slip this close to 1, so a right answer stays evidence for.
GUESS_MARGIN = 0.05


def item_guess_floors(c: npt.ArrayLike, n_choices: npt.ArrayLike) -> FloatArray:
    """The chance of getting each item right by guessing: its IRT c, and for a choice item at
    least one in its number of choices (a guesser picks one; "select all" items included, since
    a guesser who knows part of the pattern does better than 1 / (2^n - 1)). Vectorised."""
    choices = np.asarray(n_choices, dtype=np.float64)
    pick = np.divide(1.0, choices, out=np.zeros_like(choices), where=choices > 0)
    result: FloatArray = np.clip(np.maximum(as_float_array(c), pick), 0.0, 1.0)
    return result


def item_guess_floor(c: float, n_choices: int = 0) -> float:
    """``item_guess_floors`` of one item, in plain floats (the answer path calls it per item
    the policy weighs, where numpy's per-call cost would dominate)."""
    pick = 1.0 / n_choices if n_choices > 0 else 0.0
    return min(max(float(c), pick, 0.0), 1.0)


def with_guess_floor(params: BktParams, floor: float) -> BktParams:
    """The skill's parameters for an answer to an item that can be guessed with chance
    ``floor`` (its IRT c): guess at least that. A right answer to a three-choice question is
    weaker evidence than a right number typed in, and a learner who guesses is not credited
    with mastery after a lucky streak on easy-to-guess items."""
    guess = float(guess_floors(np.array([params.guess]), np.array([params.slip]), floor)[0])
    if guess == params.guess:
        return params
    return BktParams(
        prior=params.prior, learn=params.learn, guess=guess, slip=params.slip, forget=params.forget
    )


def guess_floors(guess: FloatArray, slip: FloatArray, floor: npt.ArrayLike) -> FloatArray:
    """``with_guess_floor`` vectorised: per-row guess from per-row skill guess, slip and the
    item's floor."""
    ceiling = np.maximum(guess, 1.0 - slip - GUESS_MARGIN)
    result: FloatArray = np.minimum(np.maximum(guess, as_float_array(floor)), ceiling)
    return result


def bkt_predict_correct(params: BktParams, p_known: float) -> float:
    """Probability that the next response is correct when the skill is known with `p_known`."""
    p_known = clip_probability(p_known, params.prior)
    return _unit(p_known * (1.0 - params.slip) + (1.0 - p_known) * params.guess)


def bkt_observe(params: BktParams, p_known: float, correct: bool) -> float:
    """P(known | this response): the evidence step only, without the learning transition."""
    p_known = clip_probability(p_known, params.prior)
    if correct:
        known = p_known * (1.0 - params.slip)
        unknown = (1.0 - p_known) * params.guess
    else:
        known = p_known * params.slip
        unknown = (1.0 - p_known) * (1.0 - params.guess)
    total = known + unknown
    # Both terms vanish only for impossible evidence (e.g. slip = 0 and p_known = 1 but wrong);
    # keep the belief unchanged rather than divide by zero.
    if total < PROBABILITY_FLOOR:
        return p_known
    return _unit(known / total)


def bkt_transition(params: BktParams, p_known: float) -> float:
    """P(known at the next opportunity) from P(known now): learn or forget in between."""
    p_known = clip_probability(p_known, params.prior)
    return _unit(p_known * (1.0 - params.forget) + (1.0 - p_known) * params.learn)


def bkt_update(params: BktParams, p_known: float, correct: bool) -> float:
    """The online update after one response: evidence step, then the learning transition.

    Returns P(known) at the learner's next opportunity on this skill, which is what is stored
    between answers. Start a new learner at `params.prior`.
    """
    return bkt_transition(params, bkt_observe(params, p_known, correct))


def bkt_update_posterior(params: BktParams, posterior: BktPosterior, correct: bool) -> BktPosterior:
    """`bkt_update` on a stored posterior, counting the response as evidence."""
    return BktPosterior(
        p_known=bkt_update(params, posterior.p_known, correct),
        evidence_count=posterior.evidence_count + 1,
    )


def bkt_initial_posterior(params: BktParams) -> BktPosterior:
    """The posterior of a learner who has not answered anything on the skill yet."""
    return BktPosterior(p_known=params.prior, evidence_count=0)


def bkt_update_item(
    *,
    params_by_skill: Mapping[str, BktParams],
    posteriors: Mapping[str, BktPosterior],
    item_skills: Sequence[str],
    correct: bool,
) -> dict[str, BktPosterior]:
    """One answer to an item tagged with several skills: update each skill's posterior.

    A skill with no stored posterior starts from its prior. Returns the new posteriors of the
    item's skills only.
    """
    updated = {}
    for skill in item_skills:
        params = params_by_skill[skill]
        current = posteriors.get(skill) or bkt_initial_posterior(params)
        updated[skill] = bkt_update_posterior(params, current, correct)
    return updated
