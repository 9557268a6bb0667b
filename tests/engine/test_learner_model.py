"""The combined next-answer model: HMM fit, online = batch, probabilities, held-out AUC."""

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from scipy.stats import rankdata

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.hmm_skill import HmmParams, filter_packed
from apps.recommendations.engine.hmm_skill_fit import HmmFitOptions, fit_hmm_skills
from apps.recommendations.engine.learner_model import (
    LearnerModelParams,
    SkillState,
    final_skill_states,
    fit_learner_model,
    initial_state,
    predict,
    replay_learner_model,
    update,
)
from apps.recommendations.engine.learner_model_json import (
    learner_model_from_json,
    learner_model_to_json,
)
from apps.recommendations.engine.sequences import pack_sequences, sequence_ids
from apps.recommendations.engine.simulate import simulate_bkt
from apps.recommendations.engine.simulate_practice import (
    PracticeSettings,
    SimulatedPractice,
    simulate_practice,
    stuck_truth,
)


def auc(correct: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with mid-ranks for ties)."""
    ranks = rankdata(p)
    positives = int(correct.sum())
    negatives = len(correct) - positives
    return float((ranks[correct].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def answer_log(sim: SimulatedPractice, *, items: bool = True, times: bool = True) -> AnswerLog:
    n = len(sim.correct)
    return AnswerLog(
        learner=sim.learner,
        skill=sim.skill,
        correct=sim.correct,
        item=sim.item if items else np.full(n, -1),
        seconds=sim.seconds if times else np.full(n, np.nan),
        learner_names=tuple(f"learner{i}" for i in range(int(sim.learner.max()) + 1)),
        skill_names=tuple(f"skill{i}" for i in range(sim.truth.start.shape[0])),
        item_names=tuple(f"item{i}" for i in range(len(sim.item_difficulty))) if items else (),
    )


@pytest.fixture(scope="module")
def practice() -> SimulatedPractice:
    # forgetting over long gaps, stuck learners, item difficulty, skill-builder stopping
    return simulate_practice(stuck_truth(12, seed=7), PracticeSettings(n_learners=2400), seed=8)


@pytest.fixture(scope="module")
def split(practice: SimulatedPractice) -> tuple[AnswerLog, AnswerLog]:
    log = answer_log(practice)
    test = practice.learner % 4 == 0
    return log.rows(~test), log.rows(test)


@pytest.fixture(scope="module")
def fitted(split: tuple[AnswerLog, AnswerLog]) -> LearnerModelParams:
    return fit_learner_model(split[0])


def _log_likelihood(params: HmmParams, sim: SimulatedPractice) -> float:
    sequence_of_row, skill_of_sequence = sequence_ids(sim.learner, sim.skill)
    packed = pack_sequences(sequence_of_row, len(skill_of_sequence))
    groups = skill_of_sequence[packed.sequence_of_rank]
    state = filter_packed(params, packed, groups, packed.to_packed(sim.correct))
    p = np.sum(state[packed.packed_of_row] * params.emission[sim.skill], axis=1)
    return float(np.sum(np.where(sim.correct, np.log(p), np.log1p(-p))))


def test_hmm_fit_recovers_the_parameters_of_a_simulated_log() -> None:
    # given a log from known 4-state HMMs, no item effects, no stopping rule, long runs
    truth = stuck_truth(2, seed=3)
    settings = PracticeSettings(
        n_learners=1000,
        skills_per_learner=2,
        item_sd=0.0,
        median_length=60,
        stop_after_streak=None,
        forget_days=1e9,
    )
    sim = simulate_practice(truth, settings, seed=4)
    # when the HMM is fitted
    options = HmmFitOptions(relative_tolerance=1e-6, max_iterations=80)
    fit = fit_hmm_skills(
        learner=sim.learner, skill=sim.skill, correct=sim.correct, n_skills=2, options=options
    ).params
    # then the fit is about as likely as the truth (EM found the maximum, not a poor local one)
    assert _log_likelihood(fit, sim) > _log_likelihood(truth, sim) - 1e-4 * sim.size
    # and the stuck and known states are recovered closely (P(correct) and stickiness), the two
    # in between (harder to tell apart) roughly
    for skill in range(2):
        assert fit.emission[skill, [0, 3]] == pytest.approx(truth.emission[skill, [0, 3]], abs=0.03)
        assert fit.emission[skill, [1, 2]] == pytest.approx(truth.emission[skill, [1, 2]], abs=0.12)
        assert fit.start[skill, [0, 3]] == pytest.approx(truth.start[skill, [0, 3]], abs=0.08)
        assert fit.start[skill, 1:3].sum() == pytest.approx(truth.start[skill, 1:3].sum(), abs=0.1)
        assert np.abs(fit.transition[skill] - truth.transition[skill]).max() < 0.15
        assert fit.transition[skill, 0, 0] > 0.9
        assert fit.transition[skill, 3, 3] > 0.9


def test_hmm_filter_with_bkt_parameters_is_bkt() -> None:
    # given BKT with forgetting written as a 2-state HMM (unknown, known)
    bkt = BktParams(prior=0.3, learn=0.2, guess=0.2, slip=0.1, forget=0.05)
    log = simulate_bkt(params=(bkt,), n_learners=200, max_length=30, min_length=5, seed=1)
    hmm = HmmParams(
        start=np.array([[0.7, 0.3]]),
        transition=np.array([[[0.8, 0.2], [0.05, 0.95]]]),
        emission=np.array([[0.2, 0.9]]),
    )
    sequence_of_row, skill_of_sequence = sequence_ids(log.learner, log.skill)
    packed = pack_sequences(sequence_of_row, len(skill_of_sequence))
    # when both filter the log
    state = filter_packed(
        hmm, packed, skill_of_sequence[packed.sequence_of_rank], packed.to_packed(log.correct)
    )[packed.packed_of_row]
    # then they predict the same
    expected = replay_bkt(log, [bkt]).p_correct
    assert np.sum(state * hmm.emission[0], axis=1) == pytest.approx(expected, abs=1e-12)


def test_online_updates_reproduce_the_batch_replay(
    fitted: LearnerModelParams, split: tuple[AnswerLog, AnswerLog]
) -> None:
    # given the replay of held-out learners
    held = split[1]
    replay = replay_learner_model(fitted, held)
    finals = {(learner, skill): state for learner, skill, state in final_skill_states(replay, held)}
    # when a few (learner, skill) runs are replayed answer by answer through the online API
    checked = 0
    for sequence in range(0, len(replay.sequence_skill), 97):
        learner, skill = replay.sequence_learner[sequence], replay.sequence_skill[sequence]
        rows = np.flatnonzero((held.learner == learner) & (held.skill == skill))
        state = initial_state(fitted, held.skill_names[skill])
        for row in rows:
            item = held.item_names[held.item[row]]
            p = predict(fitted, state, item=item, at=float(held.seconds[row]))
            # then every prediction is the batch one
            assert p == pytest.approx(replay.p_correct[row], abs=1e-12)
            state = update(fitted, state, correct=bool(held.correct[row]), at=held.seconds[row])
            state = SkillState.from_json(json.loads(json.dumps(state.as_json())))
            checked += 1
        # and the final state is the batch one
        final = finals[held.learner_names[learner], held.skill_names[skill]]
        assert state.hmm == pytest.approx(final.hmm, abs=1e-12)
        assert state.right == pytest.approx(final.right, abs=1e-12)
        assert state.right_recent == pytest.approx(final.right_recent, abs=1e-12)
        assert (state.attempts, state.streak, state.last_at) == (
            final.attempts,
            final.streak,
            final.last_at,
        )
        assert final.attempts == len(rows)
    assert checked > 300


def test_online_api_takes_aware_datetimes(fitted: LearnerModelParams) -> None:
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    state = initial_state(fitted, "skill0")
    for minutes, correct in ((0, False), (1, True), (2, True)):
        state = update(fitted, state, correct=correct, at=start + timedelta(minutes=minutes))
    assert state.last_at == (start + timedelta(minutes=2)).timestamp()
    assert state.streak == 2
    same = predict(fitted, state, at=(start + timedelta(days=1)).timestamp())
    assert predict(fitted, state, at=start + timedelta(days=1)) == same
    with pytest.raises(ValueError, match="timezone-aware"):
        update(fitted, state, correct=True, at=datetime(2024, 3, 2))  # noqa: DTZ001


def test_predictions_are_probabilities_even_after_very_long_runs(
    fitted: LearnerModelParams,
) -> None:
    # given a learner with 3000 right answers in a row, then 3000 wrong ones
    state = initial_state(fitted, "skill1")
    seen = []
    for index in range(6000):
        seen.append(predict(fitted, state, item="item3", at=index * 30.0))
        state = update(fitted, state, correct=index < 3000, at=index * 30.0)
    # then every prediction is a probability strictly inside (0, 1)
    p = np.array(seen)
    assert np.all(np.isfinite(p))
    assert np.all((p > 0.0) & (p < 1.0))
    assert abs(sum(state.hmm) - 1.0) < 1e-9
    assert p[2999] > 0.8
    assert p[-1] < 0.2


def test_combined_beats_bkt_with_forgetting_on_held_out_learners(
    fitted: LearnerModelParams, split: tuple[AnswerLog, AnswerLog]
) -> None:
    # given BKT with forgetting fitted on the same training learners
    train, held = split
    fits = fit_bkt_skills(train.response_log(), BktFitOptions(fit_forget=True))
    bkt_p = replay_bkt(held.response_log(), [fit.params for fit in fits]).p_correct
    # when both predict the held-out learners
    combined_p = replay_learner_model(fitted, held).p_correct
    # then the combined model's AUC is higher by at least 0.01
    assert auc(held.correct, combined_p) >= auc(held.correct, bkt_p) + 0.01
    assert np.all((combined_p > 0) & (combined_p < 1))


def test_unseen_skill_and_item_get_pooled_defaults(fitted: LearnerModelParams) -> None:
    log = AnswerLog.from_labels(
        learners=["a", "a", "b", "b"],
        skills=["skill0", "skill0", "new skill", "new skill"],
        correct=[1, 0, 1, 1],
        items=["item0", "no such item", "item1", ""],
    )
    replay = replay_learner_model(fitted, log)
    assert replay.skill_fitted.tolist() == [True, True, False, False]
    assert replay.item_fitted.tolist() == [True, False, True, False]
    state = initial_state(fitted, "new skill")
    assert state.hmm == pytest.approx(fitted.hmm.start[fitted.hmm.pooled_group].tolist())
    assert replay.p_correct[2] == pytest.approx(predict(fitted, state, item="item1"), abs=1e-12)


def test_params_survive_a_json_round_trip(
    fitted: LearnerModelParams, split: tuple[AnswerLog, AnswerLog]
) -> None:
    document = json.loads(json.dumps(learner_model_to_json(fitted)))
    restored = learner_model_from_json(document)
    held = split[1]
    assert replay_learner_model(restored, held).p_correct == pytest.approx(
        replay_learner_model(fitted, held).p_correct, abs=1e-12
    )
    document["layer"]["weights"] = document["layer"]["weights"][:-1]
    with pytest.raises(ValueError, match="weights"):
        learner_model_from_json(document)


def test_a_known_irt_shift_is_used_when_given(practice: SimulatedPractice) -> None:
    # given a (theta - b) for every answer: here minus the item's true difficulty
    log = answer_log(practice, items=False, times=False)
    shift = -practice.item_difficulty[practice.item]
    test = practice.learner % 4 == 0
    # when the model is fitted with and without it
    with_shift = fit_learner_model(log.rows(~test), irt_shift=shift[~test])
    without = fit_learner_model(log.rows(~test))
    # then it carries weight and improves held-out AUC
    assert with_shift.feature_names[-1] == "irt_shift"
    assert with_shift.layer.weights[-1] > 0
    held = log.rows(test)
    p_with = replay_learner_model(with_shift, held, irt_shift=shift[test]).p_correct
    p_without = replay_learner_model(without, held).p_correct
    assert auc(held.correct, p_with) > auc(held.correct, p_without) + 0.01
