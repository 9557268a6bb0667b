from django.apps import AppConfig


class WebConfig(AppConfig):
    """Every server-rendered page, by audience. Depends on the domain apps; none imports it."""

    name = "apps.web"
    label = "web"
    verbose_name = "Pages"
