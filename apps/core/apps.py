from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from apps.core import metrics
        from apps.core.queue_metrics import celery_queue_gauges

        metrics.register_business_collector()
        metrics.register_gauge_provider(celery_queue_gauges)
