"""BKT numerics under adversarial input: long runs of right and wrong answers, parameters at
0, 1 and a hair from them. Every posterior and prediction stays finite and within [0, 1], the
log-likelihood stays finite, and a fit never raises."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.recommendations.engine.bkt import (
    BktParams,
    bkt_observe,
    bkt_predict_correct,
    bkt_transition,
    bkt_update,
)
from apps.recommendations.engine.bkt_filter import (
    Emissions,
    RankParams,
    backward_smooth,
    forward_filter,
)
from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.sequences import ResponseLog, pack_sequences

NEAR_EDGES = (0.0, 1e-300, 1e-15, 1e-12, 1e-6, 0.001, 0.5, 0.999, 1 - 1e-12, 1 - 1e-15, 1.0)
probability = st.one_of(
    st.sampled_from(NEAR_EDGES), st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
)
# What a corrupted store can hand the hot path: the edges, a hair outside them, NaN.
stored_p_known = st.one_of(
    probability, st.sampled_from((-1e-12, 1 + 1e-15, 1 + 1e-12, 1.5, math.nan, math.inf))
)
SMALL = settings(max_examples=50, deadline=None)


@st.composite
def any_params(draw: st.DrawFn) -> BktParams:
    """Any values BktParams accepts: guess + slip and learn + forget may exceed 1."""
    names = ("prior", "learn", "guess", "slip", "forget")
    return BktParams(**{name: draw(probability) for name in names})


@st.composite
def answers(draw: st.DrawFn, *, max_run: int = 250) -> list[bool]:
    """Hundreds of answers: long runs of right then wrong (or the reverse), or noise."""
    runs = st.lists(
        st.tuples(st.booleans(), st.integers(min_value=1, max_value=max_run)),
        min_size=2,
        max_size=6,
    )
    noise = st.lists(st.booleans(), min_size=100, max_size=400)
    chosen = draw(st.one_of(runs.map(lambda rs: [v for v, n in rs for _ in range(n)]), noise))
    return chosen


def in_unit_interval(values: object) -> bool:
    array = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(array)) and np.all((array >= 0.0) & (array <= 1.0)))


def log_of(sequences: list[tuple[int, int, list[bool]]], n_skills: int) -> ResponseLog:
    """(learner, skill, answers) sequences, interleaved row by row as a real log would be."""
    rows = [
        (step, learner, skill, correct)
        for learner, skill, sequence in sequences
        for step, correct in enumerate(sequence)
    ]
    rows.sort(key=lambda row: row[0])
    n_learners = max((learner for learner, _, _ in sequences), default=0) + 1
    return ResponseLog(
        learner=np.array([row[1] for row in rows], dtype=np.int64),
        skill=np.array([row[2] for row in rows], dtype=np.int64),
        correct=np.array([row[3] for row in rows], dtype=np.bool_),
        learner_names=tuple(f"l{code}" for code in range(n_learners)),
        skill_names=tuple(f"s{code}" for code in range(n_skills)),
    )


@SMALL
@given(params=any_params(), p_known=stored_p_known, sequence=answers())
def test_the_online_update_stays_in_the_unit_interval(
    params: BktParams, p_known: float, sequence: list[bool]
) -> None:
    for correct in sequence:
        assert in_unit_interval(bkt_predict_correct(params, p_known))
        assert in_unit_interval(bkt_observe(params, p_known, correct))
        assert in_unit_interval(bkt_transition(params, p_known))
        p_known = bkt_update(params, p_known, correct)
        assert in_unit_interval(p_known)


@SMALL
@given(params=any_params(), correct=st.booleans())
def test_a_stored_value_outside_the_unit_interval_is_clipped_and_nan_restarts_at_the_prior(
    params: BktParams, correct: bool
) -> None:
    assert bkt_update(params, 1 + 1e-12, correct) == bkt_update(params, 1.0, correct)
    assert bkt_update(params, math.inf, correct) == bkt_update(params, 1.0, correct)
    assert bkt_update(params, -0.25, correct) == bkt_update(params, 0.0, correct)
    assert bkt_update(params, math.nan, correct) == bkt_update(params, params.prior, correct)
    assert bkt_predict_correct(params, math.nan) == bkt_predict_correct(params, params.prior)


@SMALL
@given(
    parameter_sets=st.lists(any_params(), min_size=1, max_size=3),
    sequences=st.lists(answers(), min_size=1, max_size=3),
    with_forget=st.booleans(),
)
def test_filter_and_smoother_stay_in_the_unit_interval(
    parameter_sets: list[BktParams], sequences: list[list[bool]], with_forget: bool
) -> None:
    # given several sequences, filtered under several parameter sets side by side
    sequence_of_row = np.concatenate(
        [np.full(len(answers), code, dtype=np.int64) for code, answers in enumerate(sequences)]
    )
    packed = pack_sequences(sequence_of_row, len(sequences))
    correct = packed.to_packed(np.concatenate([np.array(a, dtype=np.bool_) for a in sequences]))

    def column(name: str, rows: int) -> np.ndarray:
        values = np.array([getattr(params, name) for params in parameter_sets])
        return np.tile(values, (rows, 1))

    rank_params = RankParams(
        prior=column("prior", len(sequences)),
        learn=column("learn", len(sequences)),
        forget=column("forget", len(sequences)),
    )
    emissions = Emissions.from_guess_slip(
        correct, column("guess", packed.size), column("slip", packed.size)
    )
    # when filtering and smoothing
    forward = forward_filter(packed, rank_params, emissions)
    smooth = backward_smooth(
        packed, rank_params, forward, with_forget=with_forget, with_unknown_ratio=True
    )
    # then every probability is one, and the normaliser is positive
    assert in_unit_interval(forward.predicted)
    assert in_unit_interval(forward.filtered)
    assert in_unit_interval(smooth.smoothed)
    assert in_unit_interval(forward.normaliser)
    assert np.all(forward.normaliser > 0.0)
    assert np.all(np.isfinite(np.log(forward.normaliser)))


@SMALL
@given(
    parameter_sets=st.lists(any_params(), min_size=1, max_size=3),
    sequences=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), answers()), min_size=1, max_size=5
    ),
)
def test_replay_stays_in_the_unit_interval(
    parameter_sets: list[BktParams], sequences: list[tuple[int, int, list[bool]]]
) -> None:
    n_skills = len(parameter_sets)
    sequences = [(learner, skill % n_skills, answers) for learner, skill, answers in sequences]
    replay = replay_bkt(log_of(sequences, n_skills), parameter_sets)
    assert in_unit_interval(replay.p_correct)
    assert in_unit_interval(replay.p_known_before)
    assert in_unit_interval(replay.p_known)
    assert np.all(np.isfinite(replay.log_likelihood))


@settings(max_examples=25, deadline=None)
@given(
    sequences=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 2), answers(max_run=100)),
        min_size=1,
        max_size=8,
    ),
    fit_forget=st.booleans(),
    restarts=st.integers(1, 3),
)
def test_a_fit_never_raises_and_reports_what_it_could_not_fit(
    sequences: list[tuple[int, int, list[bool]]], fit_forget: bool, restarts: int
) -> None:
    # given up to three skills (one may have no responses at all)
    log = log_of(sequences, n_skills=3)
    options = BktFitOptions(
        fit_forget=fit_forget, restarts=restarts, screening_iterations=4, max_iterations=25
    )
    # when fitting, then nothing raises
    fits = fit_bkt_skills(log, options)
    for skill, fit in enumerate(fits):
        answered = log.correct[log.skill == skill]
        identifiable = len(answered) > 1 and 0 < answered.sum() < len(answered)
        # and exactly the skills the data cannot identify fall back to the defaults
        assert (fit.fallback is None) == identifiable
        if fit.fallback is not None:
            assert fit.params == options.fallback_params
            assert not fit.converged
        assert in_unit_interval(list(fit.params.as_dict().values()))
        assert math.isfinite(fit.log_likelihood)
        assert fit.log_likelihood <= 0.0
        errors = np.array(list(fit.standard_errors.as_dict().values()))
        assert np.all(np.isnan(errors) | (np.isfinite(errors) & (errors >= 0.0)))


# Regressions: each fails on the engine before probabilities were clipped (checked by running
# these tests against a copy of the old modules).

POLE_PARAMS = BktParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)


def test_a_long_run_of_wrong_answers_after_right_ones_does_not_reach_the_pole() -> None:
    # given 100 right answers, which take P(known) to 1 up to rounding, then 100 wrong ones;
    # before, a rounding excess over 1 grew by (1 - guess) / slip = 8 per wrong answer:
    # P(known) reached 2.9, the log-likelihood NaN
    sequence = [True] * 100 + [False] * 100
    replay = replay_bkt(log_of([(0, 0, sequence)], n_skills=1), [POLE_PARAMS])
    assert in_unit_interval(replay.p_known_before)
    assert in_unit_interval(replay.p_correct)
    assert np.isfinite(replay.log_likelihood).all()
    # and the vectorised pass agrees with the scalar update, which never overflowed
    p_known, expected = POLE_PARAMS.prior, []
    for correct in sequence:
        expected.append(p_known)
        p_known = bkt_update(POLE_PARAMS, p_known, correct)
    np.testing.assert_allclose(replay.p_known_before, expected, rtol=0, atol=1e-9)
    assert replay.p_known[0] == pytest.approx(p_known, abs=1e-9)


def runs_log(seed: int, n_learners: int, max_length: int) -> ResponseLog:
    """One skill; each learner answers at random, or right then wrong, or wrong then right."""
    rng = np.random.default_rng(seed)
    learner: list[int] = []
    correct: list[bool] = []
    for code in range(n_learners):
        length = int(rng.integers(1, max_length + 1))
        split = int(rng.integers(0, length + 1))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            answered = rng.random(length) < rng.uniform(0.5, 1.0)
        else:
            answered = np.arange(length) < split
            if kind == 2:
                answered = ~answered
        learner += [code] * length
        correct += answered.tolist()
    return ResponseLog(
        learner=np.array(learner, dtype=np.int64),
        skill=np.zeros(len(learner), dtype=np.int64),
        correct=np.array(correct, dtype=np.bool_),
        learner_names=tuple(str(code) for code in range(n_learners)),
        skill_names=("s",),
    )


def test_a_fit_whose_every_restart_hit_the_pole_now_converges() -> None:
    # given a log on which every EM start used to reach NaN within the screening iterations
    # (fit_bkt_skills raised "All-NaN slice encountered" from np.nanargmax)
    log = runs_log(seed=33, n_learners=8, max_length=300)
    # when fitting it
    fit = fit_bkt_skills(log)[0]
    # then the fit is an ordinary one with a finite log-likelihood
    assert math.isfinite(fit.log_likelihood)
    assert in_unit_interval(list(fit.params.as_dict().values()))
