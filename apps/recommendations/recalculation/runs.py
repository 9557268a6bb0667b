"""Recalculation runs: the lock, starting a run, recording each course, finishing or failing.

One lock for all recalculation (a row in RecalculationLock, inserted to take, deleted to
release), so a nightly run and a manual `--course` run never work on the same course at once.
A run that finds the lock held is recorded as skipped and does nothing.

The lock lives on heartbeats: the process working on a run pushes `expires_at` forward by
`RECALCULATION_LOCK_TTL_SECONDS` every `RECALCULATION_HEARTBEAT_SECONDS` (``heartbeat``: a
thread while a course runs, and at each phase). A lock not refreshed for the TTL belongs to a
worker that died (kill -9, machine lost, hard time limit): the next start, or the watchdog
task every minute, takes it over and marks its run failed. `recalculation_lock_refresh` is the
one check that a run still holds the lock: the heartbeat, each phase and each write
transaction call it, so a run that was taken over (a frozen process that came back) stops
before it writes again.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.models import RecalculationLock, RecalculationRun, RunStatus

logger = logging.getLogger(__name__)

LOCK_NAME = "recalculation"
# A course task's limits (tasks.py uses them). A living task keeps its lock by heartbeats,
# however long it runs; the hard limit only bounds a task that hangs.
COURSE_SOFT_TIME_LIMIT = 1800
COURSE_TIME_LIMIT = 1900
DEAD_WORKER = "Worker stopped responding:"
# Restarts by the watchdog that died in turn, since the last success, before it stops restarting:
# a course that kills its worker every time (memory) must not loop all night.
MAX_WATCHDOG_RESTARTS = 3


class RecalculationLockLost(Exception):
    """The run no longer holds the lock: it was taken over as dead, or it ended."""


def heartbeat_period() -> float:
    """Seconds between two heartbeats of a working run."""
    return float(settings.RECALCULATION_HEARTBEAT_SECONDS)


def lock_ttl() -> timedelta:
    """How long a lock lives without a heartbeat: a few periods, so one slow beat (a busy
    database) is not taken for a dead worker."""
    ttl = float(settings.RECALCULATION_LOCK_TTL_SECONDS)
    if ttl < 2 * heartbeat_period():
        raise ImproperlyConfigured(
            "RECALCULATION_LOCK_TTL_SECONDS must be at least twice "
            "RECALCULATION_HEARTBEAT_SECONDS, or living runs are taken over."
        )
    return timedelta(seconds=ttl)


@dataclass(frozen=True, slots=True)
class CourseOutcome:
    slug: str
    counts: dict[str, int]
    timings: dict[str, float]


def _dead_run_error(lock: RecalculationLock, by: str) -> str:
    last_beat = lock.expires_at - lock_ttl()
    return (
        f"{DEAD_WORKER} no heartbeat since {last_beat:%Y-%m-%d %H:%M:%S %Z} "
        f"(lock expired at {lock.expires_at:%Y-%m-%d %H:%M:%S %Z}); taken over by {by}."
    )


def _take_over(lock: RecalculationLock, now: datetime, by: str) -> bool:
    """Delete an expired lock and fail its run. Of concurrent takers exactly one deletes the
    row (the delete re-checks the expiry), and only that one fails the run."""
    deleted, _ = RecalculationLock.objects.filter(pk=lock.pk, expires_at__lte=now).delete()
    if not deleted:
        return False
    logger.warning("recalculation lock of run %s expired; taken over by %s", lock.run_id, by)
    if lock.run_id is not None:
        recalculation_fail(run_id=lock.run_id, error=_dead_run_error(lock, by))
    return True


def _take_lock(run: RecalculationRun, now: datetime) -> RecalculationLock | None:
    """Take the lock for `run` (insert its row) and return None; or return the live lock of
    the run that holds it."""
    for _ in range(3):
        try:
            with transaction.atomic():
                RecalculationLock.objects.create(
                    name=LOCK_NAME, run=run, acquired_at=now, expires_at=now + lock_ttl()
                )
            return None
        except IntegrityError:
            held = RecalculationLock.objects.filter(name=LOCK_NAME).first()
            if held is None:
                continue  # released in between: try again
            if held.expires_at > now:
                return held
            _take_over(held, now, by=f"run {run.pk}")
    held = RecalculationLock.objects.filter(name=LOCK_NAME).first()
    if held is None:  # inserts failing while no row exists: nothing sane to do but stop
        raise RuntimeError("could neither take nor read the recalculation lock")
    return held


def recalculation_reap_dead() -> RecalculationRun | None:
    """The watchdog's work: fail the run whose lock expired (its worker died) and free the
    lock; return that run, so the caller can start the work again. A running run that holds
    no lock at all (its row deleted by hand) and is older than the TTL is failed too."""
    now = timezone.now()
    held = RecalculationLock.objects.filter(name=LOCK_NAME, expires_at__lte=now).first()
    if held is not None and _take_over(held, now, by="the watchdog") and held.run_id is not None:
        return RecalculationRun.objects.filter(pk=held.run_id).first()
    orphan = (
        RecalculationRun.objects.filter(status=RunStatus.RUNNING, started_at__lte=now - lock_ttl())
        .exclude(pk__in=RecalculationLock.objects.filter(run__isnull=False).values("run_id"))
        .order_by("started_at")
        .first()
    )
    if orphan is None:
        return None
    recalculation_fail(run_id=orphan.pk, error="The run held no lock; failed by the watchdog.")
    return orphan


def recalculation_restart_allowed() -> bool:
    """Whether the watchdog may start a dead run again: not after MAX_WATCHDOG_RESTARTS of its
    own restarts died since the last successful run (then an operator looks at the logs)."""
    last_success = (
        RecalculationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .values_list("started_at", flat=True)
        .first()
    )
    restarts_died = RecalculationRun.objects.filter(
        trigger="watchdog", status=RunStatus.FAILED, error__startswith=DEAD_WORKER
    )
    if last_success is not None:
        restarts_died = restarts_died.filter(started_at__gt=last_success)
    return restarts_died.count() < MAX_WATCHDOG_RESTARTS


def previous_watermark(*, course_id: int) -> int:
    """Highest response id covered by a successful run over this course (0 if none)."""
    found = RecalculationRun.objects.filter(
        Q(course__isnull=True) | Q(course_id=course_id), status=RunStatus.SUCCEEDED
    ).aggregate(watermark=Max("response_watermark"))["watermark"]
    return int(found or 0)


def _courses_to_run(course: Course | None, full: bool, watermark: int) -> list[int]:
    """Courses with responses (full), or with responses newer than their watermark."""
    courses = Course.objects.order_by("id")
    if course is not None:
        courses = courses.filter(pk=course.pk)
    planned = []
    for course_id in courses.values_list("id", flat=True):
        since = 0 if full else previous_watermark(course_id=course_id)
        if since >= watermark:
            continue
        if ItemResponse.objects.filter(
            item__course_id=course_id, id__gt=since, id__lte=watermark
        ).exists():
            planned.append(course_id)
    return planned


def recalculation_start(
    *, trigger: str, course: Course | None = None, full: bool = False
) -> RecalculationRun:
    """Record a run and take the lock. If another run holds it, the run is saved as skipped
    (with the holder in `error`) and nothing else happens. The courses to recalculate are in
    ``counts["planned_course_ids"]``; with none, the run succeeds at once."""
    now = timezone.now()
    watermark = ItemResponse.objects.aggregate(top=Max("id"))["top"] or 0
    with transaction.atomic():
        run = RecalculationRun.objects.create(
            trigger=trigger, full=full, course=course, response_watermark=watermark, started_at=now
        )
        held = _take_lock(run, now)
        if held is not None:
            run.status, run.finished_at = RunStatus.SKIPPED, now
            run.error = (
                f"Skipped: run {held.run_id} holds the recalculation lock (its worker is alive: "
                f"taken over if no heartbeat by {held.expires_at:%Y-%m-%d %H:%M:%S %Z})."
            )
            run.save(update_fields=["status", "finished_at", "error"])
            return run
        planned = _courses_to_run(course, full, watermark)
        run.pending_tasks = len(planned)
        run.counts = {"planned_course_ids": planned, "courses": {}}
        run.timings = {"courses": {}}
        run.save(update_fields=["pending_tasks", "counts", "timings"])
        if not planned:
            _finish(run)
    return run


def recalculation_lock_refresh(*, run_id: int) -> None:
    """A heartbeat: extend the lock `run_id` holds, or raise RecalculationLockLost if it holds
    none. Inside a write transaction it is also the fence: the UPDATE keeps the row locked
    (PostgreSQL; SQLite writes one at a time) until the commit, so a takeover cannot slip in
    between the check and the write."""
    refreshed = RecalculationLock.objects.filter(name=LOCK_NAME, run_id=run_id).update(
        expires_at=timezone.now() + lock_ttl()
    )
    if not refreshed:
        raise RecalculationLockLost(f"run {run_id} no longer holds the recalculation lock")


def course_already_done(*, run: RecalculationRun, slug: str) -> bool:
    return slug in run.counts.get("courses", {})


def _totals(courses: dict[str, dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {"courses": len(courses)}
    for counts in courses.values():
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + int(value)
    return totals


def _phase_totals(courses: dict[str, dict[str, float]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for timings in courses.values():
        for phase, seconds in timings.items():
            totals[phase] = round(totals.get(phase, 0.0) + seconds, 3)
    return totals


def recalculation_course_done(*, run_id: int, outcome: CourseOutcome) -> RecalculationRun:
    """Record one course's counts and timings; the last course finishes the run. Recording a
    course twice (a redelivered task) counts it once."""
    with transaction.atomic():
        run = RecalculationRun.objects.select_for_update().get(pk=run_id)
        if course_already_done(run=run, slug=outcome.slug):
            return run
        run.counts.setdefault("courses", {})[outcome.slug] = outcome.counts
        run.timings.setdefault("courses", {})[outcome.slug] = {
            phase: round(seconds, 3) for phase, seconds in outcome.timings.items()
        }
        run.counts["totals"] = _totals(run.counts["courses"])
        run.timings["phases"] = _phase_totals(run.timings["courses"])
        run.save(update_fields=["counts", "timings"])
        RecalculationRun.objects.filter(pk=run_id).update(pending_tasks=F("pending_tasks") - 1)
        run.refresh_from_db(fields=["pending_tasks", "status"])
        if run.pending_tasks <= 0 and run.status == RunStatus.RUNNING:
            _finish(run)
    return run


def _release(run_id: int) -> None:
    RecalculationLock.objects.filter(name=LOCK_NAME, run_id=run_id).delete()


def _finish(run: RecalculationRun) -> None:
    run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
    run.timings["total"] = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.save(update_fields=["status", "finished_at", "timings"])
    _release(run.pk)


def recalculation_fail(*, run_id: int, error: str) -> None:
    """Mark a running run failed with the error and release its lock (idempotent)."""
    with transaction.atomic():
        now = timezone.now()
        run = RecalculationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        if run.status == RunStatus.RUNNING:
            run.status, run.finished_at, run.error = RunStatus.FAILED, now, error[:10_000]
            run.timings["total"] = round((now - run.started_at).total_seconds(), 3)
            run.save(update_fields=["status", "finished_at", "error", "timings"])
        _release(run_id)
