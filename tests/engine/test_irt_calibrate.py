"""Item calibration against published analyses of the LSAT data (Bock & Lieberman 1970)."""

from pathlib import Path

import numpy as np
import pytest

from apps.recommendations.engine import irt_uncertainty
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.irt_calibrate import (
    CalibrationOptions,
    UncalibratableItemsError,
    calibrate_irt,
    calibrate_irt_answers,
    marginal_log_likelihood,
)
from apps.recommendations.engine.quadrature import equally_spaced, gauss_hermite
from apps.recommendations.engine.simulate import simulate_irt_table

DATA = Path(__file__).parent / "data"


def load(name: str) -> np.ndarray:
    return np.loadtxt(DATA / name, delimiter=",", skiprows=1)


def test_data_files_agree_with_the_published_pattern_counts() -> None:
    # bock_table.csv lists the 32 patterns with their counts for LSAT6 (Ob6) and LSAT7 (Ob7).
    table = load("bock_table.csv")
    for column, name in ((6, "lsat6.csv"), (7, "lsat7.csv")):
        responses = load(name)
        patterns, counts = np.unique(responses, axis=0, return_counts=True)
        expected = {tuple(row[1:6]): row[column] for row in table if row[column] > 0}
        assert {tuple(p): c for p, c in zip(patterns, counts, strict=True)} == expected


def test_lsat7_two_pl_matches_mirt() -> None:
    # R mirt 1.45.5, mirt(lsat7, 1, "2PL"): 61 equally spaced points on [-6, 6].
    result = calibrate_irt(load("lsat7.csv"), CalibrationOptions(quadrature=equally_spaced(61)))
    np.testing.assert_allclose(result.items.a, [0.9879, 1.0809, 1.7058, 0.7652, 0.7358], atol=0.01)
    np.testing.assert_allclose(result.items.d, [1.8561, 0.8080, 1.8042, 0.4860, 1.8545], atol=0.01)
    assert result.log_likelihood == pytest.approx(-2658.805, abs=0.01)
    assert result.converged
    assert result.items.response_count.tolist() == [1000] * 5


def test_lsat6_two_pl_matches_ltm() -> None:
    # R ltm, ltm(LSAT ~ z1): Gauss-Hermite quadrature, IRT parametrisation a (theta - b).
    result = calibrate_irt(load("lsat6.csv"), CalibrationOptions(quadrature=gauss_hermite(21)))
    np.testing.assert_allclose(
        result.items.b, [-3.3597, -1.3696, -0.2799, -1.8659, -3.1236], atol=0.01
    )
    np.testing.assert_allclose(result.items.a, [0.8254, 0.7229, 0.8905, 0.6886, 0.6575], atol=0.01)
    assert result.log_likelihood == pytest.approx(-2466.653, abs=0.01)


def test_standard_errors_are_positive_and_shrink_with_more_examinees() -> None:
    items = ItemBank.from_arrays(a=[0.8, 1.2, 1.5, 1.0], b=[-1.0, 0.0, 0.5, 1.0])
    rng = np.random.default_rng(0)
    small = simulate_irt_table(items=items, theta=rng.normal(size=500), seed=1)
    large = simulate_irt_table(items=items, theta=rng.normal(size=4000), seed=2)
    se_small = calibrate_irt(small).items.se_b
    se_large = calibrate_irt(large).items.se_b
    assert np.all(se_small > 0)
    # SEs scale like 1 / sqrt(n): eight times the data, about 2.8 times smaller.
    np.testing.assert_allclose(se_small / se_large, np.sqrt(8), rtol=0.25)


def test_missing_responses_are_left_out_of_the_likelihood() -> None:
    # given a 2PL bank answered by 3000 examinees, with a third of the cells not answered
    items = ItemBank.from_arrays(
        a=[0.7, 1.0, 1.3, 1.6, 0.9, 1.2], b=[-1.5, -0.5, 0.0, 0.5, 1.0, 1.8]
    )
    theta = np.random.default_rng(4).normal(size=3000)
    table = simulate_irt_table(items=items, theta=theta, seed=5, missing_share=1 / 3)
    # when calibrated
    result = calibrate_irt(table)
    # then the generating parameters are recovered within sampling error
    assert np.all(np.abs(result.items.a - items.a) < 4 * result.items.se_a)
    assert np.all(np.abs(result.items.b - items.b) < 4 * result.items.se_b)
    assert result.items.response_count.tolist() == np.sum(~np.isnan(table), axis=0).tolist()


def test_three_pl_recovers_guessing_within_its_bounds() -> None:
    items = ItemBank.from_arrays(
        a=[1.5, 1.8, 1.2, 2.0, 1.6, 1.4, 1.7, 1.3],
        b=[-0.5, 0.0, 0.5, 1.0, 0.2, 0.8, -0.2, 1.2],
        c=[0.2] * 8,
    )
    theta = np.random.default_rng(6).normal(size=20000)
    table = simulate_irt_table(items=items, theta=theta, seed=7)
    result = calibrate_irt(table, CalibrationOptions(model="3pl", guessing_bounds=(0.0, 0.35)))
    assert np.all((result.items.c >= 0.0) & (result.items.c <= 0.35))
    # c is weakly identified for easy items; judge it by its own standard error
    assert np.all(np.abs(result.items.c - 0.2) < 3 * result.items.se_c)
    assert np.all(result.items.se_c < 0.1)
    assert np.mean(result.items.c) == pytest.approx(0.2, abs=0.03)
    assert np.all(np.abs(result.items.b - items.b) < 3 * result.items.se_b)


def test_three_pl_with_fixed_guessing_keeps_it() -> None:
    result = calibrate_irt(load("lsat7.csv"), CalibrationOptions(model="3pl", fixed_guessing=0.1))
    assert result.items.c.tolist() == [0.1] * 5
    assert np.all(np.isnan(result.items.se_c))
    assert result.converged


def test_three_pl_fits_lsat7_at_least_as_well_as_two_pl() -> None:
    two = calibrate_irt(load("lsat7.csv"))
    three = calibrate_irt(load("lsat7.csv"), CalibrationOptions(model="3pl"))
    assert three.log_likelihood >= two.log_likelihood - 1e-6


def test_values_other_than_zero_one_or_nan_are_rejected() -> None:
    with pytest.raises(ValueError, match="0, 1 or NaN"):
        calibrate_irt(np.array([[0.0, 1.0], [2.0, 1.0]]))


def test_items_without_variation_are_refused_by_name() -> None:
    from apps.recommendations.engine.irt_calibrate import UncalibratableItemsError

    table = load("lsat7.csv")
    table[:, 0] = 1.0
    table[:, 3] = np.nan
    with pytest.raises(UncalibratableItemsError) as caught:
        calibrate_irt(table)
    assert caught.value.item_indexes == [3]
    table[:, 3] = 0.0
    table[0, 3] = 1.0
    with pytest.raises(UncalibratableItemsError) as caught:
        calibrate_irt(table)
    assert caught.value.item_indexes == [0]


def test_per_item_fixed_guessing_of_zero_is_exactly_the_two_pl_that_matches_mirt() -> None:
    two = calibrate_irt(load("lsat7.csv"))
    fixed = calibrate_irt(
        load("lsat7.csv"), CalibrationOptions(model="3pl", fixed_guessing=(0.0,) * 5)
    )
    np.testing.assert_allclose(fixed.items.a, two.items.a, atol=1e-12)
    np.testing.assert_allclose(fixed.items.b, two.items.b, atol=1e-12)
    assert fixed.log_likelihood == pytest.approx(two.log_likelihood, abs=1e-9)


def test_per_item_fixed_guessing_recovers_a_and_b_where_two_pl_is_biased() -> None:
    # given choice items with 2, 3, 4 or 5 options (c = 1 / options) and open items (c = 0)
    c = [0.5, 0.0, 1 / 3, 0.25, 0.2, 0.0, 0.25, 1 / 3]
    items = ItemBank.from_arrays(
        a=[1.2, 1.0, 1.5, 0.9, 1.3, 1.1, 1.6, 0.8],
        b=[0.3, -0.8, 0.0, 0.6, -0.4, 1.0, 0.9, -0.2],
        c=c,
    )
    theta = np.random.default_rng(11).normal(size=8000)
    table = simulate_irt_table(items=items, theta=theta, seed=12)
    # when calibrated with each item's c held at its authored value
    fixed = calibrate_irt(table, CalibrationOptions(model="3pl", fixed_guessing=tuple(c)))
    # then c is kept and a, b come back within sampling error
    assert fixed.converged
    assert fixed.items.c.tolist() == c
    assert np.all(np.abs(fixed.items.a - items.a) < 4 * fixed.items.se_a)
    assert np.all(np.abs(fixed.items.b - items.b) < 4 * fixed.items.se_b)
    # and it is the maximum: at least the likelihood of the generating parameters
    truth = marginal_log_likelihood(table, a=items.a, b=items.b, c=c)
    assert fixed.log_likelihood >= truth - 1e-6
    # while 2PL, ignoring guessing, flattens the slopes of the items that have it
    two = calibrate_irt(table)
    guessed = np.asarray(c) >= 0.25
    assert np.all(two.items.a[guessed] < items.a[guessed])
    assert fixed.log_likelihood > two.log_likelihood


def test_per_item_fixed_guessing_needs_one_value_per_item_in_range() -> None:
    with pytest.raises(ValueError, match="one value per item"):
        calibrate_irt(load("lsat7.csv"), CalibrationOptions(model="3pl", fixed_guessing=(0.2,)))
    with pytest.raises(ValueError, match=r"in \[0, 1\)"):
        calibrate_irt(
            load("lsat7.csv"),
            CalibrationOptions(model="3pl", fixed_guessing=(0.2, 0.2, 1.0, 0.2, 0.2)),
        )


def long_form(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    person, item = np.nonzero(~np.isnan(table))
    return person, item, table[person, item]


@pytest.mark.parametrize(
    "options",
    [
        CalibrationOptions(),
        CalibrationOptions(model="3pl", fixed_guessing=(0.2, 0.0, 0.25, 0.0, 0.1)),
        CalibrationOptions(model="3pl"),
    ],
    ids=["2pl", "3pl-fixed-per-item", "3pl-bounded"],
)
def test_long_form_answers_calibrate_exactly_as_the_table_does_on_lsat7(options, monkeypatch):
    table = load("lsat7.csv")
    dense = calibrate_irt(table, options)
    person, item, correct = long_form(table)
    answers = calibrate_irt_answers(person, item, correct, n_items=5, options=options)
    assert answers.iterations == dense.iterations
    assert answers.converged == dense.converged
    assert answers.person_count == dense.person_count == 1000
    assert answers.log_likelihood == pytest.approx(dense.log_likelihood, abs=1e-8)
    for name in ("a", "b", "c"):
        np.testing.assert_allclose(
            getattr(answers.items, name), getattr(dense.items, name), atol=1e-9
        )
    assert answers.items.response_count.tolist() == [1000] * 5
    # Standard errors: the long form's are per item (block diagonal), as the table's become
    # when a bank is too big for the full covariance.
    monkeypatch.setattr(irt_uncertainty, "_FULL_COVARIANCE_LIMIT", 0)
    blocks = calibrate_irt(table, options)
    for name in ("se_a", "se_b", "se_c"):
        np.testing.assert_allclose(
            getattr(answers.items, name), getattr(blocks.items, name), rtol=1e-7, equal_nan=True
        )


def test_long_form_with_most_cells_unanswered_matches_the_table() -> None:
    items = ItemBank.from_arrays(
        a=[0.7, 1.0, 1.3, 1.6, 0.9, 1.2, 1.1, 0.8], b=[-1.5, -0.5, 0.0, 0.5, 1.0, 1.8, -1, 0.3]
    )
    theta = np.random.default_rng(21).normal(size=4000)
    table = simulate_irt_table(items=items, theta=theta, seed=22, missing_share=0.7)
    table[5] = np.nan  # someone who answered nothing
    dense = calibrate_irt(table)
    person, item, correct = long_form(table)
    answers = calibrate_irt_answers(person, item, correct, n_items=8)
    np.testing.assert_allclose(answers.items.a, dense.items.a, atol=1e-9)
    np.testing.assert_allclose(answers.items.b, dense.items.b, atol=1e-9)
    assert answers.log_likelihood == pytest.approx(dense.log_likelihood, abs=1e-7)
    assert (
        answers.person_count
        == len(np.unique(person))
        == 3999 - np.sum(np.all(np.isnan(np.delete(table, 5, axis=0)), axis=1))
    )


def test_long_form_refuses_duplicates_bad_codes_and_items_without_variation() -> None:
    with pytest.raises(ValueError, match="at most one answer per person and item"):
        calibrate_irt_answers([0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 1, 0], n_items=2)
    with pytest.raises(ValueError, match=r"0\.\.n-1"):
        calibrate_irt_answers([0, 1], [0, 2], [1, 0], n_items=2)
    with pytest.raises(ValueError, match="0 or 1"):
        calibrate_irt_answers([0, 1], [0, 1], [1, 0.5], n_items=2)
    with pytest.raises(UncalibratableItemsError) as refused:
        calibrate_irt_answers([0, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 1], n_items=3)
    assert refused.value.item_indexes == [2]  # no answers
    with pytest.raises(UncalibratableItemsError, match="all right or all wrong") as uniform:
        calibrate_irt_answers([0, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 1], n_items=2)
    assert uniform.value.item_indexes == [1]
