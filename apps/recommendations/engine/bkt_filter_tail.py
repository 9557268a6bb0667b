"""The long tail of the packed BKT passes in a few times sqrt(T) Python steps instead of T.

In a real log a few sequences are far longer than the rest (a learner stuck on a skill, or
coming back to it for many problem sets), so most time steps of the packed layout hold a
handful of sequences, and the per-step cost of the numpy calls, not the arithmetic, sets the
time of a pass. From the step where at most `TAIL_MAX_BATCH` sequences still run, the remaining
T steps of each of those sequences are cut into chunks of C steps, laid out side by side:

1. a guess of the state at every chunk's start: each chunk's transfer map is composed, all
   chunks at once (C steps), then carried from chunk to chunk (T / C steps). The filter's
   step is linear in the unnormalised (known, unknown) weights, M = [[k (1 - f), u l],
   [k f, u (1 - l)]], so a chunk's map is the product of its M; the smoother's step is affine
   in gamma (gamma_t = alpha_t gamma_{t+1} + beta_t), so a chunk's map is their composition;
2. every chunk is run with the step loop's own clipped recursion, all chunks at once (C
   steps), from its guessed start;
3. each chunk's start is checked against the step loop's continuation from the end of the
   chunk before it (from the start of the chunk after it, smoothing). Where one differs, the
   starts are replaced by those continuations and step 2 runs again.

Each round makes at least one more chunk of every sequence agree with the step loop, so the
rounds converge to the loop's result. The filter's check is bit for bit: near q = 1 it
amplifies a rounding difference by (1 - guess) / slip at every wrong answer (see
`bkt_filter`), and the composed maps round differently from the loop, so anything looser
could let a difference grow; with it the filtered values are the loop's exactly (it takes 2-3
rounds). The smoother neither damps nor amplifies a difference where a state persists
(gamma_t / gamma_{t+1} is about 1), so bits would take a round per chunk; its check is
relative, `SMOOTH_RTOL`, and its values match the loop's to about that. After `MAX_ROUNDS`
the caller runs the step loop over the tail instead.
"""

from dataclasses import dataclass

import numpy as np

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, BoolArray, FloatArray, IntArray
from apps.recommendations.engine.sequences import PackedSequences

# From the first step with at most this many running sequences, and only when that leaves at
# least `TAIL_MIN_STEPS` steps: below that the step loop's few calls per step are cheaper.
TAIL_MAX_BATCH = 128
TAIL_MIN_STEPS = 48
MAX_ROUNDS = 6
SMOOTH_RTOL = 1e-13  # rounding differences settle at a few 1e-15 in 3-4 rounds

# The time-step loops clip small slices: np.clip's Python wrapper costs several times the
# arithmetic there, two ufuncs with 0-d bounds do not (same result, NaN included).
ZERO, ONE, FLOOR = np.zeros(()), np.ones(()), np.full((), PROBABILITY_FLOOR)


def clip_into(values: FloatArray, low: FloatArray, high: FloatArray) -> None:
    np.maximum(values, low, out=values)
    np.minimum(values, high, out=values)


@dataclass(frozen=True, eq=False, slots=True)
class TailLayout:
    """Chunks of the tail; chunk (rank r, its j-th chunk) has index chunk_offsets[j] + r.

    Ranks are sorted by length, so the ranks that have a j-th chunk are the first
    `chunk_batch[j]`, as in the packed layout itself. Tables are (C, K): position i of chunk k.
    """

    start_step: int  # S: the first step of the tail (>= 1)
    n_ranks: int  # ranks still running at step S; chunk r (j = 0) belongs to rank r
    before_start: IntArray  # (n_ranks,) packed index of their step S - 1
    chunk_batch: IntArray  # [j] ranks with a j-th chunk
    chunk_offsets: IntArray  # [j] index of the first j-th chunk; length n_chunk_steps + 1
    rank_of_chunk: IntArray  # (K,)
    with_next: IntArray  # chunks followed by another chunk of the same sequence
    next_of: IntArray  # that next chunk, for each of `with_next`
    element: IntArray  # (C, K) packed index; 0 for padding after a sequence's end
    successor: IntArray  # (C, K) packed index of the next element; 0 where there is none
    unlinked: BoolArray  # (C, K, 1) no successor: a sequence's last element, or padding
    valid_cells: IntArray  # flat (C * K) cells that hold an element
    valid_elements: IntArray  # their packed indices
    linked_cells: IntArray  # flat cells of elements that have a successor
    linked_elements: IntArray  # their packed indices

    @property
    def chunk_size(self) -> int:
        return int(self.element.shape[0])

    @property
    def later(self) -> slice:
        """The chunks that have a predecessor (j >= 1)."""
        return slice(int(self.chunk_offsets[1]), None)


def tail_layout(packed: PackedSequences) -> TailLayout | None:
    """The chunk layout of `packed`'s tail, or None when the tail is too short to gain."""
    running = np.flatnonzero(packed.batch_sizes <= TAIL_MAX_BATCH)
    if len(running) == 0:
        return None
    start = max(int(running[0]), 1)  # step 0 starts from the prior: the loop keeps it
    n_tail_steps = packed.n_steps - start
    if n_tail_steps < TAIL_MIN_STEPS:
        return None
    # The guess and the runs cost a few times the calls per step of carrying the maps across
    # chunks: C = sqrt(T) / 2 about minimises 4 C + T / C.
    size = max(4, round(np.sqrt(n_tail_steps) / 2))
    n_ranks = int(packed.batch_sizes[start])
    chunks_of_rank = -(-(packed.lengths[:n_ranks] - start) // size)
    chunk_batch = np.bincount(chunks_of_rank)[::-1].cumsum()[::-1][1:].astype(np.int64)
    chunk_offsets = np.concatenate(([0], np.cumsum(chunk_batch))).astype(np.int64)
    chunk_step = np.repeat(np.arange(len(chunk_batch)), chunk_batch)
    rank = np.arange(int(chunk_offsets[-1])) - chunk_offsets[chunk_step]
    with_next = np.flatnonzero(chunk_step + 1 < chunks_of_rank[rank])
    step = start + chunk_step[None, :] * size + np.arange(size)[:, None]
    valid = step < packed.lengths[rank][None, :]
    element = np.where(valid, packed.offsets[np.minimum(step, packed.n_steps)] + rank, 0)
    after = np.where(valid, packed.next_of_packed[element], -1)
    linked = after >= 0
    return TailLayout(
        start_step=start,
        n_ranks=n_ranks,
        before_start=(packed.offsets[start - 1] + np.arange(n_ranks)).astype(np.int64),
        chunk_batch=chunk_batch,
        chunk_offsets=chunk_offsets,
        rank_of_chunk=rank.astype(np.int64),
        with_next=with_next.astype(np.int64),
        next_of=(chunk_offsets[chunk_step[with_next] + 1] + rank[with_next]).astype(np.int64),
        element=element.astype(np.int64),
        successor=np.where(linked, after, 0).astype(np.int64),
        unlinked=~linked[:, :, None],
        valid_cells=np.flatnonzero(valid),
        valid_elements=element[valid].astype(np.int64),
        linked_cells=np.flatnonzero(linked),
        linked_elements=element[linked].astype(np.int64),
    )


def _table(values: FloatArray, index: IntArray) -> FloatArray:
    """Per-element values (N, R) as a (C, K, R) table."""
    table: FloatArray = np.take(values, index.ravel(), axis=0).reshape(*index.shape, -1)
    return table


def _scatter(tail: TailLayout, table: FloatArray, out: FloatArray, *, linked: bool) -> None:
    flat = table.reshape(-1, table.shape[-1])
    if linked:
        out[tail.linked_elements] = flat[tail.linked_cells]
    else:
        out[tail.valid_elements] = flat[tail.valid_cells]


def _chunk_products(
    tail: TailLayout, known: FloatArray, unknown: FloatArray, learn: FloatArray, forget: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Each chunk's product of M, renormalised to sum 1 (every column of M sums to k or
    u >= PROBABILITY_FLOOR, so the sum stays positive)."""
    stay, unlearnt = 1.0 - forget, 1.0 - learn
    p11, p00 = np.ones_like(learn), np.ones_like(learn)
    p10, p01 = np.zeros_like(learn), np.zeros_like(learn)
    for i in range(tail.chunk_size):
        m11, m10 = known[i] * stay, unknown[i] * learn
        m01, m00 = known[i] * forget, unknown[i] * unlearnt
        p11, p10, p01, p00 = (
            m11 * p11 + m10 * p01,
            m11 * p10 + m10 * p00,
            m01 * p11 + m00 * p01,
            m01 * p10 + m00 * p00,
        )
        total = p11 + p10 + p01 + p00
        p11 /= total
        p10 /= total
        p01 /= total
        p00 /= total
    return p11, p10, p01, p00


def _guess_forward_starts(
    tail: TailLayout, first: FloatArray, products: tuple[FloatArray, ...]
) -> FloatArray:
    """q at every chunk's start: exact for j = 0 (`first`), through the products after."""
    p11, p10, p01, p00 = products
    start = np.empty_like(p11)
    start[: tail.n_ranks] = first
    offsets, batch = tail.chunk_offsets, tail.chunk_batch
    for j in range(len(batch) - 1):
        here = slice(int(offsets[j]), int(offsets[j]) + int(batch[j + 1]))
        q = start[here]
        weight_known = p11[here] * q + p10[here] * (1.0 - q)
        weight_unknown = p01[here] * q + p00[here] * (1.0 - q)
        following = start[int(offsets[j + 1]) : int(offsets[j + 2])]
        np.divide(weight_known, weight_known + weight_unknown, out=following)
        clip_into(following, ZERO, ONE)
    return start


def forward_tail(
    tail: TailLayout,
    learn: FloatArray,
    forget: FloatArray,
    emissions: tuple[FloatArray, FloatArray],
    out: tuple[FloatArray, FloatArray, FloatArray],
) -> bool:
    """Fill predicted, filtered, normaliser (`out`, (N, R)) over the tail, exactly as the step
    loop would; the loop must have run the steps before it. `learn` and `forget` are per rank,
    `emissions` (known, unknown) per element. False when the starts did not settle."""
    predicted, filtered, normaliser = out
    learn_c = np.take(learn, tail.rank_of_chunk, axis=0)
    forget_c = np.take(forget, tail.rank_of_chunk, axis=0)
    decay_c = np.take(1.0 - learn - forget, tail.rank_of_chunk, axis=0)
    known_t, unknown_t = _table(emissions[0], tail.element), _table(emissions[1], tail.element)
    difference_t = known_t - unknown_t
    first = decay_c[: tail.n_ranks] * filtered[tail.before_start]
    first += learn_c[: tail.n_ranks]
    clip_into(first, ZERO, ONE)
    products = _chunk_products(tail, known_t, unknown_t, learn_c, forget_c)
    q_t, a_t, c_t = np.empty_like(known_t), np.empty_like(known_t), np.empty_like(known_t)
    q_t[0] = _guess_forward_starts(tail, first, products)
    for _ in range(MAX_ROUNDS):
        for i in range(tail.chunk_size):
            q = q_t[i]
            if i > 0:
                np.multiply(decay_c, a_t[i - 1], out=q)
                q += learn_c
                clip_into(q, ZERO, ONE)
            c = np.multiply(q, difference_t[i], out=c_t[i])
            c += unknown_t[i]
            clip_into(c, FLOOR, ONE)
            a = np.multiply(q, known_t[i], out=a_t[i])
            a /= c
            clip_into(a, ZERO, ONE)
        # The step loop's q after each chunk's last element, where another chunk follows.
        continued = decay_c[tail.with_next] * a_t[-1, tail.with_next]
        continued += learn_c[tail.with_next]
        clip_into(continued, ZERO, ONE)
        if np.array_equal(q_t[0, tail.next_of], continued):
            _scatter(tail, q_t, predicted, linked=False)
            _scatter(tail, a_t, filtered, linked=False)
            _scatter(tail, c_t, normaliser, linked=False)
            return True
        q_t[0, tail.next_of] = continued
    return False


def _guess_backward_starts(
    tail: TailLayout,
    filtered_t: FloatArray,
    inverse_q_t: FloatArray,
    inverse_not_q_t: FloatArray | None,
    forget_c: FloatArray,
) -> FloatArray:
    """gamma at every chunk's start through the composed affine maps. A sequence's last
    element has gamma = a (alpha 0, beta a); padding gets the same, which cuts its arbitrary
    gathered values off before they could overflow a product."""
    if inverse_not_q_t is None:
        alpha = filtered_t * inverse_q_t
        beta = np.zeros_like(alpha)
    else:
        beta = filtered_t * forget_c * inverse_not_q_t
        alpha = filtered_t * ((1.0 - forget_c) * inverse_q_t) - beta
    alpha = np.where(tail.unlinked, 0.0, alpha)
    beta = np.where(tail.unlinked, filtered_t, beta)
    slope, shift = np.ones_like(forget_c), np.zeros_like(forget_c)
    for i in range(tail.chunk_size - 1, -1, -1):
        shift *= alpha[i]
        shift += beta[i]
        slope *= alpha[i]
    start = shift
    offsets, batch = tail.chunk_offsets, tail.chunk_batch
    for j in range(len(batch) - 2, -1, -1):
        here = slice(int(offsets[j]), int(offsets[j]) + int(batch[j + 1]))
        start[here] += slope[here] * start[int(offsets[j + 1]) : int(offsets[j + 2])]
        clip_into(start[here], ZERO, ONE)
    return start


def backward_tail(
    tail: TailLayout,
    forget: FloatArray,
    filtered: FloatArray,
    inverses: tuple[FloatArray, FloatArray | None],
    out: tuple[FloatArray, FloatArray, FloatArray | None],
) -> bool:
    """Fill smoothed, ratio_known and ratio_unknown (`out`) over the tail exactly as the step
    loop would, before the loop walks the steps before it. `inverses` are 1 / q and
    1 / (1 - q) per element (the second None when the unknown ratio is not wanted). False
    when the starts did not settle."""
    smoothed, ratio_known, ratio_unknown = out
    inverse_q, inverse_not_q = inverses
    forget_c = np.take(forget, tail.rank_of_chunk, axis=0)
    filtered_t = _table(filtered, tail.element)
    inverse_q_t = _table(inverse_q, tail.successor)
    inverse_not_q_t = None if inverse_not_q is None else _table(inverse_not_q, tail.successor)
    start = _guess_backward_starts(tail, filtered_t, inverse_q_t, inverse_not_q_t, forget_c)
    gamma_t, known_t = np.empty_like(filtered_t), np.empty_like(filtered_t)
    unknown_t = np.empty_like(filtered_t)
    after_chunk = np.zeros_like(forget_c)  # gamma after each chunk (none: never used)
    for _ in range(MAX_ROUNDS):
        after_chunk[tail.with_next] = start[tail.next_of]
        following = after_chunk
        for i in range(tail.chunk_size - 1, -1, -1):
            known = np.multiply(following, inverse_q_t[i], out=known_t[i])
            gamma = gamma_t[i]
            if inverse_not_q_t is None:
                np.multiply(filtered_t[i], known, out=gamma)
            else:
                unknown = np.subtract(1.0, following, out=unknown_t[i])
                unknown *= inverse_not_q_t[i]
                np.subtract(unknown, known, out=gamma)
                gamma *= forget_c
                gamma += known
                gamma *= filtered_t[i]
            clip_into(gamma, ZERO, ONE)
            np.copyto(gamma, filtered_t[i], where=tail.unlinked[i])
            following = gamma
        guessed, computed = start[tail.later], gamma_t[0, tail.later]
        if np.all(np.abs(guessed - computed) <= SMOOTH_RTOL * computed):
            _scatter(tail, gamma_t, smoothed, linked=False)
            _scatter(tail, known_t, ratio_known, linked=True)
            if ratio_unknown is not None:
                _scatter(tail, unknown_t, ratio_unknown, linked=True)
            return True
        start = gamma_t[0].copy()
    return False
