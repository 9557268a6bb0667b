from celery import shared_task

from apps.privacy.services.deletion import deletion_requests_carry_out


@shared_task(soft_time_limit=600, time_limit=660)
def erase_due_learners() -> int:
    """Carry out deletion requests whose grace period is over (idempotent: done ones are not
    pending any more)."""
    return deletion_requests_carry_out()
