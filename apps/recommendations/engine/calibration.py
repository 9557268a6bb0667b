"""How good a model's probabilities were: log-loss, AUC, Brier score and calibration.

Inputs are the probabilities a model gave (``predicted``, each in [0, 1]) and what happened
(``observed``, right = 1 / wrong = 0), one pair per answer. Everything is vectorised over the
answers; nothing here knows where the predictions came from.

- **log-loss**: mean of -[y log p + (1 - y) log(1 - p)], natural log, p clipped to
  [PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR] so that one confident miss costs a lot but not
  infinity. 0.693 is what always saying 50% scores.
- **AUC**: the probability that a random right answer had a higher prediction than a random
  wrong one (ties count a half): the Mann-Whitney U statistic from average ranks. Undefined
  (None) when every answer is right or every answer is wrong.
- **Brier score**: mean squared error of the probabilities, 0.25 for always 50%.
- **Reliability bins**: ``n_bins`` equal-width bins of the predictions, each left-closed
  ([0.1, 0.2)) except the last, which holds 1.0; per bin the count, the mean prediction and the
  observed rate of right answers (None for an empty bin).
- **ECE** (expected calibration error, Naeini et al. 2015): the count-weighted mean over bins of
  |observed rate - mean prediction|. It is biased upwards with few answers per bin (a bin of n
  answers from a perfectly calibrated model at p is off by about 0.8 sqrt(p(1 - p) / n) by
  chance), so judge it with its count.

Checked against scikit-learn (``roc_auc_score``, ``log_loss``, ``brier_score_loss``,
``calibration_curve``) in ``tests/engine/test_calibration.py``.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import PROBABILITY_FLOOR, FloatArray, as_float_array

DEFAULT_BINS = 10


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    lower: float
    upper: float
    count: int
    mean_predicted: float | None  # None when the bin is empty
    observed_rate: float | None


@dataclass(frozen=True, slots=True)
class CalibrationSummary:
    """All the figures of one set of predictions. With no predictions every figure is None
    and the bins are all empty."""

    n: int
    n_correct: int
    log_loss: float | None
    auc: float | None
    brier: float | None
    ece: float | None
    bins: tuple[ReliabilityBin, ...]


def _checked(predicted: npt.ArrayLike, observed: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    p = as_float_array(predicted).ravel()
    y = as_float_array(observed).ravel()
    if p.shape != y.shape:
        raise ValueError(f"{p.size} predictions but {y.size} outcomes")
    if not np.all((p >= 0.0) & (p <= 1.0)):  # also rejects NaN
        raise ValueError("predictions must be probabilities in [0, 1]")
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("outcomes must be 0 (wrong) or 1 (right)")
    return p, y


def _require_some(p: FloatArray) -> None:
    if p.size == 0:
        raise ValueError("no predictions")


def log_loss(predicted: npt.ArrayLike, observed: npt.ArrayLike) -> float:
    p, y = _checked(predicted, observed)
    _require_some(p)
    p = np.clip(p, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def brier_score(predicted: npt.ArrayLike, observed: npt.ArrayLike) -> float:
    p, y = _checked(predicted, observed)
    _require_some(p)
    return float(np.mean((p - y) ** 2))


def auc(predicted: npt.ArrayLike, observed: npt.ArrayLike) -> float | None:
    """Area under the ROC curve, or None when only one outcome occurs."""
    p, y = _checked(predicted, observed)
    n_right = int(np.count_nonzero(y))
    n_wrong = y.size - n_right
    if n_right == 0 or n_wrong == 0:
        return None
    order = np.argsort(p, kind="stable")
    # Average rank (1-based) of each run of equal predictions, spread back over its members.
    _, first, counts = np.unique(p[order], return_index=True, return_counts=True)
    ranks = np.repeat(first + (counts + 1) / 2.0, counts)
    rank_sum = float(np.sum(ranks[y[order] == 1.0]))
    return (rank_sum - n_right * (n_right + 1) / 2.0) / (n_right * n_wrong)


def reliability_bins(
    predicted: npt.ArrayLike, observed: npt.ArrayLike, n_bins: int = DEFAULT_BINS
) -> tuple[ReliabilityBin, ...]:
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    p, y = _checked(predicted, observed)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.searchsorted(edges[1:-1], p, side="right")
    counts = np.bincount(which, minlength=n_bins)
    predicted_sums = np.bincount(which, weights=p, minlength=n_bins)
    right_sums = np.bincount(which, weights=y, minlength=n_bins)
    return tuple(
        ReliabilityBin(
            lower=float(edges[b]),
            upper=float(edges[b + 1]),
            count=int(counts[b]),
            mean_predicted=float(predicted_sums[b] / counts[b]) if counts[b] else None,
            observed_rate=float(right_sums[b] / counts[b]) if counts[b] else None,
        )
        for b in range(n_bins)
    )


def _ece_of_bins(bins: tuple[ReliabilityBin, ...]) -> float | None:
    total = sum(b.count for b in bins)
    if total == 0:
        return None
    gaps = sum(
        b.count * abs(b.observed_rate - b.mean_predicted)
        for b in bins
        if b.observed_rate is not None and b.mean_predicted is not None
    )
    return gaps / total


def expected_calibration_error(
    predicted: npt.ArrayLike, observed: npt.ArrayLike, n_bins: int = DEFAULT_BINS
) -> float:
    ece = _ece_of_bins(reliability_bins(predicted, observed, n_bins))
    if ece is None:
        raise ValueError("no predictions")
    return ece


def calibration_summary(
    predicted: npt.ArrayLike, observed: npt.ArrayLike, n_bins: int = DEFAULT_BINS
) -> CalibrationSummary:
    """Every figure at once; an empty input gives n = 0 and None figures instead of an error."""
    p, y = _checked(predicted, observed)
    bins = reliability_bins(p, y, n_bins)
    if p.size == 0:
        return CalibrationSummary(0, 0, None, None, None, None, bins)
    return CalibrationSummary(
        n=int(p.size),
        n_correct=int(np.count_nonzero(y)),
        log_loss=log_loss(p, y),
        auc=auc(p, y),
        brier=brier_score(p, y),
        ece=_ece_of_bins(bins),
        bins=bins,
    )
