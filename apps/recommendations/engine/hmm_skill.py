"""A K-state hidden Markov model per skill: parameters, the online filter step, the batch filter.

BKT is the K = 2 case with an upper-triangular transition matrix. With K states, a full
K x K transition matrix (backward moves are forgetting) and P(correct) per state, a skill can
also hold a sticky "stuck" state whose P(correct) is near 0, which BKT cannot express. The
state kept per (learner, skill) is the predicted distribution q over the K states before the
next answer; the predicted P(correct) is q . e. After an answer, q is multiplied by the
emission of what was observed, normalised, and pushed through the transitions: O(K^2).

Parameters are stored per group: one group per fitted skill plus, last, the pooled parameters
that serve skills the fit never saw (`HmmParams.pooled_group`). Fitting is in `hmm_skill_fit`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.sequences import PackedSequences

# P(correct | state) stays inside this band, so no answer is ever impossible under the model.
EMISSION_BOUNDS = (1e-3, 1.0 - 1e-3)
# Filtered and predicted state probabilities are kept at least this far above 0.
STATE_FLOOR = 1e-12


@dataclass(frozen=True, eq=False, slots=True)
class HmmParams:
    """Per group g: start[g] (K,), transition[g] (K, K) rows summing to 1, emission[g] (K,).

    The last group holds the pooled parameters (what an unseen skill gets).
    """

    start: FloatArray  # (G, K)
    transition: FloatArray  # (G, K, K)
    emission: FloatArray  # (G, K) P(correct | state)

    def __post_init__(self) -> None:
        groups, states = self.start.shape
        if self.transition.shape != (groups, states, states) or self.emission.shape != (
            groups,
            states,
        ):
            raise ValueError("start (G, K), transition (G, K, K) and emission (G, K) must agree")
        if groups < 1 or states < 1:
            raise ValueError("at least one group (the pooled one) and one state are needed")

    @property
    def n_states(self) -> int:
        return int(self.start.shape[1])

    @property
    def pooled_group(self) -> int:
        return int(self.start.shape[0]) - 1

    def group_as_json(self, group: int) -> dict[str, Any]:
        return {
            "start": self.start[group].tolist(),
            "transition": self.transition[group].tolist(),
            "emission": self.emission[group].tolist(),
        }

    @classmethod
    def from_json_groups(cls, groups: Sequence[Mapping[str, Any]]) -> "HmmParams":
        """Groups as `group_as_json` writes them, the pooled one last; values are checked."""
        start = np.array([group["start"] for group in groups], dtype=np.float64)
        transition = np.array([group["transition"] for group in groups], dtype=np.float64)
        emission = np.array([group["emission"] for group in groups], dtype=np.float64)
        if start.ndim != 2 or transition.ndim != 3 or emission.ndim != 2:
            raise ValueError("start, transition and emission must be K, K x K and K numbers")
        for name, values in (("start", start), ("transition", transition)):
            if not np.all(np.isfinite(values)) or values.min() < 0.0:
                raise ValueError(f"{name} must hold probabilities")
            if not np.allclose(values.sum(axis=-1), 1.0, atol=1e-6):
                raise ValueError(f"{name} rows must sum to 1")
        if not np.all(np.isfinite(emission)) or emission.min() < 0 or emission.max() > 1:
            raise ValueError("emission must hold probabilities")
        return cls(
            start=start / start.sum(axis=-1, keepdims=True),
            transition=transition / transition.sum(axis=-1, keepdims=True),
            emission=np.clip(emission, *EMISSION_BOUNDS),
        )


def predict_correct(state: FloatArray, emission: FloatArray) -> FloatArray:
    """P(correct) from state distributions (n, K) and emissions (n, K), clipped to (0, 1)."""
    p: FloatArray = np.clip(np.sum(state * emission, axis=1), *EMISSION_BOUNDS)
    return p


def observe_and_advance(
    state: FloatArray, emission: FloatArray, transition: FloatArray, correct: BoolArray
) -> FloatArray:
    """The filter step for n (learner, skill) pairs at once: condition q (n, K) on the answers,
    then apply the transitions (n, K, K). The same function serves one answer online and each
    time step of the batch filter, so both give the same numbers."""
    likelihood = np.where(correct[:, None], emission, 1.0 - emission)
    filtered = state * likelihood
    filtered /= np.sum(filtered, axis=1, keepdims=True)
    advanced: FloatArray = np.matmul(filtered[:, None, :], transition)[:, 0, :]
    # Rounding can push a coordinate a hair below 0 or the sum off 1; renormalise.
    np.maximum(advanced, STATE_FLOOR, out=advanced)
    advanced /= np.sum(advanced, axis=1, keepdims=True)
    return advanced


def filter_packed(
    params: HmmParams, packed: PackedSequences, group_of_rank: IntArray, correct: BoolArray
) -> FloatArray:
    """Predicted state distribution before every packed element (N, K), one loop over steps.

    `correct` is in packed order; `group_of_rank` says which parameter group each sequence
    uses (pass `params.pooled_group` for unseen skills).
    """
    n_states = params.n_states
    predicted = np.empty((packed.size, n_states))
    if packed.size == 0:
        return predicted
    transition = params.transition[group_of_rank]
    emission = params.emission[group_of_rank]
    first = int(packed.batch_sizes[0])
    predicted[:first] = params.start[group_of_rank[:first]]
    offsets = packed.offsets
    for step in range(packed.n_steps - 1):
        start, next_start = int(offsets[step]), int(offsets[step + 1])
        batch = int(packed.batch_sizes[step + 1])
        predicted[next_start : next_start + batch] = observe_and_advance(
            predicted[start : start + batch],
            emission[:batch],
            transition[:batch],
            correct[start : start + batch],
        )
    return predicted
