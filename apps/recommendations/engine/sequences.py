"""Response logs and their packing into time-major arrays for vectorised HMM passes.

A log is a time-ordered list of (learner, skill, correct) rows. Each (learner, skill) pair is one
sequence. To run forward-backward over every sequence at once, sequences are sorted by length
(longest first) and laid out time-major: all first responses, then all second responses, ...
At step t the sequences still running are exactly the first `batch_sizes[t]` ranks, so one step
of the recursion is a contiguous slice (the layout PyTorch calls a packed sequence).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray, as_int_array

ScalarT = TypeVar("ScalarT", bound=np.generic)


@dataclass(frozen=True, eq=False, slots=True)
class ResponseLog:
    """Time-ordered responses, with learners and skills coded as 0..n-1."""

    learner: IntArray
    skill: IntArray
    correct: BoolArray
    learner_names: tuple[str, ...]
    skill_names: tuple[str, ...]

    def __post_init__(self) -> None:
        if not len(self.learner) == len(self.skill) == len(self.correct):
            raise ValueError("learner, skill and correct must have the same length")

    @property
    def size(self) -> int:
        return len(self.correct)

    @classmethod
    def from_labels(
        cls,
        *,
        learners: Sequence[str] | npt.ArrayLike,
        skills: Sequence[str] | npt.ArrayLike,
        correct: npt.ArrayLike,
    ) -> "ResponseLog":
        """Code string labels; codes follow the sorted order of the labels."""
        learner_names, learner_codes = np.unique(
            np.asarray(learners, dtype=str), return_inverse=True
        )
        skill_names, skill_codes = np.unique(np.asarray(skills, dtype=str), return_inverse=True)
        return cls(
            learner=as_int_array(learner_codes),
            skill=as_int_array(skill_codes),
            correct=np.asarray(correct, dtype=np.bool_),
            learner_names=tuple(str(name) for name in learner_names),
            skill_names=tuple(str(name) for name in skill_names),
        )


def log_from_item_responses(
    *,
    learner: IntArray,
    item: IntArray,
    correct: BoolArray,
    skills_of_item: Sequence[Sequence[int]],
    learner_names: tuple[str, ...],
    skill_names: tuple[str, ...],
) -> ResponseLog:
    """One row per (response, skill of its item): an item tagged with several skills is
    evidence for each of them. Rows keep the time order of the responses."""
    tag_counts = np.array([len(tags) for tags in skills_of_item], dtype=np.int64)
    tag_starts = np.cumsum(tag_counts) - tag_counts
    flat_tags = np.array([skill for tags in skills_of_item for skill in tags], dtype=np.int64)
    per_response = tag_counts[item]
    response_of_row = np.repeat(np.arange(len(item)), per_response)
    row_starts = np.cumsum(per_response) - per_response
    within = np.arange(len(response_of_row)) - row_starts[response_of_row]
    return ResponseLog(
        learner=learner[response_of_row],
        skill=flat_tags[tag_starts[item[response_of_row]] + within],
        correct=correct[response_of_row],
        learner_names=learner_names,
        skill_names=skill_names,
    )


@dataclass(frozen=True, eq=False, slots=True)
class PackedSequences:
    """Time-major layout of many sequences; see the module docstring."""

    batch_sizes: IntArray  # [t] = number of sequences longer than t
    offsets: IntArray  # [t] = packed index of step t's first element; length T + 1
    lengths: IntArray  # [rank] = length of the sequence with that rank
    sequence_of_rank: IntArray  # [rank] = sequence id
    packed_of_row: IntArray  # [row] = packed index of that input row
    rank_of_packed: IntArray  # [packed] = rank of the sequence the element belongs to
    next_of_packed: IntArray  # [packed] = packed index of the same sequence's next step, or -1

    @property
    def n_steps(self) -> int:
        return len(self.batch_sizes)

    @property
    def n_sequences(self) -> int:
        return len(self.lengths)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def to_packed(self, row_values: npt.NDArray[ScalarT]) -> npt.NDArray[ScalarT]:
        """Reorder per-row values (first axis) into packed order."""
        packed = np.empty_like(row_values)
        packed[self.packed_of_row] = row_values
        return packed

    def first_of_rank(self) -> IntArray:
        """Packed index of each sequence's first element (ranks are the step-0 slice)."""
        return np.arange(self.n_sequences, dtype=np.int64)

    def last_of_rank(self) -> IntArray:
        """Packed index of each sequence's last element."""
        ranks = np.arange(self.n_sequences, dtype=np.int64)
        return as_int_array(self.offsets[self.lengths - 1] + ranks)


def sequence_ids(learner: IntArray, skill: IntArray) -> tuple[IntArray, IntArray]:
    """Code each row's (skill, learner) pair as 0..n-1; also return each sequence's skill."""
    n_learners = int(learner.max()) + 1 if len(learner) else 1
    keys = skill * n_learners + learner
    unique_keys, codes = np.unique(keys, return_inverse=True)
    return as_int_array(codes), as_int_array(unique_keys // n_learners)


def pack_sequences(sequence_of_row: IntArray, n_sequences: int | None = None) -> PackedSequences:
    """Pack time-ordered rows, each tagged with its sequence id, into the time-major layout.

    Sequence ids must be 0..n-1 and every id must occur (use `sequence_ids` to get them).
    """
    n_rows = len(sequence_of_row)
    if n_sequences is None:
        n_sequences = int(sequence_of_row.max()) + 1 if n_rows else 0
    lengths_by_id = np.bincount(sequence_of_row, minlength=n_sequences).astype(np.int64)
    if n_rows and lengths_by_id.min() == 0:
        raise ValueError("every sequence id in 0..n-1 must occur at least once")

    # Position of each row within its sequence: a stable sort keeps the time order.
    order = np.argsort(sequence_of_row, kind="stable")
    starts = np.cumsum(lengths_by_id) - lengths_by_id
    position = np.empty(n_rows, dtype=np.int64)
    position[order] = np.arange(n_rows, dtype=np.int64) - starts[sequence_of_row[order]]

    sequence_of_rank = as_int_array(np.argsort(-lengths_by_id, kind="stable"))
    rank_of_sequence = np.empty(n_sequences, dtype=np.int64)
    rank_of_sequence[sequence_of_rank] = np.arange(n_sequences, dtype=np.int64)
    lengths = as_int_array(lengths_by_id[sequence_of_rank])

    n_steps = int(lengths[0]) if n_sequences else 0
    count_by_length = np.bincount(lengths, minlength=n_steps + 1)
    # batch_sizes[t] = number of sequences with length >= t + 1.
    batch_sizes = as_int_array(np.cumsum(count_by_length[::-1])[::-1][1:])
    offsets = as_int_array(np.concatenate(([0], np.cumsum(batch_sizes))))

    packed_of_row = as_int_array(offsets[position] + rank_of_sequence[sequence_of_row])
    step_of_packed = np.repeat(np.arange(n_steps, dtype=np.int64), batch_sizes)
    rank_of_packed = as_int_array(np.arange(n_rows, dtype=np.int64) - offsets[step_of_packed])
    next_batch = np.append(batch_sizes, 0)[step_of_packed + 1]
    next_of_packed = np.where(
        rank_of_packed < next_batch,
        offsets[np.minimum(step_of_packed + 1, n_steps)] + rank_of_packed,
        -1,
    )
    return PackedSequences(
        batch_sizes=batch_sizes,
        offsets=offsets,
        lengths=lengths,
        sequence_of_rank=sequence_of_rank,
        packed_of_row=packed_of_row,
        rank_of_packed=rank_of_packed,
        next_of_packed=as_int_array(next_of_packed),
    )


# Sequences longer than this are never merged: their answers would not fit a 64-bit key.
_MAX_KEYED_LENGTH = 62


@dataclass(frozen=True, eq=False, slots=True)
class DistinctSequences:
    """One representative per set of sequences with the same group and the same answers."""

    rows: IntArray  # input rows of the representatives, in input order
    sequence_of_row: IntArray  # [kept row] representative code 0..n-1
    group_of_sequence: IntArray  # [representative] group
    weight: FloatArray  # [representative] how many sequences it stands for


def distinct_sequences(
    sequence_of_row: IntArray, group_of_sequence: IntArray, correct: BoolArray
) -> DistinctSequences:
    """Merge sequences of one group with identical answers (as `sequence_ids` codes them).

    Under per-group parameters such sequences have identical forward-backward passes, so a
    pass over the representatives with the counts as weights gives the same sums. In a
    mastery log (answer until three right in a row) the short sequences repeat a lot: two
    thirds of a skill-builder log's sequences are copies of another.
    """
    n_sequences = len(group_of_sequence)
    lengths = np.bincount(sequence_of_row, minlength=n_sequences)
    order = np.argsort(sequence_of_row, kind="stable")
    starts = np.cumsum(lengths) - lengths
    position = np.arange(len(order)) - starts[sequence_of_row[order]]
    # Answer t of a sequence is bit t of its key, and a leading 1 bit encodes the length.
    keyed = position < _MAX_KEYED_LENGTH
    bits = np.where(keyed, correct[order].astype(np.int64) << np.where(keyed, position, 0), 0)
    keys = np.add.reduceat(bits, starts) if len(order) else np.zeros(0, dtype=np.int64)
    keys |= np.int64(1) << np.minimum(lengths, _MAX_KEYED_LENGTH)
    long = lengths > _MAX_KEYED_LENGTH
    keys[long] = -1 - np.flatnonzero(long)  # unique: never merged
    _, first, counts = np.unique(
        np.stack([group_of_sequence, keys], axis=1), axis=0, return_index=True, return_counts=True
    )
    by_id = np.argsort(first)
    representatives = first[by_id]
    code = np.full(n_sequences, -1, dtype=np.int64)
    code[representatives] = np.arange(len(representatives))
    rows = np.flatnonzero(code[sequence_of_row] >= 0)
    return DistinctSequences(
        rows=as_int_array(rows),
        sequence_of_row=code[sequence_of_row[rows]],
        group_of_sequence=as_int_array(group_of_sequence[representatives]),
        weight=counts[by_id].astype(np.float64),
    )
