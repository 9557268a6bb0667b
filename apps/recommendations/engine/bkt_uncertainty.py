"""Standard errors of fitted BKT parameters from the cross-product of per-sequence scores.

By Fisher's identity the score of the observed-data log-likelihood equals the posterior expected
complete-data score, which one forward-backward pass gives for every sequence. Summing the outer
products of the per-sequence scores estimates the information matrix (the XPD or BHHH estimate,
McLachlan & Krishnan 2008, section 4.3); its inverse, restricted to the parameters that are
free and away from their bounds, is the asymptotic covariance.

A standard error that cannot be computed is NaN, never an exception: a score that is not finite
(a parameter at 0 or 1 under bounds that allow it) leaves its parameter out, and an information
matrix the SVD cannot invert gives NaN for the whole skill.
"""

import numpy as np

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt_filter import (
    Emissions,
    backward_smooth,
    forward_filter,
    gather_rank_params,
)
from apps.recommendations.engine.bkt_fit_types import (
    PARAM_NAMES,
    BktFitOptions,
    BktStandardErrors,
    EmData,
)

_ON_BOUND = 1e-6


def _sequence_scores(
    data: EmData, params: dict[str, FloatArray], *, with_forget: bool
) -> tuple[FloatArray, FloatArray]:
    """Per-sequence scores (n_sequences, 5) in PARAM_NAMES order, and per-rank log-likelihood
    (of all the identical sequences a packed one stands for)."""
    rank_params = gather_rank_params(
        data.group_of_rank, params["prior"], params["learn"], params["forget"]
    )
    guess = params["guess"][data.group_of_packed][:, 0]
    slip = params["slip"][data.group_of_packed][:, 0]
    emissions = Emissions.from_guess_slip(data.correct, guess[:, None], slip[:, None])
    forward = forward_filter(data.packed, rank_params, emissions, data.tail)
    smooth = backward_smooth(
        data.packed,
        rank_params,
        forward,
        with_forget=with_forget,
        with_unknown_ratio=True,
        tail=data.tail,
    )
    assert smooth.ratio_unknown is not None  # requested above
    gamma = smooth.smoothed[:, 0]
    filtered = forward.filtered[:, 0]
    # Zero for the last element of each sequence, which has no transition after it.
    ratio_gap = (smooth.ratio_known - smooth.ratio_unknown)[:, 0]
    correct = data.correct
    n_sequences = data.packed.n_sequences
    rank = data.packed.rank_of_packed
    prior = rank_params.prior[:, 0]
    gamma_first = gamma[:n_sequences]

    def per_rank(ranks: IntArray, values: FloatArray) -> FloatArray:
        return np.bincount(ranks, weights=values, minlength=n_sequences).astype(np.float64)

    # A parameter at 0 or 1 divides by zero here; its column is then left out (see above).
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.column_stack(
            [
                gamma_first / prior - (1.0 - gamma_first) / (1.0 - prior),
                per_rank(rank, (1.0 - filtered) * ratio_gap),
                per_rank(rank, np.where(correct, (1 - gamma) / guess, -(1 - gamma) / (1 - guess))),
                per_rank(rank, np.where(correct, -gamma / (1 - slip), gamma / slip)),
                per_rank(rank, -filtered * ratio_gap),
            ]
        )
    log_likelihood = per_rank(rank, np.log(forward.normaliser[:, 0]))
    return scores, log_likelihood * data.weight_of_rank


def standard_errors(
    data: EmData,
    params: dict[str, FloatArray],
    n_groups: int,
    options: BktFitOptions,
) -> tuple[list[BktStandardErrors], FloatArray]:
    """Standard errors per group and the log-likelihood per group at `params` (G, 1)."""
    scores, rank_log_likelihood = _sequence_scores(data, params, with_forget=options.fit_forget)
    group_log_likelihood = np.bincount(
        data.group_of_rank, weights=rank_log_likelihood, minlength=n_groups
    ).astype(np.float64)
    order = np.argsort(data.group_of_rank, kind="stable")
    boundaries = np.searchsorted(data.group_of_rank[order], np.arange(n_groups + 1))
    results = []
    for group in range(n_groups):
        ranks = order[boundaries[group] : boundaries[group + 1]]
        group_scores = scores[ranks]
        finite = np.logical_and.reduce(np.isfinite(group_scores), axis=0)
        free = _free_parameters(params, group, options, finite)
        errors = _errors(group_scores, data.weight_of_rank[ranks], free)
        results.append(BktStandardErrors(*(float(value) for value in errors)))
    return results, group_log_likelihood


def _free_parameters(
    params: dict[str, FloatArray], group: int, options: BktFitOptions, finite: BoolArray
) -> list[int]:
    """Columns of the parameters that are fitted, away from their bounds, with finite scores."""
    free = []
    for index, name in enumerate(PARAM_NAMES):
        low, high = getattr(options.bounds, name)
        value = float(params[name][group, 0])
        fixed = name == "forget" and not options.fit_forget
        if not fixed and low + _ON_BOUND < value < high - _ON_BOUND and finite[index]:
            free.append(index)
    return free


def _errors(group_scores: FloatArray, weights: FloatArray, free: list[int]) -> FloatArray:
    """`weights`: how many identical sequences each row of scores stands for."""
    errors = np.full(len(PARAM_NAMES), np.nan)
    if not free or weights.sum() <= len(free):
        return errors
    information = group_scores[:, free].T @ (weights[:, None] * group_scores[:, free])
    try:
        covariance = np.linalg.pinv(information)
    except np.linalg.LinAlgError:  # the SVD did not converge
        return errors
    variance = np.diag(covariance)
    errors[free] = np.where(np.isfinite(variance), np.sqrt(np.clip(variance, 0.0, None)), np.nan)
    return errors
