"""Fitting BKT by expectation-maximisation (Baum-Welch), all skills and learners at once.

Each skill's parameters are fitted from its own sequences, but the E-step runs over the packed
sequences of every skill together (see `bkt_filter`), so the Python-level work per iteration is
one loop over time steps however many skills, learners and restarts there are. Sequences of a
skill with identical answers are packed once, weighted by their number, and the steps that only
a few long sequences reach run in chunks (`bkt_fit_types`, `bkt_filter_tail`): the short,
repetitive sequences and the long tail of a mastery log cost far less, for the same result.

Restarts follow the short-run strategy of Biernacki, Celeux & Govaert (2003), "Choosing starting
values for the EM algorithm": every start runs a few iterations side by side, then only the best
start of each skill is iterated to convergence. Skills that have converged are dropped from the
packed arrays so the remaining ones run on less data.

The M-step is the closed-form BKT one (Rabiner 1989; pyBKT's `M_step`), then clipped to the
bounds. Each parameter's expected complete-data log-likelihood is n1 log x + n0 log(1 - x), a
concave function of that parameter alone, so clipping gives the exact constrained maximum and
the log-likelihood still never decreases.

Standard errors come from the cross-product of per-sequence scores (Fisher's identity: the score
is the expected complete-data score), the usual XPD estimate of the information matrix.

Numerics: the filter and smoother keep every probability within [0, 1] (see `bkt_filter`), the
expected counts are clipped to their ranges, and a non-finite count never reaches the M-step,
so log-likelihoods stay finite. A skill the data cannot identify (no responses, one response,
all answers right or all wrong), or whose EM fails anyway, is not fitted: it gets the fallback
parameters and says why in `BktSkillFit.fallback`.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_filter import (
    Emissions,
    backward_smooth,
    forward_filter,
    gather_rank_params,
)
from apps.recommendations.engine.bkt_fit_types import (
    FALLBACK_ALL_CORRECT,
    FALLBACK_ALL_WRONG,
    FALLBACK_NO_RESPONSES,
    FALLBACK_NON_FINITE,
    FALLBACK_ONE_RESPONSE,
    FALLBACK_RESTARTS_FAILED,
    PARAM_NAMES,
    BktBounds,
    BktFitOptions,
    BktSkillFit,
    BktStandardErrors,
    EmData,
    prepare_em_data,
)
from apps.recommendations.engine.bkt_uncertainty import standard_errors
from apps.recommendations.engine.sequences import ResponseLog, sequence_ids

__all__ = [
    "BktBounds",
    "BktFitOptions",
    "BktSkillFit",
    "BktStandardErrors",
    "fit_bkt",
    "fit_bkt_skills",
]


def _e_step(
    data: EmData, params: dict[str, FloatArray], *, with_forget: bool
) -> dict[str, FloatArray]:
    """Expected counts and the log-likelihood per (group, parameter set).

    learn and forget are constant within a group, so the expected transition counts are the
    group's parameter times a sum of per-element terms (no per-element gather of the params).
    """
    rank_params = gather_rank_params(
        data.group_of_rank, params["prior"], params["learn"], params["forget"]
    )
    emissions = Emissions.from_group_tables(data.emission_code, params["guess"], params["slip"])
    forward = forward_filter(data.packed, rank_params, emissions, data.tail)
    smooth = backward_smooth(
        data.packed, rank_params, forward, with_forget=with_forget, tail=data.tail
    )
    gamma, filtered = smooth.smoothed, forward.filtered
    # Each expected count lies between 0 and the count of the responses it is taken over;
    # the clips only undo rounding in the sums (gamma is already within [0, 1]).
    known = np.clip(data.sum_all @ gamma, 0.0, data.count_all)
    known_correct = np.clip(data.sum_correct @ gamma, 0.0, np.minimum(known, data.count_correct))
    known_last = data.sum_first @ gamma[data.packed.last_of_rank()]
    known_before = np.clip(known - known_last, 0.0, data.count_has_next)
    unknown_before = data.count_has_next - known_before
    learn_weight = smooth.ratio_known - filtered * smooth.ratio_known
    learned = params["learn"] * (data.sum_all @ learn_weight)
    counts = {
        "log_likelihood": data.sum_all @ np.log(forward.normaliser),
        "known_first": np.clip(
            data.sum_first @ gamma[: data.packed.n_sequences], 0.0, data.count_first
        ),
        "sequences": data.count_first,
        "learned": np.clip(learned, 0.0, unknown_before),
        "unknown_before": unknown_before,
        "known_before": known_before,
        "guessed": data.count_correct - known_correct,
        "unknown": data.count_all - known,
        "slipped": known - known_correct,
        "known": known,
    }
    if smooth.ratio_unknown is not None:
        forgot = params["forget"] * (data.sum_all @ (filtered * smooth.ratio_unknown))
        counts["forgot"] = np.clip(forgot, 0.0, known_before)
    return counts


def _ratio(numerator: FloatArray, denominator: FloatArray, fallback: FloatArray) -> FloatArray:
    """numerator / denominator, keeping `fallback` where there is no evidence at all (or where
    a count is not finite, which the clipped E-step does not produce)."""
    usable = (denominator > PROBABILITY_FLOOR) & np.isfinite(numerator) & np.isfinite(denominator)
    safe = np.where(usable, denominator, 1.0)
    return np.where(usable, numerator / safe, fallback)


def _m_step(
    counts: dict[str, FloatArray], params: dict[str, FloatArray], options: BktFitOptions
) -> dict[str, FloatArray]:
    bounds = options.bounds
    updated = {
        "prior": _ratio(counts["known_first"], counts["sequences"], params["prior"]),
        "learn": _ratio(counts["learned"], counts["unknown_before"], params["learn"]),
        "guess": _ratio(counts["guessed"], counts["unknown"], params["guess"]),
        "slip": _ratio(counts["slipped"], counts["known"], params["slip"]),
        "forget": (
            _ratio(counts["forgot"], counts["known_before"], params["forget"])
            if "forgot" in counts
            else params["forget"]
        ),
    }
    return {name: np.clip(value, *getattr(bounds, name)) for name, value in updated.items()}


def _initial_params(n_groups: int, options: BktFitOptions) -> dict[str, FloatArray]:
    """Restart 0 is a typical BKT model; the others are drawn at random within the bounds."""
    rng = np.random.default_rng(options.seed)
    shape = (n_groups, options.restarts)
    draws = {
        "prior": rng.uniform(0.05, 0.9, shape),
        "learn": rng.uniform(0.01, 0.4, shape),
        "guess": rng.uniform(0.01, 0.3, shape),
        "slip": rng.uniform(0.01, 0.3, shape),
        "forget": rng.uniform(0.0, 0.2, shape) if options.fit_forget else np.zeros(shape),
    }
    typical = {"prior": 0.3, "learn": 0.1, "guess": 0.15, "slip": 0.1, "forget": 0.0}
    for name, value in typical.items():
        draws[name][:, 0] = value
    return {name: np.clip(value, *getattr(options.bounds, name)) for name, value in draws.items()}


def _subset(
    data_rows: tuple[IntArray, IntArray, BoolArray], groups: IntArray, n_groups: int
) -> EmData:
    """Packed data for the rows of the given groups only (ids are re-coded, groups kept)."""
    sequence_of_row, group_of_sequence, correct = data_rows
    keep_sequence = np.isin(group_of_sequence, groups)
    keep_row = keep_sequence[sequence_of_row]
    kept_ids, recoded = np.unique(sequence_of_row[keep_row], return_inverse=True)
    return prepare_em_data(
        recoded.astype(np.int64), group_of_sequence[kept_ids], correct[keep_row], n_groups
    )


@dataclass(slots=True)
class _EmState:
    params: dict[str, FloatArray]
    log_likelihood: FloatArray
    iterations: IntArray
    converged: BoolArray


def _run_em(
    data_rows: tuple[IntArray, IntArray, BoolArray],
    state: _EmState,
    n_iterations: int,
    options: BktFitOptions,
    *,
    check_convergence: bool,
) -> _EmState:
    n_groups = state.log_likelihood.shape[0]
    active = np.flatnonzero(~state.converged.all(axis=1))
    data = _subset(data_rows, active, n_groups)
    for _ in range(n_iterations):
        if len(active) == 0:
            break
        counts = _e_step(data, state.params, with_forget=options.fit_forget)
        log_likelihood = counts["log_likelihood"]
        improvement = log_likelihood - state.log_likelihood
        done = np.zeros_like(state.converged)
        if check_convergence:
            done = improvement <= options.relative_tolerance * np.abs(log_likelihood)
        rows = np.zeros(n_groups, dtype=np.bool_)
        rows[active] = True
        moving = rows[:, None] & ~state.converged & ~done
        stepped = _m_step(counts, state.params, options)
        for name in PARAM_NAMES:
            state.params[name] = np.where(moving, stepped[name], state.params[name])
        measured = rows[:, None] & ~state.converged
        state.log_likelihood = np.where(measured, log_likelihood, state.log_likelihood)
        state.iterations = np.where(measured, state.iterations + 1, state.iterations)
        state.converged = state.converged | (rows[:, None] & done)
        still_active = np.flatnonzero(~state.converged.all(axis=1))
        # Re-pack without the finished skills once at least 30% of those packed have finished.
        if len(still_active) < len(active) and len(still_active) <= 0.7 * len(active):
            data = _subset(data_rows, still_active, n_groups)
        active = still_active
    return state


def _best_restart(state: _EmState, skipped: BoolArray) -> _EmState:
    """The best start of each skill by log-likelihood (a non-finite one never wins); skills
    in `skipped` stay out of the EM runs that follow."""
    log_likelihood = np.where(np.isfinite(state.log_likelihood), state.log_likelihood, -np.inf)
    best = np.argmax(log_likelihood, axis=1)
    rows = np.arange(len(best))

    def pick(values: FloatArray) -> FloatArray:
        picked: FloatArray = values[rows, best][:, None]
        return picked

    return _EmState(
        params={name: pick(value) for name, value in state.params.items()},
        log_likelihood=np.full((len(best), 1), -np.inf),
        iterations=state.iterations[rows, best][:, None],
        converged=skipped[:, None].copy(),
    )


def _data_fallbacks(log: ResponseLog, n_groups: int) -> list[str | None]:
    """Skills whose responses cannot identify a BKT model, with the reason."""
    responses = np.bincount(log.skill, minlength=n_groups).tolist()
    right = np.bincount(log.skill, weights=log.correct, minlength=n_groups).tolist()
    reasons: list[str | None] = []
    for count, correct in zip(responses, right, strict=True):
        if count == 0:
            reasons.append(FALLBACK_NO_RESPONSES)
        elif count == 1:
            reasons.append(FALLBACK_ONE_RESPONSE)
        elif correct == count:
            reasons.append(FALLBACK_ALL_CORRECT)
        elif correct == 0:
            reasons.append(FALLBACK_ALL_WRONG)
        else:
            reasons.append(None)
    return reasons


def _mark(reasons: list[str | None], failed: npt.ArrayLike, reason: str) -> None:
    for group in np.flatnonzero(failed).tolist():
        reasons[group] = reasons[group] or reason


def _skipped(reasons: list[str | None]) -> BoolArray:
    return np.array([reason is not None for reason in reasons], dtype=np.bool_)


def fit_bkt_skills(
    log: ResponseLog, options: BktFitOptions | None = None
) -> tuple[BktSkillFit, ...]:
    """Fit one BKT model per skill of `log`; the result is indexed by skill code.

    Never raises on data: a skill that cannot be fitted gets `options.fallback_params`, with
    the reason in its `fallback` (see `bkt_fit_types`).
    """
    options = options or BktFitOptions()
    if options.restarts < 1:
        raise ValueError("restarts must be at least 1")
    n_groups = len(log.skill_names)
    sequence_of_row, group_of_sequence = sequence_ids(log.learner, log.skill)
    data_rows = (sequence_of_row, group_of_sequence, log.correct)
    reasons = _data_fallbacks(log, n_groups)
    shape = (n_groups, options.restarts)
    state = _EmState(
        params=_initial_params(n_groups, options),
        log_likelihood=np.full(shape, -np.inf),
        iterations=np.zeros(shape, dtype=np.int64),
        converged=np.repeat(_skipped(reasons)[:, None], options.restarts, axis=1),
    )
    if options.restarts > 1:
        state = _run_em(
            data_rows, state, options.screening_iterations, options, check_convergence=False
        )
        _mark(reasons, ~np.isfinite(state.log_likelihood).any(axis=1), FALLBACK_RESTARTS_FAILED)
    state = _best_restart(state, _skipped(reasons))
    remaining = max(options.max_iterations - int(state.iterations.max()), 1)
    state = _run_em(data_rows, state, remaining, options, check_convergence=True)
    finite = np.isfinite(state.log_likelihood[:, 0])
    for name in PARAM_NAMES:
        finite &= np.isfinite(state.params[name][:, 0])
    _mark(reasons, ~finite, FALLBACK_NON_FINITE)
    return _summarise(data_rows, state, reasons, options)


def _with_fallbacks(
    params: dict[str, FloatArray], reasons: list[str | None], fallback: BktParams
) -> dict[str, FloatArray]:
    skipped = _skipped(reasons)[:, None]
    return {
        name: np.where(skipped, getattr(fallback, name), value) for name, value in params.items()
    }


def _summarise(
    data_rows: tuple[IntArray, IntArray, BoolArray],
    state: _EmState,
    reasons: list[str | None],
    options: BktFitOptions,
) -> tuple[BktSkillFit, ...]:
    sequence_of_row, group_of_sequence, _ = data_rows
    n_groups = len(reasons)
    data = _subset(data_rows, np.arange(n_groups), n_groups)
    params = _with_fallbacks(state.params, reasons, options.fallback_params)
    errors, log_likelihood = standard_errors(data, params, n_groups, options)
    if not np.isfinite(log_likelihood).all():  # not expected: the filter keeps it finite
        _mark(reasons, ~np.isfinite(log_likelihood), FALLBACK_NON_FINITE)
        params = _with_fallbacks(state.params, reasons, options.fallback_params)
        errors, log_likelihood = standard_errors(data, params, n_groups, options)
    responses = np.bincount(group_of_sequence[sequence_of_row], minlength=n_groups)
    sequences = np.bincount(group_of_sequence, minlength=n_groups)
    no_errors = BktStandardErrors(*(np.nan,) * len(PARAM_NAMES))
    fits = []
    for group, reason in enumerate(reasons):
        values = {name: float(params[name][group, 0]) for name in PARAM_NAMES}
        fits.append(
            BktSkillFit(
                params=BktParams(**values),
                standard_errors=errors[group] if reason is None else no_errors,
                log_likelihood=float(log_likelihood[group]),
                response_count=int(responses[group]),
                sequence_count=int(sequences[group]),
                iterations=int(state.iterations[group, 0]),
                converged=bool(state.converged[group, 0]) and reason is None,
                fallback=reason,
            )
        )
    return tuple(fits)


def fit_bkt(
    *, learner: IntArray, correct: BoolArray, options: BktFitOptions | None = None
) -> BktSkillFit:
    """Fit a single skill from its time-ordered responses (`learner` codes which sequence)."""
    log = ResponseLog(
        learner=learner,
        skill=np.zeros(len(learner), dtype=np.int64),
        correct=correct,
        learner_names=(),
        skill_names=("skill",),
    )
    return fit_bkt_skills(log, options)[0]
