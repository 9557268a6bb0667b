"""Business metrics of the adaptive loop, exported on /metrics (see apps/core/metrics.py)."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Max, Q, Subquery
from django.utils import timezone
from prometheus_client import Counter

from apps.assessments.models import ItemResponse
from apps.core.metrics import GaugeSample
from apps.recommendations.models import RecalculationRun, RunStatus
from apps.recommendations.recalculation.models import ModelQualityReport
from apps.recommendations.recalculation.quality import QUALITY_WINDOW

ANSWERS = Counter("adaptive_answers_total", "Answers recorded, by correctness.", ["correct"])
SESSIONS = Counter(
    "adaptive_learning_sessions_total", "Practice sessions and placement tests started."
)
COMPLETIONS = Counter(
    "adaptive_assessment_completions_total",
    "Assessments (e.g. placement tests) finished.",
    ["kind"],
)


def answer_recorded(*, correct: bool) -> None:
    ANSWERS.labels(correct=str(correct).lower()).inc()


def session_started() -> None:
    SESSIONS.inc()


def assessment_completed(*, kind: str) -> None:
    COMPLETIONS.labels(kind=kind).inc()


def learning_gauges() -> Iterable[GaugeSample]:
    """Read from the database at scrape time, so every web process reports the same values."""
    since = timezone.now() - timedelta(minutes=15)
    active = (
        ItemResponse.objects.filter(created_at__gte=since).values("learner_id").distinct().count()
    )
    yield GaugeSample(
        "adaptive_active_learners", "Learners who answered recently.", {"window": "15m"}, active
    )
    runs = RecalculationRun.objects.aggregate(
        succeeded=Count("id", filter=Q(status=RunStatus.SUCCEEDED)),
        failed=Count("id", filter=Q(status=RunStatus.FAILED)),
        last_success=Max("finished_at", filter=Q(status=RunStatus.SUCCEEDED)),
    )
    for status in ("succeeded", "failed"):
        yield GaugeSample(
            "adaptive_recalculation_runs_total",
            "Recalculation runs recorded, by outcome.",
            {"status": status},
            runs[status],
        )
    last = runs["last_success"]
    yield GaugeSample(
        "adaptive_recalculation_last_success_timestamp_seconds",
        "When the last recalculation succeeded (Unix time; 0 if never).",
        {},
        last.timestamp() if last else 0.0,
    )
    yield from model_quality_gauges()


# (metric, report field, help). A figure the latest report lacks (no predictions; AUC with
# one outcome only) is left out rather than exported as NaN, so alerts see no series at all.
QUALITY_FIGURES = (
    ("adaptive_model_log_loss", "log_loss", "Log-loss of the live model's predictions"),
    ("adaptive_model_auc", "auc", "AUC of the live model's predictions"),
    ("adaptive_model_brier", "brier", "Brier score of the live model's predictions"),
    ("adaptive_model_ece", "ece", "Expected calibration error of the live model's predictions"),
)
QUALITY_WINDOW_NOTE = (
    f" in the latest nightly report ({QUALITY_WINDOW.days} days of answers before the run)."
)


def model_quality_gauges() -> Iterable[GaugeSample]:
    """The latest ModelQualityReport of each course and model (from the database, so the
    Celery worker that computed it and every web process agree)."""
    latest = (
        ModelQualityReport.objects.order_by()
        .values("course_id", "learner_model")
        .annotate(last=Max("id"))
        .values("last")
    )
    reports = (
        ModelQualityReport.objects.filter(pk__in=Subquery(latest))
        .select_related("course")
        .order_by("course__slug", "learner_model")
    )
    for report in reports:
        labels = {"course": report.course.slug, "model": report.learner_model}
        yield GaugeSample(
            "adaptive_model_predictions",
            "Answers with a recorded prediction" + QUALITY_WINDOW_NOTE,
            labels,
            report.n_predictions,
        )
        yield GaugeSample(
            "adaptive_model_quality_timestamp_seconds",
            "When the latest model quality report was computed (Unix time).",
            labels,
            report.computed_at.timestamp(),
        )
        for name, field, documentation in QUALITY_FIGURES:
            value = getattr(report, field)
            if value is not None:
                yield GaugeSample(name, documentation + QUALITY_WINDOW_NOTE, labels, value)
