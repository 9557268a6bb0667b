"""Model quality in production: how well the live learner model predicted the answers.

The answer path stores on each response the P(correct) the model gave just before it
(``ItemResponse.predicted_correct``). Each nightly run measures, per course, the answers given
in the ``QUALITY_WINDOW`` before the run started, and stores one ``ModelQualityReport`` with
log-loss, AUC, Brier score, ECE and the reliability bins (``engine.calibration``). /metrics
exports the latest report per course and an alert fires when its ECE drifts.

Why a rolling window of 7 days rather than "the answers since the last report":
- the figures of a quiet course stay meaningful: one night's answers are often too few for a
  10-bin ECE, whose chance error grows as 1/sqrt(answers per bin), and an alert on them would
  flap. A week smooths that, at a price: predictions that turn bad tonight are a seventh of
  the window tomorrow, so a sharp drift (ECE 0.03 to 0.4) crosses a 0.1 threshold after
  two or three nights;
- each report depends only on the log and the run's start, so a run that failed, or a night
  without a run, leaves no gap to account for, and a retried task recomputes the same figures;
- the windows overlap, so consecutive reports are not independent samples: read the history
  as a moving average.
A course recalculated with no predictions in the window (its answers carry none) still gets a
report, with ``n_predictions`` 0 and null figures, so "predictions stopped being recorded" shows
as a count of 0 rather than as last week's figures. A course without new answers is not
recalculated, so it gets no report that night; /metrics keeps its last one, with its time.
"""

from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.recommendations.engine.arrays import FloatArray
from apps.recommendations.engine.calibration import CalibrationSummary, calibration_summary
from apps.recommendations.models import RecalculationRun
from apps.recommendations.recalculation.models import ModelQualityReport
from apps.recommendations.recalculation.sql import read_chunks

QUALITY_WINDOW = timedelta(days=7)
RELIABILITY_BINS = 10
# The model whose predictions the answer path records; "combined" once it blends BKT and IRT.
LEARNER_MODEL = "bkt"


def _predictions(course_id: int, start: datetime, end: datetime) -> tuple[FloatArray, FloatArray]:
    """(predicted P(correct), 1.0 right / 0.0 wrong) of the course's answers in [start, end)."""
    rows = ItemResponse.objects.filter(
        item__course_id=course_id,
        created_at__gte=start,
        created_at__lt=end,
        predicted_correct__range=(0.0, 1.0),  # also leaves out nulls (and NaN on PostgreSQL)
    ).values_list("predicted_correct", "correct")
    chunks = [np.array(chunk, dtype=np.float64).reshape(-1, 2) for chunk in read_chunks(rows)]
    table = np.concatenate(chunks) if chunks else np.zeros((0, 2), dtype=np.float64)
    return table[:, 0], table[:, 1]


def _bins_json(summary: CalibrationSummary) -> list[dict[str, float | int | None]]:
    return [
        {
            "lower": round(b.lower, 6),
            "upper": round(b.upper, 6),
            "count": b.count,
            "mean_predicted": b.mean_predicted,
            "observed_rate": b.observed_rate,
        }
        for b in summary.bins
    ]


def model_quality_record(*, course_id: int, run_id: int) -> ModelQualityReport:
    """Measure the course's predictions in the window before the run started and store the
    run's report (a second call for the same run and course updates it)."""
    end = RecalculationRun.objects.values_list("started_at", flat=True).get(pk=run_id)
    start = end - QUALITY_WINDOW
    predicted, observed = _predictions(course_id, start, end)
    summary = calibration_summary(predicted, observed, RELIABILITY_BINS)
    report, _ = ModelQualityReport.objects.update_or_create(
        run_id=run_id,
        course_id=course_id,
        learner_model=LEARNER_MODEL,
        defaults={
            "computed_at": timezone.now(),
            "window_start": start,
            "window_end": end,
            "n_predictions": summary.n,
            "n_correct": summary.n_correct,
            "log_loss": summary.log_loss,
            "auc": summary.auc,
            "brier": summary.brier,
            "ece": summary.ece,
            "bins": _bins_json(summary),
        },
    )
    return report
