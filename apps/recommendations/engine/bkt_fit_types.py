"""Options, bounds and results of BKT fitting, and the packed data the EM passes run on."""

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_filter_tail import TailLayout, tail_layout
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.sequences import (
    PackedSequences,
    distinct_sequences,
    pack_sequences,
)

PARAM_NAMES = ("prior", "learn", "guess", "slip", "forget")
Bound = tuple[float, float]


@dataclass(frozen=True, slots=True)
class BktBounds:
    """Closed intervals for each parameter. guess + slip < 1 keeps correct answers positive
    evidence (see `bkt`); 0.3 for both is the customary cap against degenerate fits."""

    prior: Bound = (0.001, 0.999)
    learn: Bound = (0.001, 0.999)
    guess: Bound = (0.001, 0.3)
    slip: Bound = (0.001, 0.3)
    forget: Bound = (0.0, 0.5)

    def __post_init__(self) -> None:
        if self.guess[1] + self.slip[1] >= 1.0:
            raise ValueError("the guess and slip upper bounds must add up to less than 1")


@dataclass(frozen=True, slots=True)
class BktFitOptions:
    fit_forget: bool = False
    restarts: int = 5
    screening_iterations: int = 8
    max_iterations: int = 300
    # Stop a skill when an iteration improves its log-likelihood by less than this fraction.
    relative_tolerance: float = 1e-8
    bounds: BktBounds = field(default_factory=BktBounds)
    seed: int = 0
    # What a skill gets when it cannot be fitted (see `BktSkillFit.fallback`): the course
    # default that unfitted skills use everywhere else.
    fallback_params: BktParams = DEFAULT_BKT


@dataclass(frozen=True, slots=True)
class BktStandardErrors:
    """Asymptotic standard errors; NaN for a parameter held fixed or sitting on a bound."""

    prior: float
    learn: float
    guess: float
    slip: float
    forget: float

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PARAM_NAMES}


# Why a skill was given `BktFitOptions.fallback_params` instead of fitted ones. The data
# reasons are checked before EM: with no responses, or only right (only wrong) answers, guess,
# slip and the prior trade off freely and EM drifts to a bound. The others guard the EM itself.
FALLBACK_NO_RESPONSES = "no responses"
FALLBACK_ONE_RESPONSE = "one response"
FALLBACK_ALL_CORRECT = "all answers correct"
FALLBACK_ALL_WRONG = "all answers wrong"
FALLBACK_RESTARTS_FAILED = "every restart failed"
FALLBACK_NON_FINITE = "non-finite log-likelihood"


@dataclass(frozen=True, slots=True)
class BktSkillFit:
    """One skill's fit. When `fallback` says why it could not be fitted, `params` are the
    fallback parameters, the standard errors NaN, `converged` False and `log_likelihood` that
    of the skill's responses under the fallback parameters."""

    params: BktParams
    standard_errors: BktStandardErrors
    log_likelihood: float
    response_count: int
    sequence_count: int
    iterations: int
    converged: bool
    fallback: str | None = None


@dataclass(frozen=True, eq=False, slots=True)
class EmData:
    """Packed responses of the groups (skills) being fitted, with the summing matrices.

    Sequences of one group with the same answers are packed once (`distinct_sequences`): the
    summing matrices weigh each packed sequence by the number it stands for. Per-group sums
    of per-element quantities are sparse (n_groups x N) products: one C loop per sum instead
    of a bincount over an index array rebuilt for every call.
    """

    packed: PackedSequences
    correct: BoolArray  # (N,) packed order
    group_of_packed: IntArray  # (N,)
    group_of_rank: IntArray  # (n_sequences,)
    emission_code: IntArray  # (N,) 2 * group + correct: row of the emission tables
    sum_all: sparse.csr_matrix  # (G, N)
    sum_correct: sparse.csr_matrix  # (G, N), correct elements only
    sum_has_next: sparse.csr_matrix  # (G, n_has_next) over elements followed by another
    sum_first: sparse.csr_matrix  # (G, n_sequences) over each sequence's first element
    count_all: FloatArray  # (G, 1) responses per group
    count_correct: FloatArray  # (G, 1)
    count_has_next: FloatArray  # (G, 1)
    count_first: FloatArray  # (G, 1) sequences per group
    weight_of_rank: FloatArray  # (n_sequences,) sequences each packed one stands for
    tail: TailLayout | None  # the long sequences' tail in chunks (see `bkt_filter_tail`)


def _summing_matrix(groups: IntArray, n_groups: int, weights: FloatArray) -> sparse.csr_matrix:
    columns = np.arange(len(groups))
    return sparse.csr_matrix((weights, (groups, columns)), shape=(n_groups, len(groups)))


def _counts(matrix: sparse.csr_matrix) -> FloatArray:
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).reshape(-1, 1)


def prepare_em_data(
    sequence_of_row: IntArray, group_of_sequence: IntArray, correct: BoolArray, n_groups: int
) -> EmData:
    distinct = distinct_sequences(sequence_of_row, group_of_sequence, correct)
    packed = pack_sequences(distinct.sequence_of_row, len(distinct.group_of_sequence))
    group_of_rank = distinct.group_of_sequence[packed.sequence_of_rank]
    group_of_packed = group_of_rank[packed.rank_of_packed]
    weight_of_rank = distinct.weight[packed.sequence_of_rank]
    weight_of_packed = weight_of_rank[packed.rank_of_packed]
    correct_packed = packed.to_packed(correct[distinct.rows])
    has_next = packed.next_of_packed >= 0
    sum_all = _summing_matrix(group_of_packed, n_groups, weight_of_packed)
    sum_correct = sparse.csr_matrix(sum_all.multiply(correct_packed[None, :]))
    sum_has_next = _summing_matrix(group_of_packed[has_next], n_groups, weight_of_packed[has_next])
    sum_first = _summing_matrix(group_of_rank, n_groups, weight_of_rank)
    return EmData(
        packed=packed,
        correct=correct_packed,
        group_of_packed=group_of_packed,
        group_of_rank=group_of_rank,
        emission_code=2 * group_of_packed + correct_packed,
        sum_all=sum_all,
        sum_correct=sum_correct,
        sum_has_next=sum_has_next,
        sum_first=sum_first,
        count_all=_counts(sum_all),
        count_correct=_counts(sum_correct),
        count_has_next=_counts(sum_has_next),
        count_first=_counts(sum_first),
        weight_of_rank=weight_of_rank,
        tail=tail_layout(packed),
    )
