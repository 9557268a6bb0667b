"""Prediction-quality figures, against scikit-learn's on random data (a test-only reference)."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.metrics import log_loss as sklearn_log_loss

from apps.recommendations.engine.calibration import (
    ReliabilityBin,
    auc,
    brier_score,
    calibration_summary,
    expected_calibration_error,
    log_loss,
    reliability_bins,
)

SEEDS = [0, 1, 2, 3, 4]


def sample(seed: int, n: int = 2000, miscalibration: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Predictions and outcomes drawn from the predictions shifted by `miscalibration`."""
    rng = np.random.default_rng(seed)
    predicted = rng.beta(2.0, 2.0, size=n)
    truth = np.clip(predicted + miscalibration, 0.0, 1.0)
    observed = (rng.random(n) < truth).astype(np.float64)
    return predicted, observed


@pytest.mark.parametrize("seed", SEEDS)
def test_log_loss_brier_and_auc_match_scikit_learn(seed: int) -> None:
    predicted, observed = sample(seed)
    assert log_loss(predicted, observed) == pytest.approx(
        sklearn_log_loss(observed, predicted), rel=1e-12
    )
    assert brier_score(predicted, observed) == pytest.approx(
        brier_score_loss(observed, predicted), rel=1e-12
    )
    assert auc(predicted, observed) == pytest.approx(roc_auc_score(observed, predicted), rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_auc_handles_ties_as_scikit_learn(seed: int) -> None:
    # given predictions rounded to a few values, so most of them tie
    predicted, observed = sample(seed, n=500)
    predicted = np.round(predicted, 1)
    assert len(np.unique(predicted)) <= 11
    assert auc(predicted, observed) == pytest.approx(roc_auc_score(observed, predicted), rel=1e-12)


def test_auc_by_hand() -> None:
    # right answers at 0.9 and 0.5, wrong at 0.5 and 0.1: pairs (0.9 > 0.5, 0.9 > 0.1,
    # 0.5 = 0.5 is a half, 0.5 > 0.1) give 3.5 of 4
    assert auc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]) == 3.5 / 4
    assert auc([0.1, 0.9], [1, 0]) == 0.0
    assert auc([0.3, 0.3, 0.3], [1, 0, 1]) == 0.5


def test_auc_is_undefined_with_one_outcome_only() -> None:
    assert auc([0.2, 0.7, 0.9], [1, 1, 1]) is None
    assert auc([0.2, 0.7], [0, 0]) is None
    with pytest.raises(ValueError, match="one class"):
        roc_auc_score([1, 1, 1], [0.2, 0.7, 0.9])  # the reference refuses too


def test_log_loss_clips_certain_predictions_and_matches_with_one_class() -> None:
    confident_miss = log_loss([1.0, 0.0], [0, 1])
    assert np.isfinite(confident_miss)
    assert confident_miss == pytest.approx(-np.log(1e-12))
    assert log_loss([0.8, 0.6], [1, 1]) == pytest.approx(
        sklearn_log_loss([1, 1], [0.8, 0.6], labels=[0, 1])
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_reliability_bins_match_calibration_curve(seed: int, n_bins: int) -> None:
    predicted, observed = sample(seed, miscalibration=0.1)
    bins = reliability_bins(predicted, observed, n_bins)
    observed_rate, mean_predicted = calibration_curve(
        observed, predicted, n_bins=n_bins, strategy="uniform"
    )
    filled = [b for b in bins if b.count]
    assert len(bins) == n_bins
    assert sum(b.count for b in bins) == len(predicted)
    assert [b.observed_rate for b in filled] == pytest.approx(observed_rate, rel=1e-12)
    assert [b.mean_predicted for b in filled] == pytest.approx(mean_predicted, rel=1e-12)
    counts, _ = np.histogram(predicted, bins=np.linspace(0, 1, n_bins + 1))
    assert [b.count for b in bins] == counts.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_ece_is_the_count_weighted_gap_of_the_reference_curve(seed: int) -> None:
    predicted, observed = sample(seed, miscalibration=0.15)
    observed_rate, mean_predicted = calibration_curve(observed, predicted, n_bins=10)
    counts, _ = np.histogram(predicted, bins=np.linspace(0, 1, 11))
    expected = np.sum(counts[counts > 0] * np.abs(observed_rate - mean_predicted)) / len(predicted)
    ece = expected_calibration_error(predicted, observed)
    assert ece == pytest.approx(expected, rel=1e-12)
    assert ece > 0.1  # the shift shows, well above the noise of 2000 answers


def test_ece_is_small_for_calibrated_predictions_and_large_for_shifted_ones() -> None:
    calibrated = expected_calibration_error(*sample(7, n=20_000))
    shifted = expected_calibration_error(*sample(7, n=20_000, miscalibration=0.2))
    assert calibrated < 0.02
    assert shifted > 0.15


def test_bins_are_left_closed_and_the_last_holds_one() -> None:
    bins = reliability_bins([0.0, 0.5, 0.5, 1.0], [0, 1, 0, 1], n_bins=2)
    assert bins == (
        ReliabilityBin(lower=0.0, upper=0.5, count=1, mean_predicted=0.0, observed_rate=0.0),
        ReliabilityBin(lower=0.5, upper=1.0, count=3, mean_predicted=2 / 3, observed_rate=2 / 3),
    )


def test_ece_by_hand() -> None:
    # bin [0.2, 0.3): two answers predicted 0.25, one right (gap 0.25); bin [0.8, 0.9): two
    # answers predicted 0.8, both right (gap 0.2). Weighted: (2 * 0.25 + 2 * 0.2) / 4.
    ece = expected_calibration_error([0.25, 0.25, 0.8, 0.8], [1, 0, 1, 1])
    assert ece == pytest.approx(0.225)


def test_summary_collects_every_figure() -> None:
    predicted, observed = sample(11, n=300)
    summary = calibration_summary(predicted, observed)
    assert summary.n == 300
    assert summary.n_correct == int(observed.sum())
    assert summary.log_loss == log_loss(predicted, observed)
    assert summary.auc == auc(predicted, observed)
    assert summary.brier == brier_score(predicted, observed)
    assert summary.ece == expected_calibration_error(predicted, observed)
    assert summary.bins == reliability_bins(predicted, observed)


def test_summary_of_nothing_is_empty_not_an_error() -> None:
    summary = calibration_summary([], [])
    assert (summary.n, summary.n_correct) == (0, 0)
    assert (summary.log_loss, summary.auc, summary.brier, summary.ece) == (None, None, None, None)
    assert [b.count for b in summary.bins] == [0] * 10
    assert all(b.mean_predicted is None and b.observed_rate is None for b in summary.bins)


def test_single_figures_refuse_empty_input() -> None:
    for figure in (log_loss, brier_score, expected_calibration_error):
        with pytest.raises(ValueError, match="no predictions"):
            figure([], [])
    assert auc([], []) is None


@pytest.mark.parametrize(
    ("predicted", "observed", "message"),
    [
        ([0.5, 1.2], [1, 0], "probabilities"),
        ([0.5, float("nan")], [1, 0], "probabilities"),
        ([0.5, 0.4], [1, 2], "0 .wrong. or 1"),
        ([0.5], [1, 0], "1 predictions but 2 outcomes"),
    ],
)
def test_bad_input_is_refused(predicted: list[float], observed: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calibration_summary(predicted, observed)
