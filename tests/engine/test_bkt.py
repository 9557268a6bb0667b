"""BKT: the scalar online update, its properties, and replay of a whole log."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.recommendations.engine.bkt import (
    BktParams,
    BktPosterior,
    bkt_observe,
    bkt_predict_correct,
    bkt_update,
    bkt_update_item,
)
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.sequences import ResponseLog, log_from_item_responses

PARAMS = BktParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)

probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
bounded_guess_slip = st.floats(min_value=0.0, max_value=0.3, allow_nan=False)


@st.composite
def bkt_params(draw: st.DrawFn, *, with_forget: bool = True) -> BktParams:
    learn = draw(st.floats(min_value=0.0, max_value=1.0))
    forget = draw(st.floats(min_value=0.0, max_value=1.0 - learn)) if with_forget else 0.0
    return BktParams(
        prior=draw(probability),
        learn=learn,
        guess=draw(bounded_guess_slip),
        slip=draw(bounded_guess_slip),
        forget=forget,
    )


def test_update_after_correct_answer_matches_hand_computation() -> None:
    # given P(L) = 0.3: evidence 0.3*0.9 / (0.3*0.9 + 0.7*0.2) = 0.27 / 0.41
    evidence = 0.27 / 0.41
    # then the transition adds learn to the unknown share
    assert bkt_observe(PARAMS, 0.3, True) == pytest.approx(evidence)
    assert bkt_update(PARAMS, 0.3, True) == pytest.approx(evidence + (1 - evidence) * 0.1)


def test_update_after_wrong_answer_matches_hand_computation() -> None:
    evidence = 0.3 * 0.1 / (0.3 * 0.1 + 0.7 * 0.8)
    assert bkt_update(PARAMS, 0.3, False) == pytest.approx(evidence + (1 - evidence) * 0.1)


def test_prediction_mixes_slip_and_guess() -> None:
    assert bkt_predict_correct(PARAMS, 0.3) == pytest.approx(0.3 * 0.9 + 0.7 * 0.2)


def test_forget_pulls_a_certain_skill_down() -> None:
    params = BktParams(prior=0.5, learn=0.1, guess=0.2, slip=0.1, forget=0.05)
    assert bkt_update(params, 1.0, True) == pytest.approx(0.95)


def test_params_outside_zero_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="slip"):
        BktParams(prior=0.3, learn=0.1, guess=0.2, slip=1.2)


@given(params=bkt_params(), p_known=probability, correct=st.booleans())
def test_probabilities_stay_within_zero_one(
    params: BktParams, p_known: float, correct: bool
) -> None:
    assert 0.0 <= bkt_predict_correct(params, p_known) <= 1.0
    assert 0.0 <= bkt_observe(params, p_known, correct) <= 1.0
    assert 0.0 <= bkt_update(params, p_known, correct) <= 1.0


@given(params=bkt_params(), p_known=probability)
def test_correct_answer_never_lowers_the_evidence_step(params: BktParams, p_known: float) -> None:
    # Holds whenever guess + slip <= 1; the strategy keeps both <= 0.3 like the fit bounds.
    assert bkt_observe(params, p_known, True) >= p_known - 1e-12


@given(params=bkt_params(with_forget=False), p_known=probability)
def test_without_forgetting_a_correct_answer_never_lowers_the_posterior(
    params: BktParams, p_known: float
) -> None:
    assert bkt_update(params, p_known, True) >= p_known - 1e-12


@given(params=bkt_params(), p_known=probability)
def test_correct_answer_leaves_a_higher_posterior_than_a_wrong_one(
    params: BktParams, p_known: float
) -> None:
    # With forgetting, learn + forget <= 1 keeps the transition order-preserving.
    assert bkt_update(params, p_known, True) >= bkt_update(params, p_known, False) - 1e-12


def test_replay_equals_row_by_row_online_updates() -> None:
    # given two skills with their own parameters and interleaved learners
    params = [PARAMS, BktParams(prior=0.5, learn=0.2, guess=0.25, slip=0.05, forget=0.02)]
    rng = np.random.default_rng(3)
    log = ResponseLog(
        learner=rng.integers(0, 4, 60),
        skill=rng.integers(0, 2, 60),
        correct=rng.random(60) < 0.6,
        learner_names=("a", "b", "c", "d"),
        skill_names=("s", "t"),
    )
    # when replaying the whole log in one pass
    replay = replay_bkt(log, params)
    # then each prediction and final posterior equals the scalar updates applied in order
    state: dict[tuple[int, int], float] = {}
    expected_p = []
    for learner, skill, correct in zip(log.learner, log.skill, log.correct, strict=True):
        current = state.get((learner, skill), params[skill].prior)
        expected_p.append(bkt_predict_correct(params[skill], current))
        state[(learner, skill)] = bkt_update(params[skill], current, bool(correct))
    np.testing.assert_allclose(replay.p_correct, expected_p, rtol=1e-12)
    for index, (learner, skill) in enumerate(
        zip(replay.sequence_learner, replay.sequence_skill, strict=True)
    ):
        assert replay.p_known[index] == pytest.approx(state[(learner, skill)], rel=1e-12)
        expected_count = np.sum((log.learner == learner) & (log.skill == skill))
        assert replay.evidence_count[index] == expected_count


def test_an_item_with_two_skills_updates_both() -> None:
    params = {"fractions": PARAMS, "decimals": BktParams(0.5, 0.2, 0.25, 0.05)}
    posteriors = {"fractions": BktPosterior(p_known=0.4, evidence_count=3)}
    updated = bkt_update_item(
        params_by_skill=params,
        posteriors=posteriors,
        item_skills=["fractions", "decimals"],
        correct=True,
    )
    assert updated["fractions"] == BktPosterior(bkt_update(PARAMS, 0.4, True), 4)
    assert updated["decimals"] == BktPosterior(bkt_update(params["decimals"], 0.5, True), 1)


def test_log_from_item_responses_expands_multi_skill_items_in_time_order() -> None:
    log = log_from_item_responses(
        learner=np.array([0, 1, 0]),
        item=np.array([1, 0, 2]),
        correct=np.array([True, False, True]),
        skills_of_item=[[0], [0, 2], [1]],
        learner_names=("ann", "bob"),
        skill_names=("a", "b", "c"),
    )
    assert log.learner.tolist() == [0, 0, 1, 0]
    assert log.skill.tolist() == [0, 2, 0, 1]
    assert log.correct.tolist() == [True, True, False, True]


def test_posterior_interval_narrows_with_evidence() -> None:
    few = BktPosterior(p_known=0.9, evidence_count=2).interval()
    many = BktPosterior(p_known=0.9, evidence_count=40).interval()
    assert few[0] < many[0] < 0.9 < many[1] < few[1]
