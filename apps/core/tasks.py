from celery import shared_task


@shared_task
def ping() -> str:
    """Round trip through the broker and a worker: ops and tests use it to see workers alive."""
    return "pong"
