"""Ability estimation: EAP against ltm's factor scores, MLE, and how the SE shrinks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.recommendations.engine.ability import (
    estimate_eap,
    estimate_eap_many,
    estimate_mle,
    estimate_mle_many,
)
from apps.recommendations.engine.irt import ItemBank, log_likelihood
from apps.recommendations.engine.quadrature import gauss_hermite

# LSAT6 2PL calibration by R ltm (see test_irt_calibrate).
LSAT6 = ItemBank.from_arrays(
    a=[0.8254, 0.7229, 0.8905, 0.6886, 0.6575], b=[-3.3597, -1.3696, -0.2799, -1.8659, -3.1236]
)


def test_eap_of_all_wrong_on_lsat6_matches_ltm() -> None:
    # ltm factor.scores(method = "EAP") with 21 Gauss-Hermite points
    estimate = estimate_eap([0, 0, 0, 0, 0], LSAT6, quadrature=gauss_hermite(21))
    assert estimate.theta == pytest.approx(-1.8969, abs=1e-3)
    assert estimate.standard_error == pytest.approx(0.8012, abs=1e-3)
    assert estimate.response_count == 5


def test_eap_ignores_items_not_administered() -> None:
    partial = estimate_eap([np.nan, 1, 0, np.nan, 1], LSAT6)
    subset = estimate_eap([1, 0, 1], LSAT6.subset(np.array([1, 2, 4])))
    assert partial.theta == pytest.approx(subset.theta)
    assert partial.response_count == 3


def test_mle_maximises_the_likelihood() -> None:
    estimate = estimate_mle([1, 0, 1, 0, 0], LSAT6)
    grid = np.linspace(-6, 6, 120001)
    values = log_likelihood(grid[:, None], np.array([1, 0, 1, 0, 0.0]), LSAT6.a, LSAT6.b)
    assert estimate.theta == pytest.approx(grid[np.argmax(values)], abs=1e-4)
    information = np.sum(
        LSAT6.a**2 * (p := 1 / (1 + np.exp(-LSAT6.a * (estimate.theta - LSAT6.b)))) * (1 - p)
    )
    assert estimate.standard_error == pytest.approx(1 / np.sqrt(information))


def test_mle_of_a_uniform_vector_runs_to_the_bound() -> None:
    estimates = estimate_mle_many([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], LSAT6)
    assert estimates.theta.tolist() == pytest.approx([6.0, -6.0], abs=1e-6)


def test_more_correct_answers_give_higher_eap() -> None:
    estimates = estimate_eap_many(
        [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], LSAT6
    )
    assert np.all(np.diff(estimates.theta) > 0)


BANK = ItemBank.from_arrays(
    a=np.linspace(0.6, 2.2, 12), b=np.linspace(-2.5, 2.5, 12), c=np.linspace(0, 0.25, 12)
)


@settings(max_examples=60, deadline=None)
@given(
    answered=st.lists(st.sampled_from([np.nan, 0.0, 1.0]), min_size=11, max_size=11),
    slope=st.floats(min_value=0.3, max_value=3.0),
    difficulty=st.floats(min_value=-3.0, max_value=3.0),
)
def test_expected_eap_variance_shrinks_when_an_item_is_added(
    answered: list[float], slope: float, difficulty: float
) -> None:
    # The realised SE can rise after a surprising answer, but averaged over the answer's
    # predictive distribution the posterior variance never rises (law of total variance):
    # E[Var(theta | y)] = Var(theta) - Var(E[theta | y]).
    bank = ItemBank.from_arrays(
        a=[*BANK.a[:11], slope], b=[*BANK.b[:11], difficulty], c=[*BANK.c[:11], 0.0]
    )
    before = estimate_eap([*answered, np.nan], bank)
    after = estimate_eap_many([[*answered, 1.0], [*answered, 0.0]], bank)
    rule = gauss_hermite(21)
    posterior_right = _predictive_right([*answered, np.nan], bank, slope, difficulty, rule)
    expected_variance = (
        posterior_right * after.standard_error[0] ** 2
        + (1 - posterior_right) * after.standard_error[1] ** 2
    )
    assert expected_variance <= before.standard_error**2 + 1e-12


def _predictive_right(
    answers: list[float], bank: ItemBank, slope: float, difficulty: float, rule: object
) -> float:
    from apps.recommendations.engine.quadrature import Quadrature

    assert isinstance(rule, Quadrature)
    table = np.array(answers)
    weights = rule.weights * np.exp(
        log_likelihood(rule.points[:, None], table, bank.a, bank.b, bank.c)
    )
    p = 1 / (1 + np.exp(-slope * (rule.points - difficulty)))
    return float(np.sum(weights * p) / np.sum(weights))


def test_eap_standard_error_shrinks_as_informative_items_accumulate() -> None:
    # given a learner answering items matched to the estimate, as an adaptive test does
    rng = np.random.default_rng(8)
    bank = ItemBank.from_arrays(a=np.full(40, 1.8), b=np.linspace(-3, 3, 40))
    answers = np.full(40, np.nan)
    errors = []
    for _ in range(15):
        estimate = estimate_eap(answers, bank)
        errors.append(estimate.standard_error)
        unused = np.flatnonzero(np.isnan(answers))
        item = unused[np.argmin(np.abs(bank.b[unused] - estimate.theta))]
        answers[item] = float(rng.random() < 1 / (1 + np.exp(-1.8 * (0.3 - bank.b[item]))))
    # then the standard error falls at every step here, and well below the prior SD
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] < 0.4
