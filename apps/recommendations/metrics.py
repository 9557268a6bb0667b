"""Business metrics of the adaptive loop, exported on /metrics (see apps/core/metrics.py)."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from prometheus_client import Counter

from apps.assessments.models import ItemResponse
from apps.core.metrics import GaugeSample
from apps.recommendations.models import RecalculationRun, RunStatus

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
