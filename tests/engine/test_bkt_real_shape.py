"""The BKT fit's fast paths on a skill-builder-shaped log give the step loop's results.

The fast paths: the long tail of the packed passes in chunks (`bkt_filter_tail`), and
identical sequences packed once with a weight (`sequences.distinct_sequences`).
"""

import numpy as np
import pytest

from apps.recommendations.engine import bkt_fit_types
from apps.recommendations.engine.bkt_filter import (
    Emissions,
    backward_smooth,
    forward_filter,
    gather_rank_params,
)
from apps.recommendations.engine.bkt_filter_tail import tail_layout
from apps.recommendations.engine.bkt_fit import BktFitOptions, _initial_params, fit_bkt_skills
from apps.recommendations.engine.sequences import (
    DistinctSequences,
    ResponseLog,
    distinct_sequences,
    sequence_ids,
)
from apps.recommendations.engine.simulate_skill_builder import (
    SkillBuilderShape,
    simulate_skill_builder,
)

SMALL = SkillBuilderShape(n_learners=400, n_skills=12, n_answers=30_000)


@pytest.fixture(scope="module")
def small_log() -> ResponseLog:
    return simulate_skill_builder(SMALL, seed=3)


def test_the_log_has_the_skill_builder_shape(small_log: ResponseLog) -> None:
    sizes = np.sort(np.bincount(small_log.skill))[::-1]
    sequence_of_row, _ = sequence_ids(small_log.learner, small_log.skill)
    lengths = np.bincount(sequence_of_row)
    assert 25_000 < small_log.size < 35_000
    assert sizes[0] > 3 * sizes[-1]  # Zipf-skewed skill sizes
    assert 3 <= np.median(lengths) <= 10  # mostly short sequences
    assert lengths.max() > 20 * np.median(lengths)  # with a long tail


def _packed_data(log: ResponseLog) -> bkt_fit_types.EmData:
    sequence_of_row, group_of_sequence = sequence_ids(log.learner, log.skill)
    return bkt_fit_types.prepare_em_data(
        sequence_of_row, group_of_sequence, log.correct, len(log.skill_names)
    )


@pytest.mark.parametrize("fit_forget", [False, True])
def test_tail_in_chunks_gives_the_step_loop_passes(
    small_log: ResponseLog, fit_forget: bool
) -> None:
    # given packed data with a long tail, and 5 parameter sets per skill
    data = _packed_data(small_log)
    tail = tail_layout(data.packed)
    assert tail is not None
    params = _initial_params(len(small_log.skill_names), BktFitOptions(fit_forget=fit_forget))
    ranks = gather_rank_params(
        data.group_of_rank, params["prior"], params["learn"], params["forget"]
    )
    emissions = Emissions.from_group_tables(data.emission_code, params["guess"], params["slip"])
    # when both paths filter and smooth
    loop = forward_filter(data.packed, ranks, emissions)
    chunked = forward_filter(data.packed, ranks, emissions, tail)
    # then the filter is the same to the bit
    for name in ("predicted", "filtered", "normaliser"):
        assert np.array_equal(getattr(chunked, name), getattr(loop, name))
    # and the smoother to rounding, the ratios included
    smooth_loop = backward_smooth(
        data.packed, ranks, loop, with_forget=fit_forget, with_unknown_ratio=True
    )
    smooth_chunked = backward_smooth(
        data.packed, ranks, loop, with_forget=fit_forget, with_unknown_ratio=True, tail=tail
    )
    np.testing.assert_allclose(smooth_chunked.smoothed, smooth_loop.smoothed, rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        smooth_chunked.ratio_known, smooth_loop.ratio_known, rtol=1e-12, atol=1e-300
    )


def _step_loop_without_merging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fit as it was: every sequence packed on its own, every step in the loop."""

    def every_sequence(
        sequence_of_row: np.ndarray, group_of_sequence: np.ndarray, correct: np.ndarray
    ) -> DistinctSequences:
        return DistinctSequences(
            rows=np.arange(len(sequence_of_row)),
            sequence_of_row=sequence_of_row,
            group_of_sequence=group_of_sequence,
            weight=np.ones(len(group_of_sequence)),
        )

    monkeypatch.setattr(bkt_fit_types, "distinct_sequences", every_sequence)
    monkeypatch.setattr(bkt_fit_types, "tail_layout", lambda packed: None)


@pytest.mark.parametrize("fit_forget", [False, True])
def test_fit_is_the_step_loop_fit(
    small_log: ResponseLog, fit_forget: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the nightly options (5 starts)
    options = BktFitOptions(fit_forget=fit_forget, restarts=5, seed=0)
    # when it is fitted with the fast paths and without them
    fast = fit_bkt_skills(small_log, options)
    with monkeypatch.context() as patched:
        _step_loop_without_merging(patched)
        slow = fit_bkt_skills(small_log, options)
    # then every skill gets the same fit: the sums differ in rounding only, which EM near its
    # optimum (stopped at a relative gain of 1e-8) turns into differences of about 1e-9
    for ours, before in zip(fast, slow, strict=True):
        assert ours.iterations == before.iterations
        assert ours.converged == before.converged
        assert ours.fallback == before.fallback
        assert (ours.sequence_count, ours.response_count) == (
            before.sequence_count,
            before.response_count,
        )
        assert ours.log_likelihood == pytest.approx(before.log_likelihood, rel=1e-10)
        for name, value in before.params.as_dict().items():
            assert getattr(ours.params, name) == pytest.approx(value, abs=1e-7)
        for name, value in before.standard_errors.as_dict().items():
            assert getattr(ours.standard_errors, name) == pytest.approx(
                value, rel=1e-5, nan_ok=True
            )


def test_distinct_sequences_merge_identical_answers_within_a_group() -> None:
    # given sequences 0 and 2 alike in group 0, sequence 1 alike but in group 1, sequence 3
    # different, and two long alike sequences (4, 5) that are never merged
    long = [1, 0] * 40
    answers = [[1, 0, 1], [1, 0, 1], [1, 0, 1], [1, 1], long, long]
    groups = np.array([0, 1, 0, 0, 0, 0])
    sequence_of_row = np.concatenate([np.full(len(a), s) for s, a in enumerate(answers)])
    correct = np.concatenate([np.array(a, dtype=np.bool_) for a in answers])
    # when they are merged
    distinct = distinct_sequences(sequence_of_row, groups, correct)
    # then sequence 2 is folded into 0, the others are kept, in input order
    assert distinct.group_of_sequence.tolist() == [0, 1, 0, 0, 0]
    assert distinct.weight.tolist() == [2.0, 1.0, 1.0, 1.0, 1.0]
    kept = np.flatnonzero(sequence_of_row != 2)
    assert distinct.rows.tolist() == kept.tolist()
    assert distinct.sequence_of_row.tolist() == [
        {0: 0, 1: 1, 3: 2, 4: 3, 5: 4}[int(s)] for s in sequence_of_row[kept]
    ]
