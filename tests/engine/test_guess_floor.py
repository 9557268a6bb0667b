"""Answers to easy-to-guess items are weaker evidence: the item's IRT c raises BKT's guess,
on the answer path (scalar) and in the nightly replay (vectorised) alike."""

import numpy as np
import pytest

from apps.recommendations.engine.bkt import BktParams, bkt_update, with_guess_floor
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.sequences import ResponseLog

PARAMS = BktParams(prior=0.2, learn=0.15, guess=0.1, slip=0.1)


def test_a_right_answer_to_a_guessable_item_moves_less():
    typed = bkt_update(PARAMS, 0.2, True)
    three_choices = bkt_update(with_guess_floor(PARAMS, 1 / 3), 0.2, True)
    assert PARAMS.prior < three_choices < typed


def test_the_floor_never_makes_a_right_answer_evidence_against():
    floored = with_guess_floor(PARAMS, 0.99)
    assert floored.guess + floored.slip < 1
    assert bkt_update(floored, 0.5, True) >= 0.5


def test_no_floor_below_the_skill_guess():
    assert with_guess_floor(PARAMS, 0.05) is PARAMS


def test_replay_with_floors_matches_the_answer_path_row_by_row():
    rng = np.random.default_rng(0)
    n = 400
    learner = rng.integers(0, 20, n)
    skill = rng.integers(0, 3, n)
    correct = rng.random(n) < 0.6
    floor = rng.choice([0.0, 0.2, 0.25, 1 / 3], n)
    params = [PARAMS, BktParams(0.3, 0.2, 0.2, 0.15, 0.05), BktParams(0.1, 0.1, 0.25, 0.1)]
    log = ResponseLog(
        learner=learner.astype(np.int64),
        skill=skill.astype(np.int64),
        correct=correct,
        learner_names=tuple(map(str, range(20))),
        skill_names=("a", "b", "c"),
    )
    replay = replay_bkt(log, params, guess_floor=floor)
    state: dict[tuple[int, int], float] = {}
    for row in range(n):
        key = (int(learner[row]), int(skill[row]))
        p = state.get(key, params[key[1]].prior)
        assert replay.p_known_before[row] == pytest.approx(p, abs=1e-12)
        state[key] = bkt_update(with_guess_floor(params[key[1]], floor[row]), p, bool(correct[row]))
    finals = {
        (int(a), int(b)): p
        for a, b, p in zip(
            replay.sequence_learner, replay.sequence_skill, replay.p_known, strict=True
        )
    }
    assert finals == pytest.approx(state, abs=1e-12)
