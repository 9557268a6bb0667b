"""Celery queue depth for /metrics: how many tasks wait for a worker (alerting on backlog)."""

from collections.abc import Iterable
from pathlib import Path

import redis
from django.conf import settings

from apps.core.metrics import GaugeSample

QUEUES = ("celery",)


def _depth(queue: str) -> float:
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        client = redis.Redis.from_url(broker, socket_connect_timeout=1, socket_timeout=1)
        return float(client.llen(queue))
    if broker.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        return float(sum(1 for _ in folder.glob(f"*.{queue}.msg")))
    return float("nan")  # other brokers: unknown here


def celery_queue_gauges() -> Iterable[GaugeSample]:
    for queue in QUEUES:
        try:
            depth = _depth(queue)
        except (redis.RedisError, OSError):
            depth = float("nan")  # /ready names the broker; the gauge just goes blank
        yield GaugeSample(
            "adaptive_celery_queue_length",
            "Tasks waiting in a Celery queue.",
            {"queue": queue},
            depth,
        )
