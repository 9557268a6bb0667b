from django.apps import AppConfig


class RecalculationConfig(AppConfig):
    """The nightly recalculation as its own package, so its command lives with it. Its one
    model is the per-course report of the learner model's quality (``ModelQualityReport``);
    its runs, locks and fitted parameters are ``recommendations`` models."""

    name = "apps.recommendations.recalculation"
    label = "recalculation"
    verbose_name = "Nightly recalculation"
