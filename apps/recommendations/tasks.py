"""Celery tasks of the nightly recalculation and the retention pruning (thin: the work is in
the ``recalculation`` package and ``services.retention``).

`recalculate_all` (the beat entry) starts a run and queues a group of one task per course, so
more workers finish sooner. Transient database and broker errors are retried with backoff; any
other failure, or retries running out, marks the run failed and releases the lock.

`recalculation_watchdog` (beat, every minute) finds a run whose worker died (its lock's
heartbeat stopped: ``recalculation.runs``), fails it and starts the same run again. The dead
worker's unacknowledged course task comes back only after the broker's visibility timeout (an
hour on Redis; never on the filesystem broker); by then its run is over and it does nothing.
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from celery import Task, group, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

from apps.curriculum.models import Course
from apps.recommendations.models import RunStatus
from apps.recommendations.recalculation.course import (
    recalculate_course,
    recalculation_fail,
    recalculation_start,
)
from apps.recommendations.recalculation.runs import (
    COURSE_SOFT_TIME_LIMIT,
    COURSE_TIME_LIMIT,
    recalculation_reap_dead,
    recalculation_restart_allowed,
)
from apps.recommendations.services.retention import answer_receipts_prune, recommendation_log_prune

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 10,  # 10 s, 20 s, 40 s ... with jitter
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


class RecalculationCourseTask(Task):  # type: ignore[misc]
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Called once retries are over (not on each retry): the run cannot succeed any more.
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            recalculation_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}\n{einfo}")


@shared_task(
    base=RecalculationCourseTask,
    acks_late=True,
    soft_time_limit=COURSE_SOFT_TIME_LIMIT,
    time_limit=COURSE_TIME_LIMIT,
    **RETRY,
)
def recalculate_course_task(run_id: int, course_id: int, full: bool = False) -> str:
    """One course of a run (idempotent: a redelivered task repeats nothing)."""
    outcome = recalculate_course(run_id=run_id, course_id=course_id, full=full)
    return "skipped" if outcome is None else outcome.slug


def _queue_courses(run_id: int, course_ids: list[int], full: bool) -> None:
    try:
        group(recalculate_course_task.s(run_id, course_id, full) for course_id in course_ids)()
    except Exception as error:
        # Nothing will finish the run: fail it now so the lock is free for the retry.
        recalculation_fail(run_id=run_id, error=f"Could not queue the course tasks: {error}")
        raise


@shared_task(soft_time_limit=300, time_limit=360, **RETRY)
def recalculate_all(full: bool = False, trigger: str = "beat", course_id: int | None = None) -> int:
    """Start a run over every course with new responses (all with `full`; only `course_id` if
    given); returns its id."""
    course = None if course_id is None else Course.objects.filter(pk=course_id).first()
    with transaction.atomic():
        run = recalculation_start(trigger=trigger, full=full, course=course)
        course_ids = list(run.counts.get("planned_course_ids", []))
        if run.status == RunStatus.RUNNING and course_ids:
            transaction.on_commit(lambda: _queue_courses(run.pk, course_ids, full))
    return run.pk


@shared_task(soft_time_limit=50, time_limit=55)
def recalculation_watchdog() -> int | None:
    """Fail a run whose worker stopped responding and queue it again (same scope: full or not,
    one course or all); returns the dead run's id, or None when no run is dead."""
    dead = recalculation_reap_dead()
    if dead is None:
        return None
    if not recalculation_restart_allowed():
        logger.error("recalculation run %s died; not restarted: restarts keep dying", dead.pk)
        return dead.pk
    restart = partial(
        recalculate_all.delay, full=dead.full, trigger="watchdog", course_id=dead.course_id
    )
    transaction.on_commit(restart)
    return dead.pk


@shared_task(soft_time_limit=600, time_limit=660)
def prune_answer_receipts() -> int:
    """Drop stored answer feedback past its retention (retries come within minutes, not weeks)."""
    return answer_receipts_prune(older_than=timedelta(days=settings.ANSWER_RECEIPT_RETENTION_DAYS))


@shared_task(soft_time_limit=600, time_limit=660)
def prune_recommendation_log() -> int:
    """Drop "what to do next, and why" records past their retention (teachers read recent ones)."""
    return recommendation_log_prune(
        older_than=timedelta(days=settings.RECOMMENDATION_LOG_RETENTION_DAYS)
    )
