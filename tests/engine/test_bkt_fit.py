"""BKT fitting by EM: recovery of known parameters, bounds, forgetting, standard errors,
fallbacks for skills that cannot be fitted."""

from typing import Any

import numpy as np
import pytest

from apps.recommendations.engine import bkt_fit
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktBounds, BktFitOptions, fit_bkt, fit_bkt_skills
from apps.recommendations.engine.bkt_fit_types import BktSkillFit
from apps.recommendations.engine.bkt_replay import bkt_log_likelihood
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.sequences import ResponseLog
from apps.recommendations.engine.simulate import simulate_bkt

TRUTH = (
    BktParams(prior=0.3, learn=0.15, guess=0.2, slip=0.1),
    BktParams(prior=0.5, learn=0.08, guess=0.25, slip=0.05),
    BktParams(prior=0.2, learn=0.25, guess=0.15, slip=0.12),
)
FIELDS = ("prior", "learn", "guess", "slip", "forget")


@pytest.fixture(scope="module")
def synthetic_log() -> ResponseLog:
    return simulate_bkt(params=TRUTH, n_learners=3000, min_length=10, max_length=30, seed=11)


@pytest.fixture(scope="module")
def fits(synthetic_log: ResponseLog) -> tuple[BktSkillFit, ...]:
    return fit_bkt_skills(synthetic_log, BktFitOptions(seed=5))


def test_em_recovers_the_generating_parameters(fits: tuple[BktSkillFit, ...]) -> None:
    for fit, truth in zip(fits, TRUTH, strict=True):
        for name in FIELDS:
            assert getattr(fit.params, name) == pytest.approx(getattr(truth, name), abs=0.02)
        assert fit.converged


def test_standard_errors_cover_the_truth(fits: tuple[BktSkillFit, ...]) -> None:
    for fit, truth in zip(fits, TRUTH, strict=True):
        errors = fit.standard_errors
        assert np.isnan(errors.forget)  # forget was held at 0
        for name in ("prior", "learn", "guess", "slip"):
            error = getattr(errors, name)
            assert 0.0 < error < 0.05
            assert abs(getattr(fit.params, name) - getattr(truth, name)) < 4 * error


def test_counts_and_log_likelihood_are_those_of_the_data(
    synthetic_log: ResponseLog, fits: tuple[BktSkillFit, ...]
) -> None:
    recomputed = bkt_log_likelihood(synthetic_log, [fit.params for fit in fits])
    for skill, fit in enumerate(fits):
        assert fit.response_count == int(np.sum(synthetic_log.skill == skill))
        assert fit.sequence_count == 3000
        assert fit.log_likelihood == pytest.approx(recomputed[skill], rel=1e-12)


def test_fit_is_a_local_maximum_of_the_likelihood(
    synthetic_log: ResponseLog, fits: tuple[BktSkillFit, ...]
) -> None:
    best = np.array([fit.log_likelihood for fit in fits])
    for name in ("prior", "learn", "guess", "slip"):
        for step in (-0.005, 0.005):
            moved = [
                BktParams(**{**fit.params.as_dict(), name: getattr(fit.params, name) + step})
                for fit in fits
            ]
            assert np.all(bkt_log_likelihood(synthetic_log, moved) < best)


def test_bounds_cap_guess_and_slip() -> None:
    # given data whose unknown learners guess right half of the time
    truth = (BktParams(prior=0.2, learn=0.1, guess=0.5, slip=0.1),)
    log = simulate_bkt(params=truth, n_learners=500, max_length=15, seed=2)
    # when guess may be at most 0.3
    fit = fit_bkt_skills(log, BktFitOptions(bounds=BktBounds(guess=(0.001, 0.3))))[0]
    # then it sits on the bound, and its standard error is not reported
    assert fit.params.guess == pytest.approx(0.3)
    assert np.isnan(fit.standard_errors.guess)


def test_bounds_that_allow_guess_plus_slip_of_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="add up to less than 1"):
        BktBounds(guess=(0.0, 0.6), slip=(0.0, 0.5))


def test_forgetting_is_recovered_when_fitted() -> None:
    truth = (BktParams(prior=0.4, learn=0.2, guess=0.2, slip=0.1, forget=0.05),)
    log = simulate_bkt(params=truth, n_learners=6000, max_length=25, min_length=15, seed=5)
    fit = fit_bkt_skills(log, BktFitOptions(fit_forget=True, seed=1))[0]
    for name in FIELDS:
        assert getattr(fit.params, name) == pytest.approx(getattr(truth[0], name), abs=0.02)
    assert 0.0 < fit.standard_errors.forget < 0.02


def test_single_skill_entry_point_matches_the_multi_skill_fit(
    synthetic_log: ResponseLog, fits: tuple[BktSkillFit, ...]
) -> None:
    rows = synthetic_log.skill == 1
    single = fit_bkt(
        learner=synthetic_log.learner[rows],
        correct=synthetic_log.correct[rows],
        options=BktFitOptions(seed=5),
    )
    assert single.log_likelihood == pytest.approx(fits[1].log_likelihood, abs=1e-3)
    assert single.params.learn == pytest.approx(fits[1].params.learn, abs=1e-4)


def test_sequences_of_one_response_keep_learn_at_its_start() -> None:
    # Nothing follows any response, so there is no evidence about learning at all.
    log = ResponseLog.from_labels(
        learners=["a", "b", "c", "d"], skills=["s"] * 4, correct=[1, 0, 1, 1]
    )
    fit = fit_bkt_skills(log, BktFitOptions(restarts=1))[0]
    assert fit.params.learn == pytest.approx(0.1)
    assert fit.response_count == 4


def test_skills_the_data_cannot_identify_fall_back_to_the_defaults_and_say_why(
    synthetic_log: ResponseLog,
) -> None:
    # given a fittable skill, and skills with one response, only right or only wrong answers,
    # and none at all
    rows = synthetic_log.skill == 0
    learner = synthetic_log.learner[rows]
    extra_learner = np.array([0, 1, 1, 2, 2, 3, 3, 3])
    log = ResponseLog(
        learner=np.concatenate([learner, extra_learner]),
        skill=np.concatenate([np.zeros(len(learner), dtype=np.int64), [1, 2, 2, 2, 2, 3, 3, 3]]),
        correct=np.concatenate(
            [synthetic_log.correct[rows], [True, True, True, True, True, False, False, False]]
        ),
        learner_names=synthetic_log.learner_names,
        skill_names=("fit", "one", "right", "wrong", "none"),
    )
    options = BktFitOptions(seed=5)
    # when fitting
    fits = fit_bkt_skills(log, options)
    # then each degenerate skill has the fallback parameters and the reason
    assert [fit.fallback for fit in fits] == [
        None,
        "one response",
        "all answers correct",
        "all answers wrong",
        "no responses",
    ]
    assert fits[0].converged
    assert fits[0].params.learn == pytest.approx(TRUTH[0].learn, abs=0.02)
    recomputed = bkt_log_likelihood(log, [fit.params for fit in fits])
    for skill, fit in enumerate(fits[1:], start=1):
        assert fit.params == options.fallback_params == DEFAULT_BKT
        assert np.isnan(list(fit.standard_errors.as_dict().values())).all()
        assert not fit.converged
        assert fit.iterations == 0
        assert fit.log_likelihood == pytest.approx(recomputed[skill], rel=1e-12)
    assert [fit.response_count for fit in fits[1:]] == [1, 4, 3, 0]


@pytest.mark.parametrize(
    ("restarts", "reason"), [(3, "every restart failed"), (1, "non-finite log-likelihood")]
)
def test_a_skill_whose_em_fails_falls_back_without_disturbing_the_others(
    monkeypatch: pytest.MonkeyPatch, restarts: int, reason: str
) -> None:
    # given an E-step that returns a NaN log-likelihood for skill 1 (the clipped filter no
    # longer produces one; this guards against whatever might)
    real_e_step = bkt_fit._e_step

    def broken_e_step(*args: Any, **kwargs: Any) -> dict[str, Any]:
        counts = real_e_step(*args, **kwargs)
        counts["log_likelihood"] = counts["log_likelihood"].copy()
        counts["log_likelihood"][1] = np.nan
        return counts

    monkeypatch.setattr(bkt_fit, "_e_step", broken_e_step)
    log = simulate_bkt(params=TRUTH[:2], n_learners=200, min_length=5, max_length=15, seed=3)
    # when fitting, then nothing raises, skill 1 falls back and skill 0 is fitted
    fits = fit_bkt_skills(log, BktFitOptions(restarts=restarts, max_iterations=30))
    assert [fit.fallback for fit in fits] == [None, reason]
    assert fits[1].params == DEFAULT_BKT
    assert np.isfinite(fits[1].log_likelihood)
    assert np.isfinite(fits[0].log_likelihood)
