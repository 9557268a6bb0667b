"""Housekeeping of the logs that grow by one row per answer but are only read while recent.

The response log itself (assessments.ItemResponse) is never pruned: it is the evidence every
model is refitted from. What is pruned here are the derived records whose value fades.
"""

from datetime import timedelta

from django.utils import timezone

from apps.recommendations.models import AnswerReceipt, RecommendationLog


def answer_receipts_prune(*, older_than: timedelta) -> int:
    """Delete stored feedback older than ``older_than``; a retry that late gets the feedback
    rebuilt from the log instead. Returns how many were deleted."""
    deleted, _ = AnswerReceipt.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def recommendation_log_prune(*, older_than: timedelta, batch_size: int = 10_000) -> int:
    """Delete recommendation records older than ``older_than``; returns how many.

    Deletes in batches of primary keys so one nightly run on a large table never holds a long
    transaction or builds one huge ``IN`` list (SQLite caps bound parameters).
    """
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        batch = list(
            RecommendationLog.objects.filter(created_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return deleted
        count, _ = RecommendationLog.objects.filter(pk__in=batch).delete()
        deleted += count
