"""What the nightly run measures about the live learner model (its parameters, runs and locks
are ``recommendations`` models)."""

from django.db import models
from django.utils import timezone

from apps.curriculum.models import Course
from apps.recommendations.models import RecalculationRun


class ModelQualityReport(models.Model):
    """How well the predictions the live system made before each answer matched the answers,
    for one course over a window of time, as measured by one recalculation run.

    ``bins`` holds the reliability diagram: one object per equal-width bin of the predictions,
    ``{"lower", "upper", "count", "mean_predicted", "observed_rate"}`` (the last two null for an
    empty bin). With no predictions in the window, ``n_predictions`` is 0 and the figures null.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(
        RecalculationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learner_model = models.CharField(
        max_length=32, default="bkt", help_text="Which model made the predictions."
    )
    computed_at = models.DateTimeField(default=timezone.now)
    window_start = models.DateTimeField(help_text="Answers given from then (inclusive) ...")
    window_end = models.DateTimeField(help_text="... until then (exclusive): the run's start.")
    n_predictions = models.PositiveIntegerField(default=0)
    n_correct = models.PositiveIntegerField(default=0)
    log_loss = models.FloatField(null=True, blank=True)
    auc = models.FloatField(
        null=True, blank=True, help_text="Null when all answers were right, or all wrong."
    )
    brier = models.FloatField(null=True, blank=True)
    ece = models.FloatField(
        null=True, blank=True, verbose_name="ECE", help_text="Expected calibration error."
    )
    bins = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = "model quality report"
        constraints = [
            # A redelivered course task updates its run's report instead of adding another.
            models.UniqueConstraint(
                fields=["run", "course", "learner_model"], name="quality_report_once_per_run"
            )
        ]
        indexes = [models.Index(fields=["course", "learner_model", "computed_at"])]

    def __str__(self) -> str:
        return f"{self.course} · {self.learner_model} · {self.computed_at:%Y-%m-%d %H:%M}"
