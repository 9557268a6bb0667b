from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and classrooms"

    def ready(self) -> None:
        from apps.accounts import token_cache  # noqa: F401  (connects its receivers)
        from apps.accounts.selectors import user_count_gauges
        from apps.core.metrics import register_gauge_provider

        register_gauge_provider(user_count_gauges)
