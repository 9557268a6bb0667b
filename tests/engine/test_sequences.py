"""Packing time-ordered rows into the time-major layout."""

import numpy as np

from apps.recommendations.engine.sequences import ResponseLog, pack_sequences, sequence_ids


def test_packing_orders_by_step_then_by_length_rank() -> None:
    # given rows of sequences 0 (length 2), 1 (length 3) and 2 (length 1), interleaved in time
    sequence_of_row = np.array([1, 0, 1, 2, 0, 1])
    # when packed
    packed = pack_sequences(sequence_of_row)
    # then the longest sequence gets rank 0 and each step is a prefix of the ranks
    assert packed.sequence_of_rank.tolist() == [1, 0, 2]
    assert packed.lengths.tolist() == [3, 2, 1]
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    assert packed.offsets.tolist() == [0, 3, 5, 6]
    # step 0 holds rows 0 (seq 1), 1 (seq 0), 3 (seq 2); step 1 rows 2 (seq 1), 4 (seq 0)
    assert packed.packed_of_row.tolist() == [0, 1, 3, 2, 4, 5]
    assert packed.next_of_packed.tolist() == [3, 4, -1, 5, -1, -1]
    assert packed.last_of_rank().tolist() == [5, 4, 2]


def test_sequence_ids_pair_learner_and_skill() -> None:
    codes, skill_of_sequence = sequence_ids(np.array([0, 1, 0, 0]), np.array([0, 0, 1, 0]))
    assert codes.tolist() == [0, 1, 2, 0]
    assert skill_of_sequence.tolist() == [0, 0, 1]


def test_labels_are_coded_in_sorted_order() -> None:
    log = ResponseLog.from_labels(
        learners=["bo", "al", "bo"], skills=["x", "x", "w"], correct=[1, 0, 1]
    )
    assert log.learner_names == ("al", "bo")
    assert log.learner.tolist() == [1, 0, 1]
    assert log.skill.tolist() == [1, 1, 0]
    assert log.correct.tolist() == [True, False, True]
