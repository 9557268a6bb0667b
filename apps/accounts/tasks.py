from celery import shared_task
from django.core.management import call_command


@shared_task(soft_time_limit=600, time_limit=660)
def flush_expired_tokens() -> str:
    """Drop expired refresh tokens from the outstanding and blacklist tables."""
    call_command("flushexpiredtokens")
    return "flushed"
