"""The marginal-likelihood pieces shared by IRT calibration and its standard errors."""

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from scipy import sparse
from scipy.special import expit

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, BoolArray, FloatArray, IntArray
from apps.recommendations.engine.quadrature import Quadrature

# A (patterns, items) 0/1 table: dense, or a scipy CSR array when most cells are unanswered
# (a course's learners x items). Every use is a matrix product, which both support.
PatternTable: TypeAlias = "FloatArray | sparse.csr_array"


@dataclass(frozen=True, eq=False, slots=True)
class Patterns:
    """Distinct response patterns with their frequencies (or, sparse, one per person)."""

    correct: PatternTable  # (patterns, items) 1 where answered correctly
    observed: PatternTable  # (patterns, items) 1 where answered
    count: FloatArray  # (patterns,)

    @property
    def is_sparse(self) -> bool:
        return bool(sparse.issparse(self.observed))

    def answered_per_item(self) -> FloatArray:
        counts: FloatArray = np.asarray(self.observed.T @ self.count, dtype=np.float64)
        return counts

    def correct_per_item(self) -> FloatArray:
        counts: FloatArray = np.asarray(self.correct.T @ self.count, dtype=np.float64)
        return counts


def answer_patterns(
    person: IntArray, item: IntArray, correct: BoolArray, n_persons: int, n_items: int
) -> Patterns:
    """One sparse pattern per person from long-form answers (at most one per person and item).

    Memory grows with the answers, not with persons x items."""
    ones = np.ones(len(person))
    shape = (n_persons, n_items)
    observed = sparse.csr_array((ones, (person, item)), shape=shape)
    right = correct.astype(bool)
    answered_right = sparse.csr_array((ones[right], (person[right], item[right])), shape=shape)
    if observed.nnz and observed.data.max() > 1.0:  # duplicates were summed
        raise ValueError("at most one answer per person and item")
    return Patterns(correct=answered_right, observed=observed, count=np.ones(n_persons))


def distinct_patterns(responses: FloatArray) -> Patterns:
    codes = np.where(np.isnan(responses), -1, responses).astype(np.int8)
    unique, counts = np.unique(codes, axis=0, return_counts=True)
    return Patterns(
        correct=(unique == 1).astype(np.float64),
        observed=(unique >= 0).astype(np.float64),
        count=counts.astype(np.float64),
    )


@dataclass(slots=True)
class ItemParams:
    a: FloatArray
    d: FloatArray
    z: FloatArray  # guessing on the logit scale within the bounds (unused when c is fixed)
    fixed_c: FloatArray | None  # per item; None when c is estimated

    def guessing(self, bounds: tuple[float, float]) -> FloatArray:
        if self.fixed_c is not None:
            return self.fixed_c
        low, high = bounds
        guessing: FloatArray = low + (high - low) * expit(self.z)
        return guessing

    def vector(self) -> FloatArray:
        columns = [self.a, self.d] if self.fixed_c is not None else [self.a, self.d, self.z]
        return np.column_stack(columns)


def response_probability(
    params: ItemParams, points: FloatArray, bounds: tuple[float, float]
) -> FloatArray:
    """P (items, points)."""
    c = params.guessing(bounds)[:, None]
    logistic = expit(params.a[:, None] * points[None, :] + params.d[:, None])
    p: FloatArray = np.clip(c + (1.0 - c) * logistic, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    return p


def posterior_weights(
    patterns: Patterns, p: FloatArray, quadrature: Quadrature
) -> tuple[FloatArray, float]:
    """Posterior weights (patterns, points) and the marginal log-likelihood."""
    log_wrong = np.log1p(-p)
    # correct log P + (observed - correct) log(1 - P), as two products with the pattern tables
    log_joint = patterns.correct @ (np.log(p) - log_wrong) + patterns.observed @ log_wrong
    log_joint += np.log(quadrature.weights)
    peak = log_joint.max(axis=1, keepdims=True)
    posterior = np.exp(log_joint - peak)
    total = posterior.sum(axis=1, keepdims=True)
    posterior /= total
    log_marginal = np.log(total[:, 0]) + peak[:, 0]
    return posterior, float(patterns.count @ log_marginal)


def probability_derivatives(
    params: ItemParams, points: FloatArray, bounds: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """P (items, points) and dP/d(a, d[, z]) (items, points, k)."""
    c = params.guessing(bounds)[:, None]
    logistic = expit(params.a[:, None] * points[None, :] + params.d[:, None])
    p = np.clip(c + (1.0 - c) * logistic, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    slope = (1.0 - c) * logistic * (1.0 - logistic)
    columns = [slope * points[None, :], slope]
    if params.fixed_c is None:
        low, high = bounds
        sigmoid_z = expit(params.z)[:, None]
        columns.append((1.0 - logistic) * (high - low) * sigmoid_z * (1.0 - sigmoid_z))
    return p, np.stack(columns, axis=-1)


def expected_log_likelihood(
    params: ItemParams,
    points: FloatArray,
    r: FloatArray,
    n: FloatArray,
    bounds: tuple[float, float],
) -> FloatArray:
    p = response_probability(params, points, bounds)
    result: FloatArray = (r * np.log(p) + (n - r) * np.log1p(-p)).sum(axis=1)
    return result
