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

from apps.recommendations.engine.arrays import FloatArray, IntArray, as_float_array
from apps.recommendations.engine.irt import (
    ItemBank,
    fisher_information,
    log_likelihood,
    probability,
)
from apps.recommendations.engine.quadrature import Quadrature, gauss_hermite

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


@dataclass(frozen=True, eq=False, slots=True)
class ItemColumns:
    """Item parameters aligned with a response table: each broadcasts to (persons, columns).

    With a whole bank the columns are the bank's items (shape (1, items)); inside an adaptive
    test they are each person's administered items in order (shape (persons, length)).
    """

    a: FloatArray
    b: FloatArray
    c: FloatArray

    @classmethod
    def of_bank(cls, items: ItemBank) -> "ItemColumns":
        return cls(a=items.a[None, :], b=items.b[None, :], c=items.c[None, :])


def _posterior_moments(
    table: FloatArray, columns: ItemColumns, points: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Posterior mean and variance of theta on the grid, per person."""
    answered = ~np.isnan(table)
    p = probability(
        points[None, :, None], columns.a[:, None, :], columns.b[:, None, :], columns.c[:, None, :]
    )
    p = np.clip(p, 1e-12, 1.0 - 1e-12)
    right = (answered & (table == 1.0))[:, None, :]
    wrong = (answered & (table == 0.0))[:, None, :]
    log_joint = np.where(right, np.log(p), 0.0).sum(axis=2)
    log_joint += np.where(wrong, np.log1p(-p), 0.0).sum(axis=2)
    log_joint += np.log(weights)
    log_joint -= log_joint.max(axis=1, keepdims=True)
    posterior = np.exp(log_joint)
    posterior /= posterior.sum(axis=1, keepdims=True)
    mean = posterior @ points
    return mean, np.clip(posterior @ points**2 - mean**2, 0.0, None)


def eap_for_columns(
    table: FloatArray,
    columns: ItemColumns,
    *,
    quadrature: Quadrature | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> AbilityEstimates:
    """EAP per row of `table` (0/1, NaN = not administered) against aligned item columns."""
    rule = quadrature or gauss_hermite(21)
    points = prior_mean + prior_sd * rule.points
    theta, variance = _posterior_moments(table, columns, points, rule.weights)
    return AbilityEstimates(
        theta=theta,
        standard_error=np.sqrt(variance),
        response_count=(~np.isnan(table)).sum(axis=1).astype(np.int64),
        method="eap",
    )


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
    return eap_for_columns(
        table,
        ItemColumns.of_bank(items),
        quadrature=quadrature,
        prior_mean=prior_mean,
        prior_sd=prior_sd,
    )


def eap_after_answer(
    *,
    prior_mean: float,
    prior_sd: float,
    a: float,
    b: float,
    c: float,
    correct: bool,
    quadrature: Quadrature | None = None,
) -> tuple[float, float]:
    """``estimate_eap`` of a single response, the same arithmetic on one grid (theta and its
    standard error): the answer path's sequential update, where the table-shaped general
    case spent most of its time building arrays."""
    rule = quadrature or gauss_hermite(21)
    points = prior_mean + prior_sd * rule.points
    p = np.clip(probability(points, a, b, c), 1e-12, 1.0 - 1e-12)
    log_joint = (np.log(p) if correct else np.log1p(-p)) + np.log(rule.weights)
    posterior = np.exp(log_joint - log_joint.max())
    posterior /= posterior.sum()
    mean = float(posterior @ points)
    variance = max(float(posterior @ points**2) - mean**2, 0.0)
    return mean, float(np.sqrt(variance))


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


def _log_likelihood_at(theta: FloatArray, table: FloatArray, columns: ItemColumns) -> FloatArray:
    """Log-likelihood per person at theta of shape (persons, k): result (persons, k)."""
    return log_likelihood(
        theta[:, :, None],
        table[:, None, :],
        columns.a[:, None, :],
        columns.b[:, None, :],
        columns.c[:, None, :],
    )


def _maximise_log_likelihood(table: FloatArray, columns: ItemColumns) -> FloatArray:
    """Global maximiser on THETA_BOUNDS: grid search, then golden section around the best."""
    low, high = THETA_BOUNDS
    grid = np.arange(low, high + _GRID_STEP / 2, _GRID_STEP)
    values = _log_likelihood_at(np.broadcast_to(grid, (len(table), len(grid))), table, columns)
    best = grid[np.argmax(values, axis=1)]
    left = np.maximum(best - _GRID_STEP, low)
    right = np.minimum(best + _GRID_STEP, high)
    for _ in range(40):  # shrinks the bracket by 0.618^40, about 1e-9 of 0.2
        inner = np.column_stack([right - _GOLDEN * (right - left), left + _GOLDEN * (right - left)])
        at = _log_likelihood_at(inner, table, columns)
        move_right = at[:, 1] > at[:, 0]
        left = np.where(move_right, inner[:, 0], left)
        right = np.where(move_right, right, inner[:, 1])
    result: FloatArray = (left + right) / 2.0
    return result


def information_for_columns(
    theta: FloatArray, table: FloatArray, columns: ItemColumns
) -> FloatArray:
    """Test information at each person's theta from the items that person answered."""
    information = fisher_information(theta[:, None], columns.a, columns.b, columns.c)
    result: FloatArray = np.where(np.isnan(table), 0.0, information).sum(axis=1)
    return result


def standard_error_from_information(information: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        result: FloatArray = np.where(information > 0, 1.0 / np.sqrt(information), np.inf)
    return result


def mle_for_columns(table: FloatArray, columns: ItemColumns) -> AbilityEstimates:
    """Maximum-likelihood theta per row against aligned item columns."""
    theta = _maximise_log_likelihood(table, columns)
    information = information_for_columns(theta, table, columns)
    return AbilityEstimates(
        theta=theta,
        standard_error=standard_error_from_information(information),
        response_count=(~np.isnan(table)).sum(axis=1).astype(np.int64),
        method="mle",
    )


def estimate_mle_many(responses: npt.ArrayLike, items: ItemBank) -> AbilityEstimates:
    """Maximum-likelihood theta per row; SE = 1 / sqrt(information), inf with no information."""
    return mle_for_columns(_as_table(responses, items), ItemColumns.of_bank(items))


def estimate_mle(responses: npt.ArrayLike, items: ItemBank) -> AbilityEstimate:
    """Maximum-likelihood theta for one person's responses to `items`."""
    return estimate_mle_many(responses, items).person(0)
