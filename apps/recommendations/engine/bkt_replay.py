"""Replaying a response log through fitted BKT models in one vectorised forward pass.

Used by the nightly recalculation (every learner's posterior for every skill, from the log) and
by `predict_bkt` (the predicted probability of each response given the ones before it, for AUC
or RMSE on a held-out split). The result matches applying `bkt.bkt_update` row by row, and
like it every probability is clipped to [0, 1] (the filter's q and a already are; the
predictions and final posteriors are clipped after the arithmetic that mixes them).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apps.recommendations.engine.arrays import FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams, guess_floors
from apps.recommendations.engine.bkt_filter import Emissions, RankParams, forward_filter
from apps.recommendations.engine.sequences import ResponseLog, pack_sequences, sequence_ids


@dataclass(frozen=True, eq=False, slots=True)
class BktReplay:
    """Predictions per input row and final posteriors per (learner, skill) sequence."""

    p_correct: FloatArray  # [row] P(correct) given the earlier rows of the same sequence
    p_known_before: FloatArray  # [row] P(known) just before the row's response
    sequence_learner: IntArray  # [sequence] learner code
    sequence_skill: IntArray  # [sequence] skill code
    p_known: FloatArray  # [sequence] P(known) at the next opportunity, after the last response
    evidence_count: IntArray  # [sequence] responses behind that posterior
    log_likelihood: FloatArray  # [skill] log-likelihood of the log under the given params


def _param_columns(params: Sequence[BktParams]) -> dict[str, FloatArray]:
    return {
        name: np.array([getattr(p, name) for p in params], dtype=np.float64)
        for name in ("prior", "learn", "guess", "slip", "forget")
    }


def replay_bkt(
    log: ResponseLog, params: Sequence[BktParams], guess_floor: FloatArray | None = None
) -> BktReplay:
    """Run every (learner, skill) sequence of `log` through `params[skill code]`.

    ``guess_floor`` (per row of the log: the answered item's IRT c) raises each row's guess as
    ``bkt.with_guess_floor`` does on the answer path, so the replay matches it."""
    if len(params) < len(log.skill_names):
        raise ValueError("one BktParams per skill code is needed")
    columns = _param_columns(params)
    n_skills = len(params)
    if log.size == 0:
        empty_float, empty_int = np.zeros(0), np.zeros(0, dtype=np.int64)
        return BktReplay(
            empty_float,
            empty_float,
            empty_int,
            empty_int,
            empty_float,
            empty_int,
            np.zeros(n_skills),
        )
    sequence_of_row, skill_of_sequence = sequence_ids(log.learner, log.skill)
    packed = pack_sequences(sequence_of_row, len(skill_of_sequence))
    skill_of_rank = skill_of_sequence[packed.sequence_of_rank]
    skill_of_packed = skill_of_rank[packed.rank_of_packed]
    rank_params = RankParams(
        prior=columns["prior"][skill_of_rank][:, None],
        learn=columns["learn"][skill_of_rank][:, None],
        forget=columns["forget"][skill_of_rank][:, None],
    )
    guess = columns["guess"][skill_of_packed]
    slip = columns["slip"][skill_of_packed]
    if guess_floor is not None:
        guess = guess_floors(guess, slip, packed.to_packed(np.asarray(guess_floor, np.float64)))
    correct = packed.to_packed(log.correct)
    emissions = Emissions.from_guess_slip(correct, guess[:, None], slip[:, None])
    forward = forward_filter(packed, rank_params, emissions)
    q = forward.predicted[:, 0]
    p_correct = np.clip(q * (1.0 - slip) + (1.0 - q) * guess, 0.0, 1.0)
    last = packed.last_of_rank()
    filtered_last = forward.filtered[last, 0]
    p_known_by_rank = np.clip(
        filtered_last * (1.0 - rank_params.forget[:, 0])
        + (1.0 - filtered_last) * rank_params.learn[:, 0],
        0.0,
        1.0,
    )
    p_known = np.empty_like(p_known_by_rank)
    p_known[packed.sequence_of_rank] = p_known_by_rank
    evidence = np.bincount(sequence_of_row, minlength=len(skill_of_sequence))
    _, first_row = np.unique(sequence_of_row, return_index=True)
    log_likelihood = np.bincount(
        skill_of_packed, weights=np.log(forward.normaliser[:, 0]), minlength=n_skills
    ).astype(np.float64)
    return BktReplay(
        p_correct=p_correct[packed.packed_of_row],
        p_known_before=q[packed.packed_of_row],
        sequence_learner=log.learner[first_row],
        sequence_skill=skill_of_sequence,
        p_known=p_known,
        evidence_count=evidence.astype(np.int64),
        log_likelihood=log_likelihood,
    )


def bkt_log_likelihood(log: ResponseLog, params: Sequence[BktParams]) -> FloatArray:
    """Log-likelihood of each skill's responses under `params` (indexed by skill code)."""
    return replay_bkt(log, params).log_likelihood
