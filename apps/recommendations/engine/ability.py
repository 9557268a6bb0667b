"""Ability estimation for calibrated items: EAP (with posterior SD) and maximum likelihood.

EAP (Bock & Mislevy 1982): with a N(mu, sigma) prior on a quadrature grid,
    theta_hat = sum_q theta_q L(theta_q) w_q / sum_q L(theta_q) w_q
    SE        = sqrt(sum_q (theta_q - theta_hat)^2 L(theta_q) w_q / sum_q L(theta_q) w_q)
MLE: the maximiser of the log-likelihood on [-6, 6], with SE = 1 / sqrt(test information).
It does not exist (it runs to a bound) while all answers are right or all are wrong.

Responses are 0/1 with NaN for items not administered, so a person's vector can be laid over
the whole bank. Both estimators are vectorised over persons.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from .arrays import FloatArray, IntArray, as_float_array
from .irt import ItemBank, fisher_information, log_likelihood
from .quadrature import Quadrature, gauss_hermite

THETA_BOUNDS = (-6.0, 6.0)
_GRID_STEP = 0.1
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True, slots=True)
class AbilityEstimate:
    theta: float
    standard_error: float
    response_count: int
    method: Literal["eap", "mle"]


@dataclass(frozen=True, eq=False, slots=True)
class AbilityEstimates:
    theta: FloatArray
    standard_error: FloatArray
    response_count: IntArray
    method: Literal["eap", "mle"]

    def person(self, index: int) -> AbilityEstimate:
        return AbilityEstimate(
            theta=float(self.theta[index]),
            standard_error=float(self.standard_error[index]),
            response_count=int(self.response_count[index]),
            method=self.method,
        )


def _as_table(responses: npt.ArrayLike, items: ItemBank) -> FloatArray:
    table = np.atleast_2d(as_float_array(responses))
    if table.shape[1] != items.size:
        raise ValueError(f"expected {items.size} responses per person, got {table.shape[1]}")
    answered = table[~np.isnan(table)]
    if np.any((answered != 0.0) & (answered != 1.0)):
        raise ValueError("responses must be 0, 1 or NaN")
    return table


def estimate_eap_many(
    responses: npt.ArrayLike,
    items: ItemBank,
    *,
    quadrature: Quadrature | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> AbilityEstimates:
    """EAP for each row of a persons x items table (NaN = not administered)."""
    table = _as_table(responses, items)
    rule = quadrature or gauss_hermite(21)
    points = prior_mean + prior_sd * rule.points
    answered = ~np.isnan(table)
    correct = np.where(answered, table, 0.0)
    p = np.clip(
        items.c + (1.0 - items.c) / (1.0 + np.exp(-items.a * (points[:, None] - items.b))),
        1e-12,
        1.0 - 1e-12,
    )
    log_joint = correct @ np.log(p).T + (answered & (table == 0.0)) @ np.log1p(-p).T
    log_joint += np.log(rule.weights)
    log_joint -= log_joint.max(axis=1, keepdims=True)
    posterior = np.exp(log_joint)
    posterior /= posterior.sum(axis=1, keepdims=True)
    theta = posterior @ points
    variance = posterior @ points**2 - theta**2
    return AbilityEstimates(
        theta=theta,
        standard_error=np.sqrt(np.clip(variance, 0.0, None)),
        response_count=answered.sum(axis=1).astype(np.int64),
        method="eap",
    )


def estimate_eap(
    responses: npt.ArrayLike,
    items: ItemBank,
    *,
    quadrature: Quadrature | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> AbilityEstimate:
    """EAP for one person's responses to `items` (NaN = not administered)."""
    estimates = estimate_eap_many(
        responses, items, quadrature=quadrature, prior_mean=prior_mean, prior_sd=prior_sd
    )
    return estimates.person(0)


def _maximise_log_likelihood(table: FloatArray, items: ItemBank) -> FloatArray:
    """Global maximiser on THETA_BOUNDS: grid search, then golden section around the best."""
    low, high = THETA_BOUNDS
    grid = np.arange(low, high + _GRID_STEP / 2, _GRID_STEP)
    values = log_likelihood(grid[None, :, None], table[:, None, :], items.a, items.b, items.c)
    best = grid[np.argmax(values, axis=1)]
    left = np.maximum(best - _GRID_STEP, low)
    right = np.minimum(best + _GRID_STEP, high)
    for _ in range(40):  # shrinks the bracket by 0.618^40, about 1e-9 of 0.2
        inner_left = right - _GOLDEN * (right - left)
        inner_right = left + _GOLDEN * (right - left)
        at_left = log_likelihood(inner_left[:, None], table, items.a, items.b, items.c)
        at_right = log_likelihood(inner_right[:, None], table, items.a, items.b, items.c)
        move_right = at_right > at_left
        left = np.where(move_right, inner_left, left)
        right = np.where(move_right, right, inner_right)
    result: FloatArray = (left + right) / 2.0
    return result


def test_information(theta: FloatArray, table: FloatArray, items: ItemBank) -> FloatArray:
    """Sum of the information of the items each person answered, at that person's theta."""
    information = fisher_information(theta[:, None], items.a, items.b, items.c)
    result: FloatArray = np.where(np.isnan(table), 0.0, information).sum(axis=1)
    return result


def estimate_mle_many(responses: npt.ArrayLike, items: ItemBank) -> AbilityEstimates:
    """Maximum-likelihood theta per row; SE = 1 / sqrt(information), inf with no information."""
    table = _as_table(responses, items)
    theta = _maximise_log_likelihood(table, items)
    information = test_information(theta, table, items)
    with np.errstate(divide="ignore"):
        standard_error = np.where(information > 0, 1.0 / np.sqrt(information), np.inf)
    return AbilityEstimates(
        theta=theta,
        standard_error=standard_error,
        response_count=(~np.isnan(table)).sum(axis=1).astype(np.int64),
        method="mle",
    )


def estimate_mle(responses: npt.ArrayLike, items: ItemBank) -> AbilityEstimate:
    """Maximum-likelihood theta for one person's responses to `items`."""
    return estimate_mle_many(responses, items).person(0)
