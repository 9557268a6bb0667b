"""Item calibration by marginal maximum likelihood: Bock & Aitkin (1981) EM on a fixed grid.

E-step: for each distinct response pattern, the posterior of theta over the quadrature points;
from it, per item and point, the expected number of examinees (n) and of correct answers (r).
M-step: per item, maximise sum_q r_q log P_q + (n_q - r_q) log(1 - P_q) by Fisher scoring in
(a, d, z), vectorised over items, with step halving so the expected log-likelihood never falls.
The 3PL guessing parameter is either fixed (one value, or one per item) or bounded:
c = lo + (hi - lo) sigmoid(z).

Missing responses (NaN) simply drop out of an examinee's likelihood (missing at random).
Standard errors use the cross-product of per-pattern scores (the XPD estimate, as mirt's
SE.type = "crossprod"), mapped from (a, d, z) to (a, b, c) by the delta method.
"""

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import FloatArray, as_float_array, as_int_array
from apps.recommendations.engine.irt_mml import (
    ItemParams,
    Patterns,
    answer_patterns,
    distinct_patterns,
    expected_log_likelihood,
    posterior_weights,
    probability_derivatives,
    response_probability,
)
from apps.recommendations.engine.irt_uncertainty import ItemEstimates, item_estimates
from apps.recommendations.engine.quadrature import Quadrature, equally_spaced

IrtModel = Literal["2pl", "3pl"]


@dataclass(frozen=True, slots=True)
class CalibrationOptions:
    model: IrtModel = "2pl"
    quadrature: Quadrature = field(default_factory=equally_spaced)
    # 3PL only: a fixed guessing value, for every item or one per item (e.g. 1 / options of a
    # choice item, as authored), or else the interval c is estimated within.
    fixed_guessing: float | tuple[float, ...] | None = None
    guessing_bounds: tuple[float, float] = (0.0, 0.35)
    max_iterations: int = 5000
    # Converged when no parameter moves by more than this in one EM cycle.
    tolerance: float = 1e-7


@dataclass(frozen=True, eq=False, slots=True)
class CalibrationResult:
    items: ItemEstimates
    log_likelihood: float
    person_count: int
    iterations: int
    converged: bool
    model: IrtModel


class UncalibratableItemsError(ValueError):
    """Items whose parameters the data cannot determine (no answers, or all the same)."""

    def __init__(self, item_indexes: list[int], reason: str) -> None:
        super().__init__(f"items {item_indexes} cannot be calibrated: {reason}")
        self.item_indexes, self.reason = item_indexes, reason


def _check(responses: FloatArray, options: CalibrationOptions) -> None:
    if responses.ndim != 2 or responses.shape[1] == 0:
        raise ValueError("responses must be a persons x items table")
    answered = responses[~np.isnan(responses)]
    if np.any((answered != 0.0) & (answered != 1.0)):
        raise ValueError("responses must be 0, 1 or NaN")
    _check_options(options, responses.shape[1])
    _check_items(
        np.sum(~np.isnan(responses), axis=0).astype(np.float64), np.nansum(responses, axis=0)
    )


def _check_options(options: CalibrationOptions, n_items: int) -> None:
    if options.model not in ("2pl", "3pl"):
        raise ValueError(f"unknown IRT model {options.model!r}; use '2pl' or '3pl'")
    if isinstance(options.fixed_guessing, tuple):
        guessing = np.asarray(options.fixed_guessing, dtype=np.float64)
        if guessing.shape != (n_items,):
            raise ValueError("fixed_guessing needs one value per item")
        if np.any((guessing < 0.0) | (guessing >= 1.0)):
            raise ValueError("fixed guessing values must be in [0, 1)")


def _check_items(count: FloatArray, right: FloatArray) -> None:
    # With no answers, or only right or only wrong ones, the likelihood has no maximum: the
    # intercept runs off to infinity. Refuse rather than report meaningless numbers.
    if np.any(count == 0):
        raise UncalibratableItemsError(np.flatnonzero(count == 0).tolist(), "no answers")
    uniform = (right == 0) | (right == count)
    if np.any(uniform):
        raise UncalibratableItemsError(
            np.flatnonzero(uniform).tolist(), "every answer is the same (all right or all wrong)"
        )


def _initial(patterns: Patterns, options: CalibrationOptions) -> ItemParams:
    answered = patterns.answered_per_item()
    correct = patterns.correct_per_item()
    share = np.clip((correct + 0.5) / (answered + 1.0), 0.02, 0.98)
    n_items = len(share)
    low, high = options.guessing_bounds
    if options.model == "2pl":
        fixed_c: FloatArray | None = np.zeros(n_items)
    elif isinstance(options.fixed_guessing, tuple):
        fixed_c = np.asarray(options.fixed_guessing, dtype=np.float64)
    elif options.fixed_guessing is not None:
        fixed_c = np.full(n_items, float(options.fixed_guessing))
    else:
        fixed_c = None
    start_c = float(np.clip(0.15, low + 0.01, high - 0.01)) if high > low else low
    c_now = fixed_c if fixed_c is not None else np.full(n_items, start_c)
    above = np.clip((share - c_now) / (1.0 - c_now), 0.02, 0.98)
    z = np.full(n_items, np.log((start_c - low + 1e-9) / (high - start_c + 1e-9)))
    return ItemParams(a=np.ones(n_items), d=np.log(above / (1.0 - above)), z=z, fixed_c=fixed_c)


def _with_vector(params: ItemParams, vector: FloatArray) -> ItemParams:
    z = vector[:, 2] if params.fixed_c is None else params.z
    return ItemParams(a=vector[:, 0], d=vector[:, 1], z=z, fixed_c=params.fixed_c)


def _m_step(
    params: ItemParams,
    points: FloatArray,
    r: FloatArray,
    n: FloatArray,
    bounds: tuple[float, float],
    n_steps: int = 8,
) -> ItemParams:
    """Fisher scoring for every item at once, with step halving per item."""
    for _ in range(n_steps):
        p, dp = probability_derivatives(params, points, bounds)
        scale = 1.0 / (p * (1.0 - p))
        gradient = np.einsum("jq,jqk->jk", (r - n * p) * scale, dp)
        information = np.einsum("jq,jqk,jql->jkl", n * scale, dp, dp)
        information += 1e-9 * np.eye(dp.shape[-1])  # keeps flat directions solvable
        step = np.linalg.solve(information, gradient[..., None])[..., 0]
        before = expected_log_likelihood(params, points, r, n, bounds)
        vector = params.vector()
        factor = np.ones(len(vector))
        for _ in range(12):
            candidate = _with_vector(params, vector + factor[:, None] * step)
            worse = expected_log_likelihood(candidate, points, r, n, bounds) < before - 1e-12
            if not worse.any():
                break
            factor = np.where(worse, factor / 2.0, factor)
        params = _with_vector(params, vector + factor[:, None] * step)
        if np.max(np.abs(factor[:, None] * step)) < 1e-10:
            break
    return params


def _natural(params: ItemParams, bounds: tuple[float, float]) -> FloatArray:
    return np.column_stack([params.a, params.d, params.guessing(bounds)])


def calibrate_irt(
    responses: npt.ArrayLike, options: CalibrationOptions | None = None
) -> CalibrationResult:
    """Calibrate 2PL or 3PL items from a persons x items 0/1 table (NaN = not answered)."""
    options = options or CalibrationOptions()
    table = as_float_array(responses)
    _check(table, options)
    return _fit(distinct_patterns(table), options, person_count=int(table.shape[0]))


def calibrate_irt_answers(
    person: npt.ArrayLike,
    item: npt.ArrayLike,
    correct: npt.ArrayLike,
    *,
    n_items: int,
    options: CalibrationOptions | None = None,
) -> CalibrationResult:
    """The same calibration from long-form answers: person and item codes (0..n-1) and 0/1
    outcomes, at most one per person and item. Memory grows with the answers, not with
    persons x items (a course with 50,000 learners and 2,000 items as a dense table needs
    800 MB before the EM starts). Standard errors are block diagonal (per item)."""
    options = options or CalibrationOptions()
    persons, items = as_int_array(person), as_int_array(item)
    outcomes = as_float_array(correct)
    if not (len(persons) == len(items) == len(outcomes)):
        raise ValueError("person, item and correct must have the same length")
    if np.any((outcomes != 0.0) & (outcomes != 1.0)):
        raise ValueError("correct must be 0 or 1")
    if len(items) and (items.min() < 0 or items.max() >= n_items or persons.min() < 0):
        raise ValueError("person and item codes must be 0..n-1")
    # Only persons with answers: codes are made dense so no empty pattern enters the E-step.
    # answer_patterns refuses a second answer by the same person to the same item.
    answering, person_code = np.unique(persons, return_inverse=True)
    patterns = answer_patterns(
        person_code.astype(np.int64), items, outcomes == 1.0, len(answering), n_items
    )
    _check_options(options, n_items)
    _check_items(patterns.answered_per_item(), patterns.correct_per_item())
    return _fit(patterns, options, person_count=len(answering))


def _fit(
    patterns: Patterns, options: CalibrationOptions, *, person_count: int
) -> CalibrationResult:
    params = _initial(patterns, options)
    points, bounds = options.quadrature.points, options.guessing_bounds
    converged, iteration = False, 0
    for iteration in range(1, options.max_iterations + 1):  # noqa: B007 - reported below
        p = response_probability(params, points, bounds)
        posterior, _ = posterior_weights(patterns, p, options.quadrature)
        weighted = posterior * patterns.count[:, None]
        r = patterns.correct.T @ weighted
        n = patterns.observed.T @ weighted
        updated = _m_step(params, points, r, n, bounds)
        # Compare (a, d, c), not z: when c runs to a bound, z drifts off without end.
        change = float(np.max(np.abs(_natural(updated, bounds) - _natural(params, bounds))))
        params = updated
        if change < options.tolerance:
            converged = True
            break
    p = response_probability(params, points, bounds)
    posterior, log_likelihood = posterior_weights(patterns, p, options.quadrature)
    return CalibrationResult(
        items=item_estimates(params, patterns, posterior, points, bounds),
        log_likelihood=log_likelihood,
        person_count=person_count,
        iterations=iteration,
        converged=converged,
        model=options.model,
    )


def marginal_log_likelihood(
    responses: npt.ArrayLike,
    *,
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    c: npt.ArrayLike | None = None,
    quadrature: Quadrature | None = None,
) -> float:
    """Marginal log-likelihood of a persons x items table under given item parameters.

    Scores calibrations from other programs on the same quadrature (benchmarks, tests).
    """
    table = as_float_array(responses)
    slopes, difficulties = as_float_array(a), as_float_array(b)
    guessing = np.zeros(len(slopes)) if c is None else as_float_array(c)
    params = ItemParams(a=slopes, d=-slopes * difficulties, z=guessing, fixed_c=guessing)
    rule = quadrature or equally_spaced()
    probabilities = response_probability(params, rule.points, (0.0, 1.0))
    _, log_likelihood = posterior_weights(distinct_patterns(table), probabilities, rule)
    return log_likelihood
