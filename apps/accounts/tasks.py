import io
import logging

from celery import shared_task
from django.core.management import call_command

from apps.accounts import emails, services

logger = logging.getLogger(__name__)
# axes writes a row per successful login (who, from where); a month is enough to investigate.
LOGIN_LOG_RETENTION_DAYS = 30


@shared_task(soft_time_limit=600, time_limit=660)
def flush_expired_tokens() -> str:
    """Drop expired refresh tokens from the outstanding and blacklist tables, expired access
    tokens from the logout denylist, and axes' login log past its retention."""
    call_command("flushexpiredtokens")
    call_command("axes_reset_logs", age=LOGIN_LOG_RETENTION_DAYS, stdout=io.StringIO())
    pruned = services.access_token_denylist_prune()
    logger.info("pruned expired access tokens from the denylist", extra={"count": pruned})
    return "flushed"


# Mail tasks are safe to run twice (a second reset link or notice is harmless), so they retry
# a mail server that did not answer.
@shared_task(
    soft_time_limit=60, time_limit=90, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_password_reset(*, email: str, domain: str, use_https: bool) -> int:
    return emails.password_reset_send(email=email, domain=domain, use_https=use_https)


@shared_task(
    soft_time_limit=60, time_limit=90, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def notify_email_in_use(*, user_id: int, email: str) -> int:
    return emails.email_in_use_send(user_id=user_id, email=email)
