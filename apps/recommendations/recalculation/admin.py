"""Admin for the model quality reports: per course, how well the live model predicted answers.

A report's page draws its reliability diagram and lists the course's recent reports, so a
drift in calibration reads off one page. Reports are measurements: read-only here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from apps.recommendations.admin import ReadOnlyAdmin
from apps.recommendations.engine.calibration import ReliabilityBin
from apps.recommendations.recalculation.models import ModelQualityReport
from apps.recommendations.recalculation.quality_chart import reliability_chart_svg

HISTORY_REPORTS = 30


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@admin.register(ModelQualityReport)
class ModelQualityReportAdmin(ReadOnlyAdmin):
    list_display = [
        "computed_at",
        "course",
        "learner_model",
        "n_predictions",
        "log_loss_figure",
        "auc_figure",
        "brier_figure",
        "ece_figure",
        "run",
    ]
    list_filter = ["course", "learner_model", "computed_at"]
    list_select_related = ["course", "run"]
    search_fields = ["course__slug", "course__title"]
    date_hierarchy = "computed_at"
    fields = [
        "course",
        "learner_model",
        "run",
        "computed_at",
        ("window_start", "window_end"),
        ("n_predictions", "n_correct"),
        ("log_loss_figure", "auc_figure", "brier_figure", "ece_figure"),
    ]
    readonly_fields = [
        "course",
        "learner_model",
        "run",
        "computed_at",
        "window_start",
        "window_end",
        "n_predictions",
        "n_correct",
        "log_loss_figure",
        "auc_figure",
        "brier_figure",
        "ece_figure",
    ]

    @admin.display(description="Log-loss", ordering="log_loss")
    def log_loss_figure(self, report: ModelQualityReport) -> str:
        return _figure(report.log_loss)

    @admin.display(description="AUC", ordering="auc")
    def auc_figure(self, report: ModelQualityReport) -> str:
        if report.auc is None and report.n_predictions:
            return "— (every answer right, or every answer wrong)"
        return _figure(report.auc)

    @admin.display(description="Brier", ordering="brier")
    def brier_figure(self, report: ModelQualityReport) -> str:
        return _figure(report.brier)

    @admin.display(description="ECE", ordering="ece")
    def ece_figure(self, report: ModelQualityReport) -> str:
        return _figure(report.ece)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ModelQualityReport | None = None,
    ) -> HttpResponse:
        # Called after the permission checks, so nothing is read for a refused request.
        if obj is not None:
            context.update(_quality_context(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)


def _quality_context(report: ModelQualityReport) -> dict[str, Any]:
    bins = [ReliabilityBin(**entry) for entry in report.bins]
    history = ModelQualityReport.objects.filter(
        course_id=report.course_id, learner_model=report.learner_model
    )[:HISTORY_REPORTS]
    return {
        "reliability_chart": reliability_chart_svg(
            bins,
            title=f"Reliability of {report.learner_model} predictions, {report.course}",
            ece=report.ece,
            id_prefix=f"reliability-{report.pk}",
        ),
        "reliability_bins": [
            {
                "bin": entry,
                "gap": None
                if entry.observed_rate is None or entry.mean_predicted is None
                else entry.observed_rate - entry.mean_predicted,
            }
            for entry in bins
        ],
        "quality_history": list(history),
    }
