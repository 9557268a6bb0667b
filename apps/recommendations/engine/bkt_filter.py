"""Forward filtering and backward smoothing for BKT, over packed sequences and parameter sets.

Every array has a leading axis over packed elements (or sequence ranks) and a trailing axis over
R parameter sets (EM restarts, or perturbed copies), so one pass serves all skills, all learners
and all restarts; Python only loops over time steps.

Notation for one element (a response at step t of a sequence): q = P(known before it | earlier
responses), a = P(known | responses up to it) and c = P(this response | earlier responses).
Smoothing computes gamma = P(known | the whole sequence) with the two-state form of the
Rauch-Tung-Striebel recursion: gamma_t = a_t [(1 - f) r1 + f r0], r1 = gamma_{t+1} / q_{t+1},
r0 = (1 - gamma_{t+1}) / (1 - q_{t+1}) (Rabiner 1989, section III; Murphy 2012, 17.4.3).

q, a and gamma are clipped to [0, 1] at every step. The vectorised evidence step
a = q k / (q (k - u) + u) can round a hair above 1, and above 1 it is no longer a contraction:
a wrong answer multiplies the excess by about u / k = (1 - guess) / slip, so a long run of
wrong answers after a long run of right ones grew it until the denominator crossed zero
(posteriors of 3, predictions far below 0, a NaN log-likelihood). Within [0, 1] the normaliser
c = q k + (1 - q) u is at least min(k, u) >= PROBABILITY_FLOOR, so log c is always finite.
"""

from dataclasses import dataclass

import numpy as np

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt_filter_tail import (
    FLOOR,
    ONE,
    ZERO,
    TailLayout,
    backward_tail,
    clip_into,
    forward_tail,
)
from apps.recommendations.engine.sequences import PackedSequences


@dataclass(frozen=True, eq=False, slots=True)
class RankParams:
    """Parameters gathered per sequence rank, shape (n_sequences, R)."""

    prior: FloatArray
    learn: FloatArray
    forget: FloatArray


@dataclass(frozen=True, eq=False, slots=True)
class Emissions:
    """P(observed response | known) and P(observed response | unknown), shape (N, R)."""

    known: FloatArray
    unknown: FloatArray

    @classmethod
    def from_guess_slip(
        cls, correct: BoolArray, guess: FloatArray, slip: FloatArray
    ) -> "Emissions":
        """`guess` and `slip` per packed element, shape (N, R); `correct` shape (N,)."""
        hit = correct[:, None]
        known = np.where(hit, 1.0 - slip, slip)
        unknown = np.where(hit, guess, 1.0 - guess)
        return cls(
            known=np.clip(known, PROBABILITY_FLOOR, 1.0),
            unknown=np.clip(unknown, PROBABILITY_FLOOR, 1.0),
        )

    @classmethod
    def from_group_tables(
        cls, emission_code: IntArray, guess: FloatArray, slip: FloatArray
    ) -> "Emissions":
        """Per-group `guess`, `slip` (G, R); `emission_code` = 2 * group + correct, shape (N,).

        Gathering from a (2G, R) table costs one indexing pass per array.
        """
        n_groups, n_sets = guess.shape
        known_table = np.empty((2 * n_groups, n_sets))
        unknown_table = np.empty((2 * n_groups, n_sets))
        known_table[0::2], known_table[1::2] = slip, 1.0 - slip
        unknown_table[0::2], unknown_table[1::2] = 1.0 - guess, guess
        np.clip(known_table, PROBABILITY_FLOOR, 1.0, out=known_table)
        np.clip(unknown_table, PROBABILITY_FLOOR, 1.0, out=unknown_table)
        # np.take gathers whole rows several times faster than fancy indexing.
        return cls(
            known=np.take(known_table, emission_code, axis=0),
            unknown=np.take(unknown_table, emission_code, axis=0),
        )


@dataclass(frozen=True, eq=False, slots=True)
class ForwardPass:
    predicted: FloatArray  # q, shape (N, R)
    filtered: FloatArray  # a, shape (N, R)
    normaliser: FloatArray  # c, shape (N, R); log-likelihood = sum of log c


def forward_filter(
    packed: PackedSequences,
    params: RankParams,
    emissions: Emissions,
    tail: TailLayout | None = None,
) -> ForwardPass:
    """Filter every sequence at once; the loop runs over time steps only. With `tail`
    (`bkt_filter_tail.tail_layout(packed)`) the long tail is done in chunks, same result."""
    n_sets = params.prior.shape[1]
    predicted = np.empty((packed.size, n_sets))
    filtered = np.empty((packed.size, n_sets))
    normaliser = np.empty((packed.size, n_sets))
    out = (predicted, filtered, normaliser)
    first_batch = int(packed.batch_sizes[0]) if packed.n_steps else 0
    np.clip(params.prior[:first_batch], 0.0, 1.0, out=predicted[:first_batch])
    if tail is None:
        _filter_steps(packed, params, emissions, out, range(packed.n_steps))
        return ForwardPass(predicted=predicted, filtered=filtered, normaliser=normaliser)
    _filter_steps(packed, params, emissions, out, range(tail.start_step))
    chunked = forward_tail(
        tail, params.learn, params.forget, (emissions.known, emissions.unknown), out
    )
    if not chunked:
        _filter_steps(packed, params, emissions, out, range(tail.start_step, packed.n_steps))
    return ForwardPass(predicted=predicted, filtered=filtered, normaliser=normaliser)


def _filter_steps(
    packed: PackedSequences,
    params: RankParams,
    emissions: Emissions,
    out: tuple[FloatArray, FloatArray, FloatArray],
    steps: range,
) -> None:
    predicted, filtered, normaliser = out
    decay = 1.0 - params.learn - params.forget
    difference = emissions.known - emissions.unknown
    offsets = packed.offsets
    # Every step writes into the output arrays in place: no temporaries to allocate.
    for step in steps:
        start, end = int(offsets[step]), int(offsets[step + 1])
        batch = end - start
        q = predicted[start:end]
        if step > 0:
            previous = int(offsets[step - 1])
            np.multiply(decay[:batch], filtered[previous : previous + batch], out=q)
            q += params.learn[:batch]
            clip_into(q, ZERO, ONE)
        c = np.multiply(q, difference[start:end], out=normaliser[start:end])
        c += emissions.unknown[start:end]
        clip_into(c, FLOOR, ONE)
        a = np.multiply(q, emissions.known[start:end], out=filtered[start:end])
        a /= c
        clip_into(a, ZERO, ONE)


@dataclass(frozen=True, eq=False, slots=True)
class SmoothedPass:
    """gamma per element, and the ratios at each element's successor, aligned to the element.

    Elements that end their sequence have no successor; their ratios are 0, so per-element
    products with the ratios can be summed over all elements without masking.
    """

    smoothed: FloatArray  # gamma, shape (N, R)
    ratio_known: FloatArray  # r1 of the successor, shape (N, R)
    ratio_unknown: FloatArray | None  # r0 of the successor, when requested


def backward_smooth(
    packed: PackedSequences,
    params: RankParams,
    forward: ForwardPass,
    *,
    with_forget: bool,
    with_unknown_ratio: bool = False,
    tail: TailLayout | None = None,
) -> SmoothedPass:
    """Smooth every sequence at once, walking the time steps backwards (`tail` as in
    `forward_filter`: the tail first, in chunks, then the steps before it)."""
    q = np.clip(forward.predicted, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    inverse_q = np.reciprocal(q)
    need_unknown = with_forget or with_unknown_ratio
    inverse_not_q = np.reciprocal(1.0 - q) if need_unknown else None
    smoothed = forward.filtered.copy()  # the last element of each sequence is already smooth
    ratio_known = np.zeros_like(smoothed)
    ratio_unknown = np.zeros_like(smoothed) if need_unknown else None
    out = (smoothed, ratio_known, ratio_unknown)
    last_step = packed.n_steps - 2
    if tail is not None:
        chunked = backward_tail(
            tail, params.forget, forward.filtered, (inverse_q, inverse_not_q), out
        )
        last_step = tail.start_step - 1 if chunked else last_step
    _smooth_steps(packed, params, forward, (inverse_q, inverse_not_q), out, last_step)
    return SmoothedPass(smoothed=smoothed, ratio_known=ratio_known, ratio_unknown=ratio_unknown)


def _smooth_steps(
    packed: PackedSequences,
    params: RankParams,
    forward: ForwardPass,
    inverses: tuple[FloatArray, FloatArray | None],
    out: tuple[FloatArray, FloatArray, FloatArray | None],
    last_step: int,
) -> None:
    """The smoother's step loop from `last_step` down to step 0."""
    inverse_q, inverse_not_q = inverses
    smoothed, ratio_known, ratio_unknown = out
    offsets, batch_sizes = packed.offsets, packed.batch_sizes
    for step in range(last_step, -1, -1):
        start, next_start = int(offsets[step]), int(offsets[step + 1])
        batch = int(batch_sizes[step + 1])
        here, there = slice(start, start + batch), slice(next_start, next_start + batch)
        known = np.multiply(smoothed[there], inverse_q[there], out=ratio_known[here])
        gamma = smoothed[here]
        if ratio_unknown is None or inverse_not_q is None:
            np.multiply(forward.filtered[here], known, out=gamma)
        else:
            unknown = np.subtract(1.0, smoothed[there], out=ratio_unknown[here])
            unknown *= inverse_not_q[there]
            # gamma = a [(1 - f) r1 + f r0], computed in place
            np.subtract(unknown, known, out=gamma)
            gamma *= params.forget[:batch]
            gamma += known
            gamma *= forward.filtered[here]
        clip_into(gamma, ZERO, ONE)


def gather_rank_params(
    group_of_rank: IntArray, prior: FloatArray, learn: FloatArray, forget: FloatArray
) -> RankParams:
    """Per-group parameters (G, R) to per-rank ones (n_sequences, R)."""
    return RankParams(
        prior=np.take(prior, group_of_rank, axis=0),
        learn=np.take(learn, group_of_rank, axis=0),
        forget=np.take(forget, group_of_rank, axis=0),
    )
