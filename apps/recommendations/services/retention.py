"""Housekeeping of what grows by one entry per answer but is only read while recent.

The response log itself (assessments.ItemResponse) is never pruned: it is the evidence every
model is refitted from. What is pruned here are the derived records whose value fades: the
feedback kept on each response for retries, the recommendation of what came next (on the
response, and the skip log's rows).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.recommendations.models import RecommendationLog


def _in_batches(rows: QuerySet[Any], batch_size: int, apply: Callable[[QuerySet[Any]], int]) -> int:
    """Apply ``apply`` to ``rows`` in batches of primary keys, so one nightly run on a large
    table never holds a long transaction or builds one huge ``IN`` list (SQLite caps bound
    parameters). Returns how many rows were touched."""
    touched = 0
    while True:
        batch = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return touched
        touched += apply(rows.model.objects.filter(pk__in=batch))


def answer_receipts_prune(*, older_than: timedelta, batch_size: int = 10_000) -> int:
    """Drop the stored feedback of answers older than ``older_than``; a retry that late gets
    the feedback rebuilt from the log instead. Returns how many answers lost it."""
    old = ItemResponse.objects.filter(
        created_at__lt=timezone.now() - older_than, feedback__isnull=False
    )
    return _in_batches(old, batch_size, lambda batch: batch.update(feedback=None))


def recommendation_log_prune(*, older_than: timedelta, batch_size: int = 10_000) -> int:
    """Drop "what to do next, and why" older than ``older_than``: the skip log's rows and the
    recommendation each answer carries. Returns how many."""
    cutoff = timezone.now() - older_than
    deleted = _in_batches(
        RecommendationLog.objects.filter(created_at__lt=cutoff),
        batch_size,
        lambda batch: batch.delete()[0],
    )
    answered = ItemResponse.objects.filter(created_at__lt=cutoff, next_activity__isnull=False)
    return deleted + _in_batches(
        answered, batch_size, lambda batch: batch.update(next_activity=None)
    )
