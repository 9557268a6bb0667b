"""Item response theory: the 2PL/3PL item response function and Fisher information.

    P(correct | theta) = c + (1 - c) / (1 + exp(-a (theta - b)))            (3PL; c = 0 is 2PL)
    I(theta)           = a^2 (P - c)^2 / (1 - c)^2 * (1 - P) / P           (Lord 1980, eq. 4-43)

which for c = 0 reduces to a^2 P (1 - P). The logistic metric (no D = 1.702 scaling) is the one
of R's mirt and ltm and of catsim. The slope-intercept form used for calibration writes the logit
as a theta + d with d = -a b.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import (
    PROBABILITY_FLOOR,
    FloatArray,
    IntArray,
    as_float_array,
)


@dataclass(frozen=True, eq=False, slots=True)
class ItemBank:
    """Item parameters as parallel arrays, one entry per item.

    `skill` codes each item's skill (0..n_skills-1) for content balancing in adaptive tests.
    """

    a: FloatArray
    b: FloatArray
    c: FloatArray
    skill: IntArray

    def __post_init__(self) -> None:
        if not len(self.a) == len(self.b) == len(self.c) == len(self.skill):
            raise ValueError("a, b, c and skill must have one entry per item")
        if np.any(self.a <= 0):
            raise ValueError("discriminations (a) must be positive")
        if np.any((self.c < 0) | (self.c >= 1)):
            raise ValueError("guessing (c) must be within [0, 1)")

    @classmethod
    def from_arrays(
        cls,
        *,
        a: npt.ArrayLike,
        b: npt.ArrayLike,
        c: npt.ArrayLike | None = None,
        skill: npt.ArrayLike | None = None,
    ) -> "ItemBank":
        a_values = as_float_array(a)
        size = len(a_values)
        return cls(
            a=a_values,
            b=as_float_array(b),
            c=np.zeros(size) if c is None else as_float_array(c),
            skill=np.zeros(size, dtype=np.int64) if skill is None else np.asarray(skill, np.int64),
        )

    @property
    def size(self) -> int:
        return len(self.a)

    def subset(self, items: IntArray) -> "ItemBank":
        return ItemBank(a=self.a[items], b=self.b[items], c=self.c[items], skill=self.skill[items])


def probability(
    theta: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike = 0.0
) -> FloatArray:
    """P(correct); theta and the item parameters broadcast (e.g. theta[:, None] x items)."""
    theta_values, a_values = as_float_array(theta), as_float_array(a)
    b_values, c_values = as_float_array(b), as_float_array(c)
    logistic = 0.5 * (1.0 + np.tanh(0.5 * a_values * (theta_values - b_values)))
    result: FloatArray = c_values + (1.0 - c_values) * logistic
    return result


def fisher_information(
    theta: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike = 0.0
) -> FloatArray:
    """Item information at theta (Lord 1980, eq. 4-43); broadcasts like `probability`."""
    a_values, c_values = as_float_array(a), as_float_array(c)
    p = np.clip(probability(theta, a_values, b, c_values), PROBABILITY_FLOOR, 1.0)
    result: FloatArray = (a_values * (p - c_values) / (1.0 - c_values)) ** 2 * (1.0 - p) / p
    return result


def log_likelihood(
    theta: npt.ArrayLike,
    responses: npt.ArrayLike,
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    c: npt.ArrayLike = 0.0,
) -> FloatArray:
    """Log-likelihood of 0/1 responses (NaN = not answered), summed over the last axis."""
    answers = as_float_array(responses)
    p = np.clip(probability(theta, a, b, c), PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    terms = np.where(answers == 1.0, np.log(p), np.log1p(-p))
    result: FloatArray = np.where(np.isnan(answers), 0.0, terms).sum(axis=-1)
    return result
