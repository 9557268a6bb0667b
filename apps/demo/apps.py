from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Dev-only: demo seeding, the learner simulator, the demo course. Its commands refuse to
    run under production settings."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
