"""2PL/3PL response function and Fisher information."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.recommendations.engine.irt import ItemBank, fisher_information, probability

thetas = st.floats(min_value=-8.0, max_value=8.0)
slopes = st.floats(min_value=0.2, max_value=3.0)
difficulties = st.floats(min_value=-4.0, max_value=4.0)
guesses = st.floats(min_value=0.0, max_value=0.4)


def test_probability_at_the_difficulty_is_halfway_above_guessing() -> None:
    assert probability(0.5, 1.7, 0.5, 0.2) == pytest.approx(0.2 + 0.8 * 0.5)


def test_two_pl_information_is_a_squared_p_q() -> None:
    theta = np.linspace(-3, 3, 13)
    p = 1.0 / (1.0 + np.exp(-1.3 * (theta - 0.4)))
    np.testing.assert_allclose(fisher_information(theta, 1.3, 0.4), 1.3**2 * p * (1 - p))


def test_three_pl_information_is_lords_formula() -> None:
    theta, a, b, c = np.linspace(-3, 3, 13), 1.1, -0.5, 0.25
    p = c + (1 - c) / (1.0 + np.exp(-a * (theta - b)))
    expected = a**2 * (p - c) ** 2 / (1 - c) ** 2 * (1 - p) / p
    np.testing.assert_allclose(fisher_information(theta, a, b, c), expected)


@given(theta=thetas, a=slopes, b=difficulties, c=guesses)
def test_information_is_the_squared_slope_over_bernoulli_variance(
    theta: float, a: float, b: float, c: float
) -> None:
    # I = P'(theta)^2 / (P (1 - P)) for a Bernoulli response, checked by central differences.
    step = 1e-5
    slope = (probability(theta + step, a, b, c) - probability(theta - step, a, b, c)) / (2 * step)
    p = probability(theta, a, b, c)
    expected = slope**2 / (p * (1 - p))
    assert fisher_information(theta, a, b, c) == pytest.approx(expected, rel=1e-4, abs=1e-9)


@given(theta=thetas, a=slopes, b=difficulties, c=guesses)
def test_probability_stays_between_guessing_and_one(
    theta: float, a: float, b: float, c: float
) -> None:
    p = float(probability(theta, a, b, c))
    assert c <= p <= 1.0


def test_item_bank_rejects_non_positive_discrimination() -> None:
    with pytest.raises(ValueError, match="discriminations"):
        ItemBank.from_arrays(a=[1.0, 0.0], b=[0.0, 1.0])
