from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = "Learner model and recommendations"

    def ready(self) -> None:
        from apps.core.metrics import register_gauge_provider
        from apps.recommendations.metrics import learning_gauges

        register_gauge_provider(learning_gauges)
