"""Standard errors of calibrated item parameters (cross-product of per-pattern scores).

The score of one response pattern is the posterior expectation of the complete-data score
(Fisher's identity); the frequency-weighted sum of their outer products estimates the
information matrix. Its inverse is mapped from (a, d, z) to (a, b, c) by the delta method:
b = -d / a and c = lo + (hi - lo) sigmoid(z).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import expit

from apps.recommendations.engine.arrays import FloatArray
from apps.recommendations.engine.irt_mml import ItemParams, Patterns, probability_derivatives

# Above this many free parameters the covariance is inverted item by item (block diagonal),
# which ignores the covariance between items but keeps large banks tractable.
_FULL_COVARIANCE_LIMIT = 1500
# Answered cells scored at a time on the sparse path (two chunk x points float arrays).
_SPARSE_CHUNK = 50_000


@dataclass(frozen=True, eq=False, slots=True)
class ItemEstimates:
    """Per-item parameters and standard errors (NaN where not estimated)."""

    a: FloatArray
    b: FloatArray
    c: FloatArray
    d: FloatArray  # intercept: logit = a theta + d
    se_a: FloatArray
    se_b: FloatArray
    se_c: FloatArray
    se_d: FloatArray
    response_count: npt.NDArray[np.int64]  # answered responses behind each item


def _pattern_scores(
    params: ItemParams,
    patterns: Patterns,
    posterior: FloatArray,
    points: FloatArray,
    bounds: tuple[float, float],
) -> FloatArray:
    """Scores (patterns, items, k) of each pattern's marginal log-likelihood."""
    p, dp = probability_derivatives(params, points, bounds)
    per_probability = dp / (p * (1.0 - p))[..., None]
    n_params = dp.shape[-1]
    scores = np.empty((posterior.shape[0], p.shape[0], n_params))
    for k in range(n_params):  # 2 or 3 parameters per item
        expected = posterior @ per_probability[:, :, k].T
        expected_at_p = posterior @ (p * per_probability[:, :, k]).T
        scores[:, :, k] = patterns.observed * (patterns.correct * expected - expected_at_p)
    return scores


def _sparse_covariance_blocks(
    params: ItemParams,
    patterns: Patterns,
    posterior: FloatArray,
    points: FloatArray,
    bounds: tuple[float, float],
) -> FloatArray:
    """Per-item covariance blocks (items, k, k) from the answered cells only: the same scores
    as `_pattern_scores` (zero where a pattern did not answer), summed item by item, so memory
    grows with the answers. Always block diagonal."""
    p, dp = probability_derivatives(params, points, bounds)
    per_probability = dp / (p * (1.0 - p))[..., None]
    at_p = p[..., None] * per_probability
    n_items, n_params = p.shape[0], dp.shape[-1]
    # observed + correct: 1 where wrong, 2 where right, on exactly the observed cells.
    cells = sparse.csr_array(patterns.observed + patterns.correct)
    rows = np.repeat(np.arange(cells.shape[0]), np.diff(cells.indptr))
    columns, right = cells.indices.astype(np.int64), cells.data == 2.0
    information = np.zeros((n_items, n_params, n_params))
    for start in range(0, len(rows), _SPARSE_CHUNK):
        chunk = slice(start, start + _SPARSE_CHUNK)
        weights, items = posterior[rows[chunk]], columns[chunk]
        scores = np.empty((len(items), n_params))
        for k in range(n_params):
            # A cell's score (Fisher's identity): E[dlogP] if right, minus E[P dlogP], where
            # dlogP = dP / (P (1 - P)) and E is over the pattern's posterior.
            expected = np.einsum("nq,nq->n", weights, per_probability[items, :, k])
            expected_at_p = np.einsum("nq,nq->n", weights, at_p[items, :, k])
            scores[:, k] = np.where(right[chunk], expected, 0.0) - expected_at_p
        count = patterns.count[rows[chunk]]
        for k in range(n_params):
            for m in range(k, n_params):
                summed = np.bincount(items, scores[:, k] * scores[:, m] * count, minlength=n_items)
                information[:, k, m] += summed
                if m != k:
                    information[:, m, k] += summed
    return np.asarray(np.linalg.pinv(information), dtype=np.float64)


def _covariance_blocks(scores: FloatArray, count: FloatArray) -> FloatArray:
    """Per-item covariance blocks (items, k, k) of the free parameters."""
    n_patterns, n_items, n_params = scores.shape
    if n_items * n_params <= _FULL_COVARIANCE_LIMIT:
        flat = scores.reshape(n_patterns, n_items * n_params)
        covariance = np.linalg.pinv(flat.T @ (flat * count[:, None]))
        blocks = covariance.reshape(n_items, n_params, n_items, n_params)
        return np.asarray(np.einsum("jkjl->jkl", blocks), dtype=np.float64)
    information = np.einsum("ijk,ijl,i->jkl", scores, scores, count)
    return np.asarray(np.linalg.pinv(information), dtype=np.float64)


def item_estimates(
    params: ItemParams,
    patterns: Patterns,
    posterior: FloatArray,
    points: FloatArray,
    bounds: tuple[float, float],
) -> ItemEstimates:
    if patterns.is_sparse:
        blocks = _sparse_covariance_blocks(params, patterns, posterior, points, bounds)
    else:
        blocks = _covariance_blocks(
            _pattern_scores(params, patterns, posterior, points, bounds), patterns.count
        )
    a, d = params.a, params.d
    variance_a, variance_d, covariance_ad = blocks[:, 0, 0], blocks[:, 1, 1], blocks[:, 0, 1]
    variance_b = variance_d / a**2 + d**2 * variance_a / a**4 - 2.0 * d * covariance_ad / a**3
    if params.fixed_c is None:
        low, high = bounds
        sigmoid_z = expit(params.z)
        slope = (high - low) * sigmoid_z * (1.0 - sigmoid_z)
        se_c = np.abs(slope) * np.sqrt(np.clip(blocks[:, 2, 2], 0.0, None))
        # On a bound the delta method gives 0, which would read as certainty: report NaN.
        guessing = params.guessing(bounds)
        se_c = np.where((guessing - low < 1e-4) | (high - guessing < 1e-4), np.nan, se_c)
    else:
        se_c = np.full(len(a), np.nan)
    return ItemEstimates(
        a=a,
        b=-d / a,
        c=params.guessing(bounds),
        d=d,
        se_a=np.sqrt(np.clip(variance_a, 0.0, None)),
        se_b=np.sqrt(np.clip(variance_b, 0.0, None)),
        se_c=se_c,
        se_d=np.sqrt(np.clip(variance_d, 0.0, None)),
        response_count=np.rint(patterns.answered_per_item()).astype(np.int64),
    )
